from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budget.models import Budget
from tests.factories import make_budget, make_line

pytestmark = pytest.mark.django_db

KEYS = {
    "rrf",
    "drf",
    "interest",
    "epargne_gestion",
    "epargne_brute",
    "epargne_nette",
    "taux_epargne_brute",
    "capital_repayment",
    "new_loans",
    "debt_start",
    "debt_end",
    "capacite_desendettement",
}


def summary(*args: str) -> str:
    out = StringIO()
    call_command("budget_summary", *args, stdout=out)
    return out.getvalue()


def hand_computed_budget() -> Budget:
    budget = make_budget(slug="ville-2026-bp", debt_start=Decimal("1000000.00"))
    revenue = {"direction": "recette"}
    invest = {"section": "investissement", "chapter": "16"}
    make_line(budget, chapter="73", account="73111", amount=Decimal("800000.10"), **revenue)
    make_line(budget, chapter="013", account="6419", amount=Decimal("20000"), **revenue)
    make_line(budget, chapter="002", account="002", amount=Decimal("99999"), **revenue)
    make_line(budget, chapter="77", account="775", amount=Decimal("50000"), **revenue)
    make_line(
        budget, kind="ordre", chapter="042", account="7811", amount=Decimal("7777"), **revenue
    )
    make_line(budget, chapter="012", account="64111", amount=Decimal("500000"))
    make_line(budget, chapter="011", account="60612", amount=Decimal("180000.05"))
    make_line(budget, chapter="66", account="66111", amount=Decimal("30000"))
    make_line(budget, chapter="002", account="002", amount=Decimal("12345"))
    make_line(budget, account="1641", amount=Decimal("60000"), **invest)
    make_line(budget, account="166", amount=Decimal("300000"), **invest)
    make_line(budget, account="16449", amount=Decimal("40000"), **invest)
    make_line(budget, account="1641", amount=Decimal("150000"), direction="recette", **invest)
    make_line(budget, account="166", amount=Decimal("300000"), direction="recette", **invest)
    return budget


def test_it_prints_the_totals_and_ratios_as_json():
    hand_computed_budget()

    data = json.loads(summary("ville-2026-bp", "--json"))

    assert set(data) == KEYS
    # RRF: 73 + 013, without the 002 result carried over, the 775 sale nor the ordre line.
    rrf = 800000.10 + 20000
    drf = 500000 + 180000.05 + 30000  # without 002
    assert data["rrf"] == pytest.approx(820000.10)
    assert data["drf"] == pytest.approx(710000.05)
    assert data["interest"] == 30000
    assert data["epargne_gestion"] == pytest.approx(round(rrf - (drf - 30000), 2))
    assert data["epargne_brute"] == pytest.approx(110000.05)
    # Capital repaid excludes refinancing (166) and cash-line drawings (16449).
    assert data["capital_repayment"] == 60000
    assert data["epargne_nette"] == pytest.approx(50000.05)
    assert data["new_loans"] == 150000
    assert data["debt_start"] == 1000000
    assert data["debt_end"] == 1000000 - 60000 + 150000
    assert data["taux_epargne_brute"] == pytest.approx(110000.05 / 820000.10)
    assert data["capacite_desendettement"] == pytest.approx(1090000 / 110000.05)


def test_amounts_are_rounded_to_the_cent():
    budget = make_budget()
    make_line(budget, direction="recette", chapter="73", account="73111", amount=Decimal("0.10"))
    make_line(budget, direction="recette", chapter="74", account="7411", amount=Decimal("0.20"))

    data = json.loads(summary(budget.slug, "--json"))

    # 0.1 + 0.2 is 0.30000000000000004 in floating point.
    assert data["rrf"] == 0.3


def test_it_finds_a_budget_by_its_id():
    budget = hand_computed_budget()

    data = json.loads(summary(str(budget.pk), "--json"))

    assert data["new_loans"] == 150000


def test_the_debt_capacity_is_null_without_gross_savings():
    budget = make_budget(debt_start=Decimal("500000"))
    make_line(budget, direction="recette", chapter="73", account="73111", amount=Decimal("1000"))
    make_line(budget, chapter="012", account="64111", amount=Decimal("1000"))

    data = json.loads(summary(budget.slug, "--json"))

    assert data["epargne_brute"] == 0
    assert data["capacite_desendettement"] is None


def test_a_compte_administratif_uses_the_realised_amounts():
    budget = make_budget(stage=Budget.Stage.ADMINISTRATIF)
    make_line(
        budget,
        direction="recette",
        chapter="73",
        account="73111",
        amount=Decimal("1000"),
        realised=Decimal("900"),
    )

    assert json.loads(summary(budget.slug, "--json"))["rrf"] == 900


def test_it_prints_a_readable_french_summary_without_json():
    hand_computed_budget()

    text = summary("ville-2026-bp")

    assert "Épargne brute" in text
    assert "110\u202f000,05 €" in text
    assert "Capacité de désendettement" in text and "9,9 ans" in text
    assert "Taux d'épargne brute" in text and "13,4\u00a0%" in text


def test_the_summary_flags_an_undefined_debt_capacity():
    budget = make_budget()
    make_line(budget, chapter="012", account="64111", amount=Decimal("1000"))

    assert "ALERTE" in summary(budget.slug)


def test_an_unknown_budget_is_a_clear_error():
    with pytest.raises(CommandError, match="Budget inconnu : nulle-part"):
        summary("nulle-part", "--json")
    with pytest.raises(CommandError, match="Budget inconnu : 424242"):
        summary("424242")

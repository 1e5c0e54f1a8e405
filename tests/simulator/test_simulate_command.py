from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from simulator.models import Scenario
from tests.simulator.factories import make_measure, pool_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    budget, lines = pool_budget(
        property_tax_base=Decimal("2000000"),
        property_tax_rate=Decimal("40"),
        property_tax_average_bill=Decimal("800"),
    )
    make_measure(
        budget,
        lines["pool_staff"],
        slug="fermeture-piscine-lundi",
        title="Fermer la piscine le lundi",
        amount=Decimal("-45000"),
    )
    return budget, lines


def _run(tmp_path, capsys, budget, scenario, *extra):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    call_command("simulate", budget.slug, str(path), "--json", *extra)
    return json.loads(capsys.readouterr().out)


def test_it_prints_the_documented_keys_for_a_scenario_file(tmp_path, capsys, pool):
    budget, lines = pool
    scenario = {
        "horizon": 3,
        "target": 40000,
        "adjustments": [
            {"line": "FD-60612-814", "percent": -20, "start_year": 2, "recurring": True},
        ],
        "measures": ["fermeture-piscine-lundi"],
        "tax_rate_change": 0.5,
    }

    out = _run(tmp_path, capsys, budget, scenario)

    assert set(out) == {
        "years",
        "target",
        "target_met",
        "first_year_net_saving",
        "full_year_net_saving",
        "lines",
        "warnings",
    }
    assert set(out["years"][0]) == {
        "year",
        "rrf",
        "drf",
        "interest",
        "epargne_gestion",
        "epargne_brute",
        "epargne_nette",
        "taux_epargne_brute",
        "capital_repayment",
        "new_loans",
        "debt_end",
        "capacite_desendettement",
        "direct_delta",
        "induced_delta",
        "net_saving",
        "investment_net_delta",
    }
    # Year 1: pool −45 000 (tickets −4 500) and tax 2 000 000 × 0.5 % = +10 000.
    assert out["years"][0]["net_saving"] == 45000 - 4500 + 10000
    # From year 2 the lighting line also falls by 20 % of 100 000.
    assert out["years"][1]["net_saving"] == 45000 - 4500 + 10000 + 20000
    assert out["full_year_net_saving"] == 70500
    assert out["first_year_net_saving"] == 50500
    assert out["target_met"] is True
    assert out["years"][0]["direct_delta"] == 55000
    assert out["years"][0]["induced_delta"] == -4500


def test_the_horizon_option_overrides_the_file(tmp_path, capsys, pool):
    budget, lines = pool

    out = _run(tmp_path, capsys, budget, {"horizon": 3, "adjustments": []}, "--horizon", "5")

    assert [y["year"] for y in out["years"]] == [1, 2, 3, 4, 5]


def test_an_unknown_line_exits_with_code_2_and_saves_nothing(tmp_path, pool):
    budget, lines = pool
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"adjustments": [{"line": "FD-0000", "amount": -5}]}))

    with pytest.raises(CommandError) as error:
        call_command("simulate", budget.slug, str(path), "--json")

    assert error.value.returncode == 2
    assert "FD-0000" in str(error.value)
    assert "n'existe pas" in str(error.value)
    assert Scenario.objects.count() == 0


def test_an_unknown_measure_and_bad_json_are_refused(tmp_path, pool):
    budget, lines = pool
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"measures": ["inconnue"]}))
    with pytest.raises(CommandError, match="Mesure inconnue pour ce budget : « inconnue »"):
        call_command("simulate", budget.slug, str(path))

    path.write_text("{pas du json")
    with pytest.raises(CommandError, match="JSON invalide") as error:
        call_command("simulate", budget.slug, str(path))
    assert error.value.returncode == 2


def test_an_unknown_budget_is_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{}")

    with pytest.raises(CommandError, match="Budget introuvable"):
        call_command("simulate", "nulle-part", str(path))

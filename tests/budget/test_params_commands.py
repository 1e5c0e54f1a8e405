"""export_simulator_params BUDGET -o FILE / import_simulator_params BUDGET FILE [--dry-run]"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from budget.models import ImpactRule
from tests.factories import make_budget, make_line, make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    budget = make_budget(slug="lorme-2026-bp")
    staff = make_line(budget, account="64111", chapter="012")
    pool = make_line(budget, account="7066", chapter="70", direction="recette")
    make_rule(staff, pool, coefficient=Decimal("-0.5"))
    return budget


def run(name, *args) -> str:
    out = io.StringIO()
    call_command(name, *[str(a) for a in args], stdout=out)
    return out.getvalue()


def edited(path, adjustable="non"):
    book = load_workbook(path)
    book["lignes"]["D2"] = adjustable
    book.save(path)


def test_export_by_slug_or_id_writes_the_workbook(budget, tmp_path):
    by_slug, by_id = tmp_path / "a.xlsx", tmp_path / "b.xlsx"

    output = run("export_simulator_params", "lorme-2026-bp", "-o", by_slug)
    run("export_simulator_params", budget.pk, "-o", by_id)

    assert str(by_slug) in output
    for path in (by_slug, by_id):
        book = load_workbook(path)
        assert book.sheetnames[:2] == ["lignes", "impacts"]
        assert book["impacts"]["A2"].value == "FD-64111"


def test_import_applies_the_workbook(budget, tmp_path):
    path = tmp_path / "p.xlsx"
    run("export_simulator_params", budget.slug, "-o", path)
    edited(path)

    output = run("import_simulator_params", budget.slug, path)

    assert "1 lignes modifiées, 1 règles d'impact (1 remplacées)." in output
    assert budget.lines.get(code="FD-64111").adjustable is False


def test_import_dry_run_writes_nothing(budget, tmp_path):
    path = tmp_path / "p.xlsx"
    run("export_simulator_params", budget.slug, "-o", path)
    edited(path)
    rule = ImpactRule.objects.get()

    output = run("import_simulator_params", budget.slug, path, "--dry-run")

    assert "rien n'a été enregistré" in output
    assert budget.lines.get(code="FD-64111").adjustable is True
    assert ImpactRule.objects.get() == rule


def test_import_fails_with_the_report(budget, tmp_path):
    path = tmp_path / "p.xlsx"
    run("export_simulator_params", budget.slug, "-o", path)
    edited(path, adjustable="bof")

    with pytest.raises(CommandError) as error:
        run("import_simulator_params", budget.slug, path)

    assert "Ligne 2, colonne lignes.ajustable : « bof » : répondez oui ou non." in str(error.value)
    assert budget.lines.get(code="FD-64111").adjustable is True


def test_an_unknown_budget_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Budget inconnu : nulle-part"):
        run("export_simulator_params", "nulle-part", "-o", tmp_path / "x.xlsx")

"""Re-importing a budget: lines updated in place by code, settings and rules kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.imports.services import budget_import
from budget.models import Budget, BudgetLine, ImpactRule
from tests.budget.files.scdl import csv_bytes, row
from tests.factories import make_rule

pytestmark = pytest.mark.django_db

ENERGY = row(contnat="60612", contnat_label="Électricité", mtprev="1000")
STAFF = row(contnat="64111", contnat_label="Rémunérations", nature="012", mtprev="5000")
POOL = row(contnat="7066", contnat_label="Piscine", nature="70", codrd="recette", mtprev="800")
GRANT = row(contnat="6574", contnat_label="Subventions", nature="65", fonction="025", mtprev="300")


def first_import(rows):
    report = budget_import(data=csv_bytes(rows), filename="v1.csv")
    assert report.ok, report.errors
    return report.budget


def lines_of(budget) -> dict[str, BudgetLine]:
    return {line.code: line for line in BudgetLine.objects.filter(budget=budget)}


def test_reimporting_the_same_file_keeps_codes_and_ids():
    budget = first_import([ENERGY, STAFF, GRANT, GRANT])
    before = {code: line.pk for code, line in lines_of(budget).items()}

    report = budget_import(data=csv_bytes([ENERGY, STAFF, GRANT, GRANT]), filename="v1.csv")

    assert report.ok
    assert (report.created, report.updated, report.deleted) == (0, 4, 0)
    assert report.budget == budget
    assert not report.budget_created
    assert {code: line.pk for code, line in lines_of(budget).items()} == before
    assert set(before) == {"FD-60612", "FD-64111", "FD-6574-025", "FD-6574-025-2"}
    assert Budget.objects.count() == 1


def test_reimport_updates_amounts_keeps_team_settings_and_rules_and_reports_what_is_lost():
    budget = first_import([ENERGY, STAFF, POOL, GRANT])
    lines = lines_of(budget)
    energy, staff, pool, grant = (
        lines["FD-60612"],
        lines["FD-64111"],
        lines["FR-7066"],
        lines["FD-6574-025"],
    )
    energy.label = "Électricité des écoles"
    energy.floor = Decimal("200.00")
    energy.service = "Bâtiments"
    energy.save()
    staff.adjustable = False
    staff.save()
    grant.floor = Decimal("100.00")
    grant.service = "Vie associative"
    grant.save()
    kept_rule = make_rule(staff, pool, coefficient=Decimal("-0.25"))
    make_rule(energy, grant, coefficient=Decimal("0.5"), lag=1)

    new_energy = {**ENERGY, "BGT_MTPREV": "1 100,00", "BGT_CONTNAT_LABEL": "Énergie"}
    new_staff = {**STAFF, "BGT_CONTNAT_LABEL": "Rémunérations principales"}
    library = row(contnat="6065", contnat_label="Livres", mtprev="50")
    report = budget_import(
        data=csv_bytes([new_energy, new_staff, POOL, library]), filename="v2.csv"
    )

    assert report.ok, report.errors
    assert (report.created, report.updated, report.deleted) == (1, 3, 1)
    after = lines_of(budget)
    assert set(after) == {"FD-60612", "FD-64111", "FR-7066", "FD-6065"}
    assert after["FD-60612"].pk == energy.pk
    assert after["FD-60612"].amount == Decimal("1100.00")
    assert after["FD-60612"].account_label == "Énergie"
    # The label the team wrote stays; an untouched label follows the file.
    assert after["FD-60612"].label == "Électricité des écoles"
    assert after["FD-64111"].label == "Rémunérations principales"
    assert (after["FD-60612"].floor, after["FD-60612"].service) == (Decimal("200.00"), "Bâtiments")
    assert after["FD-64111"].adjustable is False
    assert after["FD-6065"].adjustable is True
    assert list(ImpactRule.objects.values_list("pk", flat=True)) == [kept_rule.pk]
    assert report.detached == [
        "Règle FD-60612 → FD-6574-025 (coefficient 0,5, décalage 1 an(s)) supprimée : la ligne "
        "FD-6574-025 n'est plus dans le fichier.",
        "Ligne FD-6574-025 absente du nouveau fichier : réglages perdus (plancher 100,00 €, "
        "service « Vie associative »).",
    ]


def test_a_line_turned_into_an_order_line_loses_adjustability_and_its_rules():
    budget = first_import([ENERGY, STAFF])
    lines = lines_of(budget)
    make_rule(lines["FD-60612"], lines["FD-64111"])

    report = budget_import(
        data=csv_bytes([ENERGY, {**STAFF, "BGT_OPBUDG": "ordre"}]), filename="v2.csv"
    )

    assert report.ok
    assert lines_of(budget)["FD-64111"].adjustable is False
    assert ImpactRule.objects.count() == 0
    assert report.detached == [
        "Règle FD-60612 → FD-64111 (coefficient 1, décalage 0 an(s)) supprimée : la ligne "
        "FD-64111 est devenue une opération d'ordre."
    ]


def test_a_refused_reimport_leaves_the_budget_as_it_was():
    budget = first_import([ENERGY, STAFF])

    report = budget_import(
        data=csv_bytes([{**ENERGY, "BGT_MTPREV": "9"}, {**STAFF, "BGT_MTPREV": "x"}]),
        filename="v2.csv",
    )

    assert not report.ok
    assert dict(budget.lines.values_list("code", "amount")) == {
        "FD-60612": Decimal("1000.00"),
        "FD-64111": Decimal("5000.00"),
    }


def test_a_dry_run_reimport_reports_the_changes_without_making_them():
    budget = first_import([ENERGY, STAFF])
    lines = lines_of(budget)
    rule = make_rule(lines["FD-60612"], lines["FD-64111"])

    report = budget_import(data=csv_bytes([ENERGY, POOL]), filename="v2.csv", dry_run=True)

    assert report.ok
    assert (report.created, report.updated, report.deleted) == (1, 1, 1)
    assert len(report.detached) == 1
    assert set(lines_of(budget)) == {"FD-60612", "FD-64111"}
    assert ImpactRule.objects.get() == rule
    budget.refresh_from_db()
    assert budget.source_filename == "v1.csv"

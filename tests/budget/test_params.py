"""Simulator parameters in Excel: export pre-filled, import all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from budget.imports.params import simulator_params_export, simulator_params_import
from budget.models import BudgetLine, ImpactRule
from tests.factories import make_budget, make_line, make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    budget = make_budget()
    make_line(budget, account="60612", amount=Decimal("48500.00"), label="Électricité")
    make_line(budget, account="64111", chapter="012", amount=Decimal("1250000"))
    make_line(budget, account="7066", chapter="70", direction="recette", amount=Decimal("800"))
    make_line(budget, account="6811", chapter="042", kind="ordre", amount=Decimal("95000"))
    make_line(budget, account="66111", chapter="66", amount=Decimal("85000"))
    return budget


def line(budget, code) -> BudgetLine:
    return budget.lines.get(code=code)


def workbook(
    lines=(), rules=(), *, line_header=None, rule_header=None, sheets=("lignes", "impacts")
):
    book = Workbook()
    book.remove(book.active)
    if "lignes" in sheets:
        sheet = book.create_sheet("lignes")
        sheet.append(line_header or ["code", "libelle", "montant", "ajustable", "plancher"])
        for values in lines:
            sheet.append(list(values))
    if "impacts" in sheets:
        sheet = book.create_sheet("impacts")
        sheet.append(
            rule_header
            or ["source", "cible", "coefficient", "decalage_annees", "cumul", "description"]
        )
        for values in rules:
            sheet.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def state(budget):
    """Everything an import may change, to check that a refused one changed nothing."""
    return (
        list(budget.lines.order_by("code").values_list("code", "adjustable", "floor", "label")),
        list(
            ImpactRule.objects.order_by("pk").values_list(
                "source__code", "target__code", "coefficient", "lag", "cumulative"
            )
        ),
    )


def test_the_export_is_prefilled_and_formatted(budget):
    make_rule(
        line(budget, "FD-64111"),
        line(budget, "FR-7066"),
        coefficient=Decimal("-0.25"),
        lag=1,
        description="Piscine",
    )
    staff = line(budget, "FD-64111")
    staff.floor = Decimal("1000000")
    staff.save()

    book = load_workbook(io.BytesIO(simulator_params_export(budget=budget)))

    lines = book["lignes"]
    assert [c.value for c in lines[1]][:5] == [
        "code",
        "libelle",
        "montant",
        "ajustable",
        "plancher",
    ]
    assert lines["A1"].font.bold
    assert lines.freeze_panes == "A2"
    assert lines.column_dimensions["B"].width >= 30
    rows = {r[0]: r[:5] for r in lines.iter_rows(min_row=2, values_only=True)}
    assert rows["FD-60612"] == ("FD-60612", "Électricité", 48500, "oui", None)
    assert rows["FD-64111"] == ("FD-64111", None, 1250000, "oui", 1000000)
    assert rows["FD-6811"][3] == "non"
    assert rows["FD-66111"][3] == "non"
    impacts = book["impacts"]
    assert [c.value for c in impacts[1]] == [
        "source",
        "cible",
        "coefficient",
        "decalage_annees",
        "cumul",
        "description",
    ]
    assert impacts["A1"].font.bold and impacts.freeze_panes == "A2"
    assert list(impacts.iter_rows(min_row=2, values_only=True)) == [
        ("FD-64111", "FR-7066", -0.25, 1, "non", "Piscine")
    ]


def test_export_then_import_unchanged_keeps_everything(budget):
    make_rule(
        line(budget, "FD-64111"), line(budget, "FR-7066"), coefficient=Decimal("-0.25"), lag=1
    )
    before = state(budget)

    report = simulator_params_import(budget=budget, data=simulator_params_export(budget=budget))

    assert report.ok, report.errors
    assert (report.lines_updated, report.rules_created, report.rules_deleted) == (0, 1, 1)
    assert state(budget) == before


def test_an_edited_export_round_trips(budget):
    data = simulator_params_export(budget=budget)
    book = load_workbook(io.BytesIO(data))
    lines = book["lignes"]
    for cells in lines.iter_rows(min_row=2):
        if cells[0].value == "FD-64111":
            cells[3].value = "NON"
            cells[4].value = "1 000 000,50"
        if cells[0].value == "FD-60612":
            cells[1].value = "Électricité des écoles"
            cells[4].value = 20000
    book["impacts"].append(["FD-64111", "FR-7066", "-0,25", 1, "Oui", "Fermeture de la piscine"])
    book["impacts"].append(["  FD-60612 ", "FD-64111", 0.1, None, None, ""])
    buffer = io.BytesIO()
    book.save(buffer)

    report = simulator_params_import(budget=budget, data=buffer.getvalue())

    assert report.ok, report.errors
    assert (report.lines_updated, report.rules_created) == (2, 2)
    staff, energy = line(budget, "FD-64111"), line(budget, "FD-60612")
    assert (staff.adjustable, staff.floor) == (False, Decimal("1000000.50"))
    assert (energy.adjustable, energy.floor, energy.label) == (
        True,
        Decimal("20000.00"),
        "Électricité des écoles",
    )
    rules = list(ImpactRule.objects.order_by("pk"))
    assert [
        (r.source.code, r.target.code, r.coefficient, r.lag, r.cumulative, r.description)
        for r in rules
    ] == [
        ("FD-64111", "FR-7066", Decimal("-0.25"), 1, True, "Fermeture de la piscine"),
        ("FD-60612", "FD-64111", Decimal("0.1"), 0, False, ""),
    ]


def test_lines_absent_from_the_sheet_keep_their_flags(budget):
    pool = line(budget, "FR-7066")
    pool.adjustable = False
    pool.floor = Decimal("10")
    pool.save()

    report = simulator_params_import(
        budget=budget, data=workbook([("FD-60612", "", "", "non", "")])
    )

    assert report.ok
    pool.refresh_from_db()
    assert (pool.adjustable, pool.floor) == (False, Decimal("10.00"))
    assert line(budget, "FD-60612").adjustable is False


def test_the_import_replaces_the_rules(budget):
    make_rule(line(budget, "FD-64111"), line(budget, "FR-7066"))

    report = simulator_params_import(
        budget=budget, data=workbook(rules=[("FD-60612", "FR-7066", 2, 0, "non", "")])
    )

    assert report.ok
    assert list(ImpactRule.objects.values_list("source__code", "target__code")) == [
        ("FD-60612", "FR-7066")
    ]


def test_dry_run_writes_nothing(budget):
    make_rule(line(budget, "FD-64111"), line(budget, "FR-7066"))
    before = state(budget)

    report = simulator_params_import(
        budget=budget, data=workbook([("FD-60612", "", "", "non", "5")], []), dry_run=True
    )

    assert report.ok
    assert (report.lines_updated, report.rules_created, report.rules_deleted) == (1, 0, 1)
    assert state(budget) == before


@pytest.mark.parametrize(
    ("lines", "rules", "expected"),
    [
        (
            [("FD-99999", "", "", "oui", "")],
            [],
            ["Ligne 2, colonne lignes.code : « FD-99999 » n'est pas une ligne de ce budget."],
        ),
        (
            [("FD-6811", "", "", "oui", "")],
            [],
            [
                "Ligne 2, colonne lignes.ajustable : la ligne FD-6811 est une opération d'ordre : "
                "elle ne peut pas être ajustable."
            ],
        ),
        (
            [("FD-60612", "", "", "peut-être", "")],
            [],
            ["Ligne 2, colonne lignes.ajustable : « peut-être » : répondez oui ou non."],
        ),
        (
            [("FD-60612", "", "", "oui", "-5")],
            [],
            ["Ligne 2, colonne lignes.plancher : le plancher ne peut pas être négatif."],
        ),
        (
            [("FD-60612", "", "", "oui", "12a")],
            [],
            ["Ligne 2, colonne lignes.plancher : « 12a » n'est pas un montant."],
        ),
        (
            [("FD-60612", "", "", "oui", ""), ("FD-60612", "", "", "non", "")],
            [],
            [
                "Ligne 3, colonne lignes.code : la ligne FD-60612 figure déjà à la ligne 2 de la "
                "feuille."
            ],
        ),
        (
            [],
            [("FD-60612", "FR-0000", 1, 0, "", "")],
            ["Ligne 2, colonne impacts.cible : « FR-0000 » n'est pas une ligne de ce budget."],
        ),
        (
            [],
            [("FD-60612", "FR-7066", "beaucoup", 0, "", "")],
            [
                "Ligne 2, colonne impacts.coefficient : « beaucoup » n'est pas un coefficient "
                "(nombre, par exemple -0,5 ou 1,2)."
            ],
        ),
        (
            [],
            [("FD-60612", "FR-7066", 1, 11, "", "")],
            [
                "Ligne 2, colonne impacts.decalage_annees : le décalage doit être compris entre 0 "
                "et 10 ans."
            ],
        ),
        (
            [],
            [("FD-60612", "FR-7066", 1, 1.5, "", "")],
            [
                "Ligne 2, colonne impacts.decalage_annees : « 1.5 » n'est pas un nombre entier "
                "d'années."
            ],
        ),
        (
            [],
            [("FD-60612", "FR-7066", 1, 0, "toujours", "")],
            ["Ligne 2, colonne impacts.cumul : « toujours » : répondez oui ou non (vide : non)."],
        ),
        (
            [],
            [("FD-6811", "FR-7066", 1, 0, "", "")],
            [
                "Ligne 2, colonne impacts.source : la ligne FD-6811 est une opération d'ordre : "
                "une règle ne relie que des lignes réelles."
            ],
        ),
        (
            [],
            [("FD-60612", "FD-60612", 1, 0, "", "")],
            [
                "Ligne 2, colonne impacts.cible : une règle ne peut pas relier une ligne à "
                "elle-même."
            ],
        ),
        (
            [],
            [
                ("FD-60612", "FD-64111", 1, 0, "", ""),
                ("FD-64111", "FR-7066", 1, 0, "", ""),
                ("FR-7066", "FD-60612", 1, 2, "", ""),
            ],
            [
                "Ligne 4, colonne impacts.cible : les règles des lignes 2, 3, 4 forment un cycle : "
                "FD-60612 → FD-64111 → FR-7066 → FD-60612."
            ],
        ),
    ],
)
def test_it_refuses_bad_rows_with_their_place_and_writes_nothing(budget, lines, rules, expected):
    make_rule(line(budget, "FD-64111"), line(budget, "FR-7066"))
    before = state(budget)

    report = simulator_params_import(budget=budget, data=workbook(lines, rules))

    assert [error.message for error in report.errors] == expected
    assert state(budget) == before


def test_it_lists_every_problem_of_both_sheets(budget):
    report = simulator_params_import(
        budget=budget,
        data=workbook(
            [("FD-1", "", "", "oui", ""), ("FD-60612", "", "", "?", "-1")],
            [("FD-60612", "FD-2", "x", 12, "", "")],
        ),
    )

    assert [e.column for e in report.errors] == [
        "lignes.code",
        "lignes.ajustable",
        "lignes.plancher",
        "impacts.cible",
        "impacts.coefficient",
        "impacts.decalage_annees",
    ]


def test_it_refuses_a_missing_sheet_or_column(budget):
    before = state(budget)

    missing_sheet = simulator_params_import(budget=budget, data=workbook(sheets=("lignes",)))
    missing_column = simulator_params_import(
        budget=budget, data=workbook(line_header=["code", "libelle", "ajustable"])
    )

    assert [e.message for e in missing_sheet.errors] == [
        "Colonne impacts : la feuille « impacts » est absente du classeur."
    ]
    assert [e.message for e in missing_column.errors] == [
        "Ligne 1, colonne lignes.plancher : colonne obligatoire absente de l'en-tête."
    ]
    assert state(budget) == before


def test_it_refuses_a_file_that_is_not_a_workbook_or_too_big(budget, settings):
    assert (
        simulator_params_import(budget=budget, data=b"code;ajustable")
        .errors[0]
        .message.startswith(
            "Le fichier n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible"
        )
    )
    settings.BUDGET_IMPORT_MAX_BYTES = 100
    assert (
        "au-delà de la limite"
        in simulator_params_import(budget=budget, data=workbook()).errors[0].message
    )

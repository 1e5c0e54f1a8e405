from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from simulator.catalogue import measure_catalogue_export, measure_catalogue_import
from simulator.models import Measure, MeasureAdjustment, Scenario
from simulator.services import scenario_create
from simulator.state import ScenarioState
from tests.simulator.factories import make_measure, pool_budget

pytestmark = pytest.mark.django_db

MEASURE_HEADER = ["slug", "titre", "description", "politique"]
ADJ_HEADER = [
    "mesure",
    "ligne",
    "montant",
    "pourcentage",
    "annee_depart",
    "recurrent",
    "part_premiere_annee",
]


def workbook(measures, adjustments, *, measure_header=MEASURE_HEADER, adj_header=ADJ_HEADER):
    book = Workbook()
    sheet = book.active
    sheet.title = "mesures"
    sheet.append(measure_header)
    for row in measures:
        sheet.append(row)
    adj = book.create_sheet("ajustements")
    adj.append(adj_header)
    for row in adjustments:
        adj.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = workbook(
    [
        ["piscine-lundi", "Fermer la piscine le lundi", "Un jour de moins", "Sport"],
        ["eclairage", "Éteindre l'éclairage de 1 h à 5 h", "", "Cadre de vie"],
    ],
    [
        ["piscine-lundi", "FD-64111-413", -45000, None, 1, "oui", 0.5],
        ["eclairage", "FD-60612-814", None, -30, 2, "Oui", 1],
    ],
)


def test_it_imports_measures_with_their_adjustments():
    budget, lines = pool_budget()

    report = measure_catalogue_import(budget=budget, data=GOOD)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.adjustments) == (2, 0, 2)
    pool = Measure.objects.get(slug="piscine-lundi")
    assert pool.origin == Measure.Origin.CATALOGUE
    assert pool.policy_area == "Sport"
    adj = pool.adjustments.get()
    assert (adj.line, adj.amount, adj.percent, adj.first_year_share) == (
        lines["pool_staff"],
        Decimal("-45000"),
        None,
        Decimal("0.5"),
    )
    lighting = Measure.objects.get(slug="eclairage").adjustments.get()
    assert (lighting.percent, lighting.start_year, lighting.recurring) == (Decimal("-30"), 2, True)


def test_export_then_import_gives_the_same_catalogue():
    budget, lines = pool_budget()
    measure_catalogue_import(budget=budget, data=GOOD)

    exported = measure_catalogue_export(budget=budget)
    book = load_workbook(BytesIO(exported))
    assert book.sheetnames == ["mesures", "ajustements"]
    assert [c.value for c in book["ajustements"][1]] == ADJ_HEADER
    report = measure_catalogue_import(budget=budget, data=exported)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.deleted) == (0, 2, [])
    assert MeasureAdjustment.objects.count() == 2


def test_reimport_keeps_scenarios_choices_and_reports_deleted_measures():
    budget, lines = pool_budget()
    measure_catalogue_import(budget=budget, data=GOOD)
    scenario = scenario_create(
        budget=budget, owner=None, state=ScenarioState(measures=["piscine-lundi", "eclairage"])
    )
    only_pool = workbook(
        [["piscine-lundi", "Fermer la piscine le lundi (révisé)", "", "Sport"]],
        [["piscine-lundi", "FD-64111-413", -40000, None, 1, "oui", 1]],
    )

    report = measure_catalogue_import(budget=budget, data=only_pool)

    assert report.deleted == ["eclairage"]
    assert list(Scenario.objects.get(pk=scenario.pk).measures.values_list("slug", flat=True)) == [
        "piscine-lundi"
    ]
    assert Measure.objects.get(slug="piscine-lundi").adjustments.get().amount == Decimal("-40000")


@pytest.mark.parametrize(
    ("measures", "adjustments", "expected"),
    [
        (
            [["Piscine Lundi", "x", "", ""]],
            [],
            "Ligne 2, colonne mesures.slug : identifiant invalide",
        ),
        (
            [["a", "A", "", ""], ["a", "B", "", ""]],
            [["a", "FD-60612-814", -1, None, 1, "oui", 1]],
            "Ligne 3, colonne mesures.slug : la mesure « a » figure déjà à la ligne 2.",
        ),
        (
            [["a", "A", "", ""]],
            [["b", "FD-60612-814", -1, None, 1, "oui", 1]],
            "Ligne 2, colonne ajustements.mesure : la mesure « b » n'est pas dans la feuille",
        ),
        (
            [["a", "A", "", ""]],
            [["a", "FD-9999", -1, None, 1, "oui", 1]],
            "Ligne 2, colonne ajustements.ligne : « FD-9999 » n'est pas une ligne de ce budget.",
        ),
        (
            [["a", "A", "", ""]],
            [["a", "FD-66111", -1, None, 1, "oui", 1]],
            "Ligne 2, colonne ajustements.ligne : « FD-66111 » n'est pas ajustable",
        ),
        (
            [["a", "A", "", ""]],
            [["a", "FD-60612-814", "beaucoup", None, 1, "oui", 1]],
            "Ligne 2, colonne ajustements.montant : « beaucoup » n'est pas un nombre.",
        ),
        (
            [["a", "A", "", ""]],
            [["a", "FD-60612-814", -1, -5, 1, "oui", 1]],
            "indiquez soit un montant, soit un pourcentage",
        ),
        (
            [["a", "A", "", ""]],
            [["a", "FD-60612-814", -1, None, 12, "oui", 1]],
            "l'année de départ doit être un entier de 1 à 10.",
        ),
        (
            [["a", "A", "", ""]],
            [["a", "FD-60612-814", -1, None, 1, "peut-être", 1]],
            "Ligne 2, colonne ajustements.recurrent : oui ou non attendu.",
        ),
        (
            [["a", "A", "", ""]],
            [["a", "FD-60612-814", -1, None, 1, "oui", 1.5]],
            "la part de la première année doit être comprise entre 0 et 1.",
        ),
        (
            [["a", "A", "", ""]],
            [],
            "Ligne 2, colonne mesures.slug : la mesure « a » n'a aucun ajustement valide.",
        ),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_written(measures, adjustments, expected):
    budget, lines = pool_budget()
    make_measure(budget, lines["staff"], slug="existante", title="Existante", percent=-1)

    report = measure_catalogue_import(budget=budget, data=workbook(measures, adjustments))

    assert not report.ok
    assert any(expected in error.message for error in report.errors), [
        e.message for e in report.errors
    ]
    assert list(Measure.objects.values_list("slug", flat=True)) == ["existante"]


def test_a_missing_sheet_or_column_is_reported():
    budget, lines = pool_budget()

    no_column = measure_catalogue_import(
        budget=budget, data=workbook([], [], adj_header=["mesure", "ligne", "montant"])
    )
    book = Workbook()
    book.active.title = "mesures"
    buffer = BytesIO()
    book.save(buffer)
    no_sheet = measure_catalogue_import(budget=budget, data=buffer.getvalue())

    assert any("pourcentage" in e.message for e in no_column.errors)
    assert any("la feuille « ajustements » est absente" in e.message for e in no_sheet.errors)
    assert Measure.objects.count() == 0


def test_a_slug_taken_by_a_panel_measure_is_refused():
    budget, lines = pool_budget()
    panel = make_measure(budget, lines["staff"], slug="piscine-lundi", title="Panel", percent=-1)
    panel.origin = Measure.Origin.PANEL
    panel.save()

    report = measure_catalogue_import(budget=budget, data=GOOD)

    assert any("déjà pris par une mesure d'un panel" in e.message for e in report.errors)
    assert Measure.objects.count() == 1


def test_a_dry_run_writes_nothing():
    budget, lines = pool_budget()

    report = measure_catalogue_import(budget=budget, data=GOOD, dry_run=True)

    assert report.ok
    assert report.created == 2
    assert Measure.objects.count() == 0


def test_the_commands_export_and_import(tmp_path, capsys):
    budget, lines = pool_budget()
    path = tmp_path / "mesures.xlsx"
    path.write_bytes(GOOD)

    call_command("import_measures", budget.slug, str(path))
    call_command("export_measures", budget.slug, "-o", str(tmp_path / "out.xlsx"))

    out = capsys.readouterr().out
    assert "2 mesure(s) créée(s)" in out
    assert load_workbook(tmp_path / "out.xlsx")["mesures"]["A2"].value == "piscine-lundi"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["a", "A", "", ""]], [["a", "FD-9999", -1, None, 1, "oui", 1]]))
    with pytest.raises(CommandError, match="Rien n'a été importé"):
        call_command("import_measures", budget.slug, str(bad))

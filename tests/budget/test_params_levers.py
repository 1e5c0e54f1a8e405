"""Sheet `leviers` of the simulator parameters: exported, imported all or nothing, optional."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from budget.imports.levers import LEVER_COLUMNS, LEVER_KINDS
from budget.imports.params import simulator_params_export, simulator_params_import
from simulator.engine import levers as engine_levers
from tests.factories import make_budget, make_line

pytestmark = pytest.mark.django_db

HEADER = LEVER_COLUMNS
TEOM = ["teom", "taux", "TEOM", "FR-7331", "10", "0", "15", "0,5", "3000000", "6000", "", ""]
CANTEEN = ["cantine", "tarif", "Repas à la cantine", "FR-7067", "1,5", "1", "4", "0,1", "100000"]
LOAN = ["emprunt", "emprunt", "Emprunts", "IR-1641", "", "0", "2000000", "50000", "", "6000"]
LOAN += ["FD-66111", "3,5"]


@pytest.fixture
def budget():
    budget = make_budget()
    make_line(budget, account="60612", amount=Decimal("48500"))
    make_line(budget, account="7331", chapter="73", direction="recette", amount=Decimal("300000"))
    make_line(budget, account="7067", chapter="70", direction="recette", amount=Decimal("150000"))
    make_line(budget, account="66111", chapter="66", amount=Decimal("40000"))
    make_line(budget, account="1641", chapter="16", direction="recette", section="investissement")
    return budget


def workbook(*levers, header=HEADER, with_levers=True):
    book = Workbook()
    book.remove(book.active)
    book.create_sheet("lignes").append(["code", "libelle", "montant", "ajustable", "plancher"])
    book.create_sheet("impacts").append(["source", "cible", "coefficient"])
    if with_levers:
        sheet = book.create_sheet("leviers")
        sheet.append(header)
        for row in levers:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_file_kinds_are_the_engine_kinds():
    assert LEVER_KINDS == engine_levers.LEVER_KINDS


def test_an_imported_sheet_defines_the_levers(budget):
    report = simulator_params_import(budget=budget, data=workbook(TEOM, CANTEEN, LOAN))
    assert report.ok, report.errors
    assert report.levers == 3
    budget.refresh_from_db()
    assert [lever["slug"] for lever in budget.levers] == ["teom", "cantine", "emprunt"]
    assert budget.levers[1] == {
        "slug": "cantine",
        "kind": "tarif",
        "label": "Repas à la cantine",
        "line": "FR-7067",
        "current": "1.5",
        "minimum": "1",
        "maximum": "4",
        "step": "0.1",
        "base": "100000",
        "households": None,
        "interest_rate": None,
        "interest_line": None,
    }
    assert budget.levers[2]["interest_line"] == "FD-66111"
    assert budget.levers[2]["interest_rate"] == "3.5"


def test_the_export_reads_back_as_the_same_levers(budget):
    simulator_params_import(budget=budget, data=workbook(TEOM, CANTEEN, LOAN))
    budget.refresh_from_db()
    before = budget.levers
    exported = simulator_params_export(budget=budget)
    sheet = load_workbook(io.BytesIO(exported))["leviers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][:4] == ("teom", "taux", "TEOM", "FR-7331")
    report = simulator_params_import(budget=budget, data=exported)
    assert report.ok, report.errors
    budget.refresh_from_db()
    assert [
        {k: v for k, v in lever.items() if k not in ("base", "households", "maximum")}
        for lever in budget.levers
    ] == [
        {k: v for k, v in lever.items() if k not in ("base", "households", "maximum")}
        for lever in before
    ]
    assert [Decimal(lever["base"] or 0) for lever in budget.levers] == [
        Decimal(lever["base"] or 0) for lever in before
    ]


def test_a_workbook_without_the_sheet_keeps_the_levers(budget):
    simulator_params_import(budget=budget, data=workbook(TEOM))
    report = simulator_params_import(budget=budget, data=workbook(with_levers=False))
    assert report.ok
    assert report.levers is None
    budget.refresh_from_db()
    assert [lever["slug"] for lever in budget.levers] == ["teom"]


def test_an_empty_sheet_removes_the_levers(budget):
    simulator_params_import(budget=budget, data=workbook(TEOM))
    assert simulator_params_import(budget=budget, data=workbook()).levers == 0
    budget.refresh_from_db()
    assert budget.levers == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["Teom!", *TEOM[1:]],
            "Ligne 2, colonne leviers.slug : identifiant invalide : minuscules, chiffres et "
            "tirets seulement (par exemple « tarif-cantine »).",
        ),
        (
            [TEOM[0], "impôt", *TEOM[2:]],
            "Ligne 2, colonne leviers.type : « impôt » : choisissez taux, tarif, emprunt ou "
            "taxe_fonciere.",
        ),
        (
            [*TEOM[:3], "FR-9999", *TEOM[4:]],
            "Ligne 2, colonne leviers.ligne : « FR-9999 » n'est pas une ligne de ce budget.",
        ),
        (
            [*TEOM[:3], "FD-60612", *TEOM[4:]],
            "Ligne 2, colonne leviers.ligne : la ligne FD-60612 doit être une recette réelle de "
            "fonctionnement.",
        ),
        (
            [*TEOM[:5], "-1", *TEOM[6:]],
            "Ligne 2, colonne leviers.minimum : une valeur de levier ne peut pas être négative.",
        ),
        (
            [*TEOM[:5], "20", *TEOM[6:]],
            "Ligne 2, colonne leviers.maximum : le maximum est inférieur au minimum.",
        ),
        (
            [*TEOM[:4], "20", *TEOM[5:]],
            "Ligne 2, colonne leviers.valeur_actuelle : la valeur actuelle est hors des bornes "
            "minimum et maximum.",
        ),
        (
            [*TEOM[:8], "", *TEOM[9:]],
            "Ligne 2, colonne leviers.assiette : obligatoire pour un taux ou un tarif.",
        ),
        (
            [*TEOM[:8], "beaucoup", *TEOM[9:]],
            "Ligne 2, colonne leviers.assiette : « beaucoup » n'est pas un nombre.",
        ),
        (
            [*LOAN[:3], "FR-7067", *LOAN[4:]],
            "Ligne 2, colonne leviers.ligne : la ligne FR-7067 doit être une recette réelle "
            "d'investissement (emprunts, chapitre 16).",
        ),
        (
            [*LOAN[:10], "FR-7067", "3"],
            "Ligne 2, colonne leviers.ligne_interets : la ligne FR-7067 doit être une dépense "
            "réelle de fonctionnement (les intérêts, chapitre 66).",
        ),
        (
            [*LOAN[:11], ""],
            "Ligne 2, colonne leviers.taux_interet : obligatoire pour un emprunt.",
        ),
        (
            [*LOAN[:11], "120"],
            "Ligne 2, colonne leviers.taux_interet : un taux d'intérêt se donne en %, de 0 à 100.",
        ),
    ],
)
def test_a_bad_lever_is_refused_and_nothing_is_written(budget, row, message):
    simulator_params_import(budget=budget, data=workbook(CANTEEN))
    report = simulator_params_import(budget=budget, data=workbook(row))
    assert [error.message for error in report.errors] == [message]
    budget.refresh_from_db()
    assert [lever["slug"] for lever in budget.levers] == ["cantine"]


def test_a_duplicate_slug_is_refused(budget):
    report = simulator_params_import(budget=budget, data=workbook(TEOM, TEOM))
    assert [error.message for error in report.errors] == [
        "Ligne 3, colonne leviers.slug : le levier teom figure déjà à la ligne 2 de la feuille."
    ]


def test_a_sheet_without_its_columns_is_refused(budget):
    report = simulator_params_import(budget=budget, data=workbook(header=["slug", "type"]))
    assert not report.ok
    assert all(error.column.startswith("leviers.") for error in report.errors)


TAX = ["taxe-fonciere", "taxe_fonciere", "Taxe foncière", "FR-73111", "41,2", "", "", ""]
TAX += ["21218400", "", "", "", "1184"]


@pytest.fixture
def taxed(budget):
    make_line(budget, account="73111", chapter="731", direction="recette", amount=Decimal("9e6"))
    return budget


def test_the_property_tax_row_sets_the_budget_base_rate_and_average_bill(taxed):
    report = simulator_params_import(budget=taxed, data=workbook(TAX, CANTEEN))
    assert report.ok, report.errors
    taxed.refresh_from_db()
    assert taxed.property_tax_rate == Decimal("41.200")
    assert taxed.property_tax_base == Decimal("21218400.00")
    assert taxed.property_tax_average_bill == Decimal("1184.00")
    # Not one of the engine's levers: the property tax keeps its own fields and screen input.
    assert [lever["slug"] for lever in taxed.levers] == ["cantine"]
    assert report.levers == 2


def test_the_export_carries_the_property_tax_and_reads_back(taxed):
    simulator_params_import(budget=taxed, data=workbook(TAX))
    exported = simulator_params_export(budget=taxed)
    rows = list(load_workbook(io.BytesIO(exported))["leviers"].iter_rows(values_only=True))
    assert rows[1][:5] == ("taxe-fonciere", "taxe_fonciere", "Taxe foncière", "FR-73111", 41.2)
    taxed.property_tax_rate = Decimal("1")
    taxed.save()
    assert simulator_params_import(budget=taxed, data=exported).ok
    taxed.refresh_from_db()
    assert taxed.property_tax_rate == Decimal("41.200")


def test_without_the_property_tax_row_the_budget_keeps_it(taxed):
    simulator_params_import(budget=taxed, data=workbook(TAX))
    simulator_params_import(budget=taxed, data=workbook(CANTEEN))
    taxed.refresh_from_db()
    assert taxed.property_tax_rate == Decimal("41.200")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [[*TAX[:4], "", *TAX[5:]]],
            "Ligne 2, colonne leviers.valeur_actuelle : obligatoire pour la taxe foncière.",
        ),
        (
            [[*TAX[:4], "140", *TAX[5:]]],
            "Ligne 2, colonne leviers.valeur_actuelle : un taux se donne en %, de 0 à 100.",
        ),
        (
            [TAX, ["taxe-fonciere-2", *TAX[1:]]],
            "Ligne 3, colonne leviers.type : la taxe foncière figure déjà à la ligne 2 de la "
            "feuille.",
        ),
    ],
)
def test_a_bad_property_tax_row_is_refused_and_nothing_is_written(taxed, rows, message):
    report = simulator_params_import(budget=taxed, data=workbook(*rows))
    assert [error.message for error in report.errors] == [message]
    taxed.refresh_from_db()
    assert taxed.property_tax_rate is None

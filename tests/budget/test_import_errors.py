"""budget_import on bad files: every problem reported, in French, and nothing written."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from budget.imports.services import budget_import
from budget.models import Authority, Budget, BudgetLine
from tests.budget.files.scdl import COLUMNS, SIRET, csv_bytes, row, xlsx_bytes
from tests.factories import make_authority

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return (Authority.objects.count(), Budget.objects.count(), BudgetLine.objects.count()) == (
        0,
        0,
        0,
    )


def import_(data: bytes, filename: str = "budget.csv", **options):
    report = budget_import(data=data, filename=filename, **options)
    assert not report.ok
    assert report.budget is None or report.budget.pk is None
    return report


def messages(report) -> list[str]:
    return [error.message for error in report.errors]


def test_it_refuses_a_file_missing_a_required_column():
    columns = [c for c in COLUMNS if c != "BGT_SECTION"]

    report = import_(csv_bytes([row()], columns=columns))

    assert messages(report) == [
        "Ligne 1, colonne BGT_SECTION : colonne obligatoire absente de l'en-tête."
    ]
    assert (report.errors[0].row, report.errors[0].column) == (1, "BGT_SECTION")
    assert nothing_written()


def test_it_refuses_a_file_without_amount_column():
    columns = [c for c in COLUMNS if c not in {"BGT_MTPREV", "BGT_MTREAL"}]

    report = import_(csv_bytes([row()], columns=columns))

    assert "colonne de montant absente" in messages(report)[0]
    assert nothing_written()


def test_a_compte_administratif_needs_the_realised_amount_column():
    columns = [c for c in COLUMNS if c != "BGT_MTREAL"]

    report = import_(csv_bytes([row(natdec="compte administratif")], columns=columns))

    assert messages(report) == [
        "Ligne 1, colonne BGT_MTREAL : colonne obligatoire absente de l'en-tête pour un "
        "compte administratif."
    ]
    assert nothing_written()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("section", "exploitation", "fonctionnement ou investissement"),
        ("codrd", "credit", "recette ou dépense"),
        ("opbudg", "mixte", "réel ou ordre"),
        ("natdec", "budget annexe", "budget primitif, budget supplémentaire"),
    ],
)
def test_it_refuses_unknown_values_in_enumerated_columns(column, value, expected):
    report = import_(csv_bytes([row(), row(**{column: value})]))

    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row, error.column, error.value) == (3, f"BGT_{column.upper()}", value)
    assert error.message.startswith(
        f"Ligne 3, colonne BGT_{column.upper()} : « {value} » n'est pas une valeur reconnue"
    )
    assert expected in error.message
    assert nothing_written()


def test_it_refuses_a_non_numeric_amount_with_row_column_value_and_reason():
    report = import_(csv_bytes([row(), row(), row(mtprev="12a,5")]))

    assert messages(report) == ["Ligne 4, colonne BGT_MTPREV : « 12a,5 » n'est pas un montant."]
    assert (report.errors[0].row, report.errors[0].column, report.errors[0].value) == (
        4,
        "BGT_MTPREV",
        "12a,5",
    )
    assert nothing_written()


def test_it_refuses_a_missing_amount():
    report = import_(csv_bytes([row(mtprev="")]))

    assert messages(report) == ["Ligne 2, colonne BGT_MTPREV : montant manquant."]
    assert nothing_written()


def test_it_detects_shifted_columns_from_a_label_in_an_amount_column_and_a_number_in_a_label():
    # What a label holding an unquoted separator does to the columns after it.
    report = import_(csv_bytes([row(mtprev="Fournitures scolaires", contnat_label="1 234,50")]))

    assert messages(report) == [
        "Ligne 2, colonne BGT_CONTNAT_LABEL : « 1 234,50 » ressemble à un montant et non à "
        "un libellé (colonnes décalées ?).",
        "Ligne 2, colonne BGT_MTPREV : « Fournitures scolaires » n'est pas un montant "
        "(colonnes décalées ?).",
    ]
    assert nothing_written()


def test_it_detects_a_row_with_more_values_than_columns():
    header = ";".join(COLUMNS)
    good = ";".join(row()[c] for c in COLUMNS)
    shifted = good.replace("Énergie - Électricité", "Énergie; Électricité")
    data = f"{header}\r\n{good}\r\n{shifted}\r\n".encode()

    report = import_(data)

    assert report.errors[0].message == (
        "Ligne 3 : la ligne compte 17 valeurs pour 16 colonnes (colonnes décalées ? un libellé "
        "contient peut-être le séparateur sans guillemets)."
    )
    assert any("colonnes décalées" in m for m in messages(report)[1:])
    assert nothing_written()


def test_it_detects_a_sentence_in_a_code_column():
    report = import_(csv_bytes([row(contnat="Subventions de fonctionnement")]))

    assert messages(report) == [
        "Ligne 2, colonne BGT_CONTNAT : « Subventions de fonctionnement » n'est pas un code de "
        "la nomenclature (colonnes décalées ?)."
    ]
    assert nothing_written()


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf"])
def test_it_refuses_an_empty_file(data):
    report = import_(data)

    assert messages(report) == ["Le fichier est vide."]
    assert nothing_written()


def test_it_refuses_a_file_with_a_header_and_no_line():
    report = import_(csv_bytes([]))

    assert messages(report) == ["Le fichier ne contient aucune ligne budgétaire."]
    assert nothing_written()


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,  # binary, with NUL bytes
        b"\x89PNG\r\n\x1a\n" + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 200,
        b"BGT_NATDEC;BGT_ANNEE\r\n" + b"\x81\x8d\x8f\x90\x9d;2026\r\n",
    ],
)
def test_it_refuses_bytes_that_are_neither_utf8_nor_plausible_text(data):
    report = import_(data)

    assert messages(report) == [
        "Le fichier n'est ni un texte lisible (UTF-8 ou Latin-1/Windows-1252) ni un classeur "
        ".xlsx : vérifiez qu'il s'agit bien d'un export CSV ou Excel du budget."
    ]
    assert nothing_written()


def test_it_refuses_a_broken_workbook_and_an_old_xls():
    assert messages(import_(b"PK\x03\x04 not really a zip", "budget.xlsx"))[0].startswith(
        "Le fichier n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible"
    )
    assert messages(import_(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "b.xls")) == [
        "Les classeurs Excel 97-2003 (.xls) ne sont pas acceptés : enregistrez le fichier au "
        "format .xlsx ou CSV."
    ]
    assert nothing_written()


def test_it_refuses_a_duplicated_header():
    columns = [*COLUMNS, "BGT_MTPREV"]

    report = import_(csv_bytes([row()], columns=columns))

    assert messages(report) == [
        "Ligne 1, colonne BGT_MTPREV : l'en-tête contient plusieurs fois la colonne BGT_MTPREV "
        "(colonnes 15, 17) : gardez-en une seule."
    ]
    assert nothing_written()


@pytest.mark.parametrize("siret", ["2193004870001", "219300487000167", "21930048700A16", ""])
def test_it_refuses_a_siret_that_is_not_14_digits(siret):
    report = import_(csv_bytes([row(siret=siret)]))

    assert messages(report) == [
        f"Ligne 2, colonne BGT_SIRET : « {siret} » n'est pas un numéro SIRET (14 chiffres "
        "attendus)."
    ]
    assert nothing_written()


def test_it_accepts_a_siret_written_with_spaces():
    report = budget_import(data=csv_bytes([row(siret="219 300 487 00016")]), filename="b.csv")

    assert report.ok
    assert report.authority.siren == "219300487"


def test_it_refuses_several_authorities_in_one_file():
    report = import_(
        csv_bytes([row(), row(), row(siret="21750000000012", nom="Autre ville"), row()])
    )

    assert messages(report) == [
        "Ligne 4, colonne BGT_SIRET : un fichier ne doit concerner qu'une collectivité ; ce "
        f"fichier en mélange plusieurs : « {SIRET} » (ligne 2), « 21750000000012 » (ligne 4)."
    ]
    assert nothing_written()


def test_it_refuses_several_years_in_one_file():
    report = import_(csv_bytes([row(annee="2025"), row(annee="2026")]))

    assert messages(report) == [
        "Ligne 3, colonne BGT_ANNEE : un fichier ne doit concerner qu'un exercice ; ce fichier "
        "en mélange plusieurs : « 2025 » (ligne 2), « 2026 » (ligne 3)."
    ]
    assert nothing_written()


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(settings):
    settings.BUDGET_IMPORT_MAX_BYTES = 1000
    data = csv_bytes([row()] * 20)
    assert len(data) > 1000

    report = import_(data)

    assert len(report.errors) == 1
    assert report.errors[0].message.startswith("Le fichier pèse ")
    assert "au-delà de la limite de 1000" in report.errors[0].message
    assert report.header == []  # not parsed
    assert nothing_written()


def test_it_refuses_a_formula_without_cached_value():
    values = [row()[c] for c in COLUMNS]
    values[COLUMNS.index("BGT_MTPREV")] = "=SUM(A1:A2)"

    report = import_(xlsx_bytes([values]), "budget.xlsx")

    assert messages(report)[0] == (
        "Ligne 2, colonne BGT_MTPREV : la formule « =SUM(A1:A2) » n'a pas de valeur calculée "
        "enregistrée : ouvrez le fichier dans Excel ou LibreOffice et enregistrez-le, ou "
        "remplacez les formules par leurs valeurs."
    )
    assert nothing_written()


def test_it_refuses_merged_cells_and_names_the_range():
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    sheet.append([row()[c] for c in COLUMNS])
    sheet.append([row()[c] for c in COLUMNS])
    sheet.merge_cells("L2:L3")
    buffer = io.BytesIO()
    book.save(buffer)

    report = import_(buffer.getvalue(), "budget.xlsx")

    assert messages(report)[0] == (
        "Ligne 2, colonne L2:L3 : la feuille « Sheet » contient des cellules fusionnées "
        "(L2:L3) : défusionnez-les et répétez la valeur dans chaque cellule."
    )
    assert nothing_written()


def test_it_lists_every_problem_of_the_file_not_only_the_first():
    report = import_(
        csv_bytes(
            [
                row(section="exploitation"),
                row(),
                row(mtprev="abc", codrd="?"),
                row(siret="123"),
            ]
        )
    )

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "BGT_SECTION"),
        (4, "BGT_CODRD"),
        (4, "BGT_MTPREV"),
        (5, "BGT_SIRET"),
    ]
    assert nothing_written()


def test_it_refuses_a_negative_debt_at_1_january():
    report = import_(csv_bytes([row()]), debt_start=Decimal("-1"))

    assert messages(report) == [
        "Colonne debt_start : L'encours de dette au 1er janvier doit être un montant positif ou "
        "nul."
    ]
    assert nothing_written()


def test_it_refuses_a_file_of_another_authority_than_the_one_given():
    authority = make_authority(name="Autre", slug="autre", siren="217500000")

    report = import_(csv_bytes([row()]), authority=authority)

    assert messages(report) == [
        "Colonne BGT_SIRET : le fichier concerne le SIREN 219300487 (Ville de Lorme), mais la "
        "collectivité choisie, Autre, a le SIREN 217500000."
    ]
    assert Budget.objects.count() == 0
    assert BudgetLine.objects.count() == 0


def test_messages_follow_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        report = import_(csv_bytes([row(mtprev="12a,5")]))

    # The English catalogue may not be compiled yet: the message is then the French source.
    assert report.errors[0].value == "12a,5"
    assert "12a,5" in report.errors[0].message

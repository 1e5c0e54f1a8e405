"""The one spreadsheet reader: CSV and XLSX uploads become header + rows, problems located."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from budget.spreadsheets.cells import (
    amount_cell,
    choice_cell,
    date_cell,
    integer_cell,
    match_choice,
    yes_no_cell,
)
from budget.spreadsheets.reader import (
    check_header,
    read_csv,
    read_csv_text,
    read_sheets,
    read_table,
    upload_problem,
)


def xlsx(sheets: dict[str, list[list[object]]], merge: str = "") -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- CSV ---------------------------------------------------------------------------------


def test_semicolon_and_comma_separators_give_the_same_rows():
    for text in ("nom;montant\nÉcole;1 234,50\n", 'nom,montant\nÉcole,"1 234,50"\n'):
        table = read_csv(text.encode())
        assert table.header == ["nom", "montant"]
        assert table.rows == [(2, ["École", "1 234,50"])]
        assert not table.errors


def test_utf8_with_bom_and_windows_1252_files_read_alike():
    text = "nom;commune\nÉloïse;Saint-Éloi\n"
    for data in (text.encode("utf-8-sig"), text.encode("utf-8"), text.encode("cp1252")):
        table = read_csv(data)
        assert table.header == ["nom", "commune"]
        assert table.rows == [(2, ["Éloïse", "Saint-Éloi"])]


def test_binary_bytes_are_refused_as_a_whole_file():
    table = read_csv(b"\x00\x01\x02binary")
    assert [error.row for error in table.errors] == [None]
    assert "ni un texte lisible" in table.errors[0].message


def test_empty_rows_are_skipped_and_rows_keep_their_physical_line_number():
    table = read_csv_text('\n\nnom;note\n\n"Jeanne";"deux\nlignes"\n;\nAli;x\n')
    assert table.header == ["nom", "note"]
    assert table.rows == [(5, ["Jeanne", "deux\nlignes"]), (8, ["Ali", "x"])]


def test_a_malformed_csv_names_its_line():
    # A quote never closed swallows the rest of the file into one oversized cell.
    table = read_csv_text('nom;note\nJeanne;ok\nAli;"' + "x" * 200_000 + "\n")
    assert table.rows == [(2, ["Jeanne", "ok"])]
    assert table.errors[0].row == 3
    assert table.errors[0].message.startswith("Ligne 3 : le fichier CSV est mal formé")


def test_upload_problem_names_the_size_limit_and_the_empty_file():
    assert "au-delà de la limite" in upload_problem(b"x" * 2000, 1000).message
    assert upload_problem(b" \r\n\xef\xbb\xbf", 1000).message == "Le fichier est vide."
    assert upload_problem(b"a;b\n", 1000) is None


# --- XLSX --------------------------------------------------------------------------------


def test_a_workbook_reads_like_a_csv_with_typed_cells_as_text():
    data = xlsx({"Budget": [["nom", "montant", "date"], ["École", 1234.5, date(2027, 1, 31)]]})
    table, file_format = read_table(data, "budget.xlsx", sheet="budget")
    assert file_format == "xlsx"
    assert table.header == ["nom", "montant", "date"]
    assert table.rows == [(2, ["École", "1234.5", "2027-01-31T00:00:00"])]


def test_a_workbook_without_the_named_sheet_reads_its_first_sheet():
    data = xlsx({"Feuil1": [["nom"], ["Jeanne"]], "Autre": [["x"]]})
    table, _format = read_table(data, "fichier.xlsx", sheet="budget")
    assert table.rows == [(2, ["Jeanne"])]


def test_merged_cells_are_reported_with_their_row_and_range():
    data = xlsx({"lignes": [["code", "montant"], ["A", 1], ["B", 2]]}, merge="A2:A3")
    tables, errors = read_sheets(data, ["lignes"], max_bytes=10**6)
    assert [(error.row, error.column) for error in errors] == [(2, "lignes.A2:A3")]
    assert "cellules fusionnées" in errors[0].message


def test_a_missing_sheet_and_a_broken_archive_are_reported():
    data = xlsx({"lignes": [["code"]]})
    tables, errors = read_sheets(data, ["lignes", "impacts"], max_bytes=10**6)
    assert list(tables) == ["lignes"]
    assert [error.message for error in errors] == [
        "Colonne impacts : la feuille « impacts » est absente du classeur."
    ]
    _tables, errors = read_sheets(b"PK\x03\x04broken", ["lignes"], max_bytes=10**6)
    assert "n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible" in errors[0].message


def test_old_excel_files_are_refused():
    table, file_format = read_table(b"\xd0\xcf\x11\xe0rest", "budget.xls")
    assert file_format == "xls"
    assert "97-2003" in table.errors[0].message


# --- header and typed cells -------------------------------------------------------------


def test_the_header_names_duplicated_and_missing_columns():
    positions, errors = check_header(["CODE", "montant", "code"], ["CODE", "LIBELLE"])
    assert positions == {"CODE": 0, "MONTANT": 1}
    assert [(error.row, error.column) for error in errors] == [(1, "CODE"), (1, "LIBELLE")]


def test_amounts_accept_decimal_commas_and_every_error_names_row_and_column():
    errors = []
    assert amount_cell(4, "montant", "1 234,505", errors) == Decimal("1234.51")
    assert amount_cell(4, "montant", "1.234,50", errors) == Decimal("1234.50")
    assert amount_cell(4, "montant", "", errors) is None
    assert not errors
    assert amount_cell(5, "montant", "douze", errors, hint_shift=True) is None
    assert amount_cell(6, "montant", "-3", errors, negative=False) is None
    assert amount_cell(7, "montant", "1e20", errors) is None
    assert [error.message for error in errors] == [
        "Ligne 5, colonne montant : « douze » n'est pas un montant (colonnes décalées ?).",
        "Ligne 6, colonne montant : « -3 » est négatif.",
        "Ligne 7, colonne montant : « 1e20 » n'est pas un montant.",
    ]


def test_integers_dates_choices_and_yes_no():
    errors = []
    assert integer_cell(2, "annee", "12,0", errors, minimum=1) == 12
    assert integer_cell(3, "annee", "1,5", errors) is None
    assert integer_cell(4, "annee", "0", errors, minimum=1, maximum=10) is None
    assert date_cell(5, "date", "31/01/2027", errors) == date(2027, 1, 31)
    assert date_cell(6, "date", "demain", errors) is None
    sections = {"fonctionnement": "f", "investissement": "i"}
    assert choice_cell(7, "section", " Fonctionnement ", sections, "f ou i", errors) == "f"
    assert choice_cell(8, "section", "", sections, "f ou i", errors) == ""
    assert yes_no_cell(9, "cumul", "Oui", errors) is True
    assert yes_no_cell(10, "cumul", "", errors, default=False) is False
    assert yes_no_cell(11, "cumul", "peut-être", errors) is None
    assert [error.message for error in errors] == [
        "Ligne 3, colonne annee : « 1,5 » n'est pas un nombre entier.",
        "Ligne 4, colonne annee : « 0 » est hors des limites (de 1 à 10).",
        "Ligne 6, colonne date : « demain » n'est pas une date (attendu : JJ/MM/AAAA).",
        "Ligne 8, colonne section : valeur manquante (attendu : f ou i).",
        "Ligne 11, colonne cumul : « peut-être » : répondez oui ou non.",
    ]


def test_a_choice_matches_its_code_or_its_label_whatever_the_accents():
    statuses = {"favorable": "Avis favorable", "defavorable": "Avis défavorable"}
    assert match_choice("AVIS DEFAVORABLE", statuses) == "defavorable"
    assert match_choice("favorable", statuses) == "favorable"
    assert match_choice("peut-être", statuses) is None

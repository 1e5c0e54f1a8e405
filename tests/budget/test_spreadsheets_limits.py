"""The caps on what reading a spreadsheet may cost (budget/spreadsheets/limits.py), through
every entry point of the one reader: read_table (budget, volunteers), read_sheets (parameters,
catalogue, instruction sheets), open_workbook + rows (council answers), read_csv_text (paper
ballots). Each refusal is the file's only error and nothing of it comes back."""

from __future__ import annotations

import time

import pytest

from budget.spreadsheets.limits import TooLarge
from budget.spreadsheets.reader import open_workbook, read_csv_text, read_sheets, read_table
from tests.budget.files.bombs import MB, csv_text, workbook, zip_bomb

ROWS = [["code", "libelle"], ["A", "un"], ["B", "deux"]]
MAX_BYTES = 20 * MB


def grid(rows: int, columns: int) -> list[list[str]]:
    return [[f"c{column}" for column in range(columns)] for _row in range(rows)]


def only_error(table) -> str:
    assert table.header == [] and table.rows == []
    assert len(table.errors) == 1
    return table.errors[0].message


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_inflated():
    bomb = zip_bomb(ROWS, inflated=5 * MB)
    assert len(bomb) < 64 * 1024  # kilobytes on disk

    started = time.monotonic()
    table, file_format = read_table(bomb, "budget.xlsx")

    assert time.monotonic() - started < 1
    assert file_format == "xlsx"
    message = only_error(table)
    assert message.startswith("Le classeur se décompresse ")
    assert "fois (limite : 100 fois) : ce n'est pas un tableur ordinaire" in message


def test_a_workbook_inflating_past_the_size_limit_is_refused(settings):
    settings.SPREADSHEET_MAX_INFLATED_BYTES = 2 * MB

    table, _format = read_table(zip_bomb(ROWS, inflated=3 * MB), "budget.xlsx")

    assert only_error(table).startswith(
        "Le classeur décompressé pèserait 3,0\xa0Mio, au-delà de la limite de 2,0\xa0Mio"
    )


def test_a_workbook_just_under_the_size_and_ratio_limits_is_read(settings):
    bomb = zip_bomb(ROWS, inflated=3 * MB)
    settings.SPREADSHEET_MAX_INFLATED_BYTES = 4 * MB
    settings.SPREADSHEET_MAX_COMPRESSION_RATIO = 3 * MB // len(bomb) + 10

    table, _format = read_table(bomb, "budget.xlsx")

    assert table.errors == []
    assert table.header == ["code", "libelle"] and len(table.rows) == 2


def test_too_many_sheets_are_refused_and_the_limit_is_accepted(settings):
    settings.SPREADSHEET_MAX_SHEETS = 3

    assert read_table(workbook(ROWS, sheets=3), "b.xlsx")[0].errors == []
    table, _format = read_table(workbook(ROWS, sheets=4), "b.xlsx")

    assert only_error(table) == (
        "Le classeur compte 4 feuilles, au-delà de la limite de 3 : supprimez les feuilles "
        "inutiles."
    )


def test_too_many_rows_are_refused_in_a_workbook_and_in_a_csv(settings):
    settings.SPREADSHEET_MAX_ROWS = 20
    expected = (
        "Le fichier dépasse la limite de 20 lignes : le fichier n'est pas lu. Découpez-le ou "
        "retirez les lignes inutiles (vides comprises)."
    )

    assert len(read_table(workbook(grid(20, 2)), "b.xlsx")[0].rows) == 19
    assert len(read_table(csv_text(grid(20, 2)), "b.csv")[0].rows) == 19
    xlsx, _format = read_table(workbook(grid(21, 2), title="budget"), "b.xlsx")
    assert only_error(xlsx) == expected.replace("Le fichier", "La feuille « budget »")
    assert only_error(read_table(csv_text(grid(21, 2)), "b.csv")[0]) == expected


def test_empty_rows_before_a_far_cell_count_and_reading_stops_at_the_limit(settings):
    settings.SPREADSHEET_MAX_ROWS = 1000
    # One cell at the last row Excel allows: openpyxl would yield a million empty rows.
    far = workbook(ROWS, far_row=1_048_576)

    started = time.monotonic()
    table, _format = read_table(far, "b.xlsx")

    assert time.monotonic() - started < 5
    assert "dépasse la limite de 1\u202f000 lignes" in only_error(table)


def test_too_many_columns_are_refused_and_the_limit_is_accepted(settings):
    settings.SPREADSHEET_MAX_COLUMNS = 10

    assert read_table(workbook(grid(3, 10)), "b.xlsx")[0].errors == []
    assert read_table(csv_text(grid(3, 10)), "b.csv")[0].errors == []
    xlsx, _format = read_table(workbook(grid(3, 11), title="budget"), "b.xlsx")
    assert only_error(xlsx) == (
        "Ligne 1 : La feuille « budget » compte 11 colonnes, au-delà de la limite de 10 : le "
        "fichier n'est pas lu. Retirez les colonnes inutiles (vides comprises)."
    )
    assert only_error(read_table(csv_text(grid(3, 11)), "b.csv")[0]).startswith(
        "Ligne 1 : Le fichier compte 11 colonnes, au-delà de la limite de 10"
    )


def test_empty_columns_before_a_far_cell_count(settings):
    settings.SPREADSHEET_MAX_COLUMNS = 50
    rows = [["code"], ["A"]]
    rows[1] += [None] * 60 + ["loin"]

    table, _format = read_table(workbook(rows), "b.xlsx")

    assert only_error(table).startswith("Ligne 2 : La feuille « Sheet » compte 62 colonnes")


def test_too_many_cells_are_refused_and_the_limit_is_accepted(settings):
    settings.SPREADSHEET_MAX_CELLS = 30

    assert read_table(workbook(grid(6, 5)), "b.xlsx")[0].errors == []
    assert read_table(csv_text(grid(6, 5)), "b.csv")[0].errors == []
    expected = "dépasse la limite de 30 cellules : le fichier n'est pas lu."
    assert expected in only_error(read_table(workbook(grid(7, 5)), "b.xlsx")[0])
    assert expected in only_error(read_table(csv_text(grid(7, 5)), "b.csv")[0])


def test_read_sheets_refuses_the_whole_workbook(settings):
    """Parameters, catalogue and instruction sheets read named sheets."""
    tables, errors = read_sheets(zip_bomb(ROWS, title="lignes"), ("lignes",), max_bytes=MAX_BYTES)
    assert tables == {}
    assert [e.message for e in errors][0].startswith("Le classeur se décompresse ")

    settings.SPREADSHEET_MAX_ROWS = 2
    tables, errors = read_sheets(workbook(ROWS, title="lignes"), ("lignes",), max_bytes=MAX_BYTES)
    assert tables == {}
    assert [e.message for e in errors] == [
        "La feuille « lignes » dépasse la limite de 2 lignes : le fichier n'est pas lu. "
        "Découpez-le ou retirez les lignes inutiles (vides comprises)."
    ]


def test_open_workbook_and_its_rows_keep_to_the_limits(settings):
    """Council answers open the workbook and read rows below a header they look for."""
    reader, error = open_workbook(zip_bomb(ROWS))
    assert reader is None and error.message.startswith("Le classeur se décompresse ")

    settings.SPREADSHEET_MAX_ROWS = 2
    reader, error = open_workbook(workbook(ROWS, title="Avis"))

    with pytest.raises(TooLarge, match="La feuille « Avis » dépasse la limite de 2 lignes"):
        list(reader.rows("Avis", min_row=2))
    reader.close()


def test_read_csv_text_keeps_to_the_limits(settings):
    """Paper ballots decode the CSV themselves, then read it here."""
    settings.SPREADSHEET_MAX_ROWS = 2

    table = read_csv_text("code;libelle\nA;un\nB;deux\n")

    assert only_error(table).startswith("Le fichier dépasse la limite de 2 lignes")

"""The print check of the LibreOffice tests catches what it is there for: a workbook without
our print layout, printed by LibreOffice, is cut into vertical strips and fails it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from budget.spreadsheets import writer
from tests.budget.spreadsheets.printing import assert_prints_whole

pytestmark = pytest.mark.libreoffice


def wide_sheet() -> bytes:
    columns = [writer.Column(f"Colonne {n}", width=18) for n in range(1, 13)]
    rows = [[f"ligne {r} col {c}" for c in range(1, 13)] for r in range(1, 40)]
    return writer.xlsx_bytes([writer.Sheet("Large", columns, rows)], title="Essai")


def test_a_wide_sheet_with_our_layout_prints_whole(tmp_path):
    data = wide_sheet()

    assert_prints_whole(data, data, "xlsx", tmp_path)


def test_the_same_sheet_without_fitting_to_the_page_fails_the_check(tmp_path):
    book = load_workbook(io.BytesIO(wide_sheet()))
    sheet = book["Large"]
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.orientation = "portrait"
    buffer = io.BytesIO()
    book.save(buffer)

    with pytest.raises(AssertionError, match="vertical strips|first header without"):
        assert_prints_whole(buffer.getvalue(), buffer.getvalue(), "xlsx", tmp_path)

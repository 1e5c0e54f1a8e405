"""Spreadsheets that would exhaust the server, built small: a zip bomb, workbooks of many
sheets, rows or columns (for the caps of budget/spreadsheets/limits.py)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

MB = 1024 * 1024


def workbook(
    rows: list[list[object]], *, sheets: int = 1, title: str = "", far_row: int = 0
) -> bytes:
    """A workbook of `rows`; with `far_row`, one more cell at that row, the rows between empty."""
    book = Workbook()
    first = book.active
    if title:
        first.title = title
    for values in rows:
        first.append(values)
    if far_row:
        first.cell(row=far_row, column=1, value="loin")
    for number in range(2, sheets + 1):
        book.create_sheet(f"Feuille {number}").append(["x"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(rows: list[list[object]], *, inflated: int = 5 * MB, title: str = "") -> bytes:
    """A real workbook whose first sheet's XML carries `inflated` bytes of zeros (in an XML
    comment, so the sheet still reads): a few kilobytes on disk."""
    source = zipfile.ZipFile(io.BytesIO(workbook(rows, title=title)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b"<!--" + b"0" * inflated + b"--></worksheet>")
            target.writestr(info.filename, data)
    return out.getvalue()


def csv_text(rows: list[list[object]]) -> bytes:
    return "".join(";".join(str(cell) for cell in row) + "\n" for row in rows).encode()

"""The open-data file writers (pure): a table in CSV and in XLSX, with its licence sheet."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from votes.results.services import HEADER_FILL

EURO_FORMAT = '#,##0.00 "€";[Red]-#,##0.00 "€"'


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Any]]
    # Indexes of the columns in euros: Decimal values, euro format in the workbook.
    money: frozenset[int] = frozenset()


def _csv_cell(value: Any, *, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, float):
        text = repr(value)
    else:
        return str(value)
    # French spreadsheets read a decimal comma in a ";"-separated file.
    return text.replace(".", ",") if decimal_comma else text


def table_csv(table: Table, *, semicolon: bool = False) -> bytes:
    """UTF-8, comma-separated with a decimal point; ``semicolon`` gives what a French Excel
    opens as is: ";" separators, decimal commas and a BOM (so it does not guess the
    encoding)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_cell(value, decimal_comma=semicolon) for value in row])
    text = out.getvalue()
    return ("\ufeff" + text if semicolon else text).encode("utf-8")


def table_workbook(table: Table, *, title: str, notice: list[tuple[str, str]]) -> bytes:
    """One data sheet (bold frozen header, numbers as numbers, euros formatted) and a
    "Licence" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    # Excel refuses sheet names over 31 characters.
    sheet.title = title[:31]
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for index in table.money:
        column = index + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = EURO_FORMAT
    for index, header in enumerate(table.headers):
        width = max([len(str(header)), 8] + [len(str(r[index])) for r in table.rows[:200]])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    licence = workbook.create_sheet(_("Licence"))
    for label, value in notice:
        licence.append([label, value])
    for (cell,) in licence.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    licence.column_dimensions["A"].width = 40
    licence.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

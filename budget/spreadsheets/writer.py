"""Every CSV and XLSX the application writes: data in (columns and rows), bytes out.

An export describes its columns (header, number format, width) and its rows of raw values
(``Decimal`` money, ``int`` counts, dates, text); this module does the styling once (bold
header, frozen header row, autofilter, widths) and neutralises formula injection once: any
text people typed that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written so that Excel and LibreOffice show it as text and never run it. Numbers are left
alone: a negative amount is a number, not text.

No database here: callers pass plain values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

# --- number formats (Excel codes; Excel shows them the French way in a French locale) -------

EURO = '#,##0.00 "€";[Red]-#,##0.00 "€"'
EURO_WHOLE = '#,##0 "€";[Red]-#,##0 "€"'
AMOUNT = "#,##0.00"  # euros without the sign: files read back by the import (parameters)
INTEGER = "#,##0"
DECIMAL = "0.0"
PERCENT = "0.0 %"
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"

# --- line styles (rows of text above the tables) --------------------------------------------

PLAIN = "plain"
TITLE = "title"  # the sheet's title
HEADING = "heading"  # a smaller title
DRAFT = "draft"  # a provisional document's warning, red on pink across the table
FINAL = "final"  # a final document's status, green on green across the table

HEADER_FILL = PatternFill("solid", fgColor="DCE3EE")
_LINE_FONTS = {
    PLAIN: Font(),
    TITLE: Font(bold=True, size=14),
    HEADING: Font(bold=True, size=13),
    DRAFT: Font(bold=True, color="8B1A12"),
    FINAL: Font(bold=True, color="1E6B34"),
}
_LINE_FILLS = {
    DRAFT: PatternFill("solid", fgColor="F8D7D4"),
    FINAL: PatternFill("solid", fgColor="DCEFE0"),
}
CAPTION_FONT = Font(bold=True, size=12)

# Automatic widths: the longest of the header and the first rows, within these bounds.
WIDTH_MIN = 10
WIDTH_MAX = 60
WIDTH_SAMPLE = 200
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names

# A spreadsheet runs a text cell starting with one of these as a formula (OWASP, "CSV
# injection"); "-" and "+" included, as "-2+3" is a formula to Excel.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Choices:
    """A drop-down list on a column's data cells, with room for rows added by hand."""

    values: Sequence[str]
    error: str = ""
    error_title: str = ""
    prompt: str = ""
    spare_rows: int = 0


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None  # applied to the column's numbers and dates
    width: float | None = None  # None: follows the content, within WIDTH_MIN..WIDTH_MAX
    wrap: bool = False  # long text, wrapped in its cell
    bold: bool = False  # a label column (a label/value sheet)
    decimals: int | None = None  # CSV: numbers written with this many decimals
    choices: Choices | None = None


@dataclass(frozen=True)
class Cell:
    """A value whose format or weight is not its column's (one euro row in a summary)."""

    value: Any
    number_format: str | None = None
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """A row of text above the tables: a title, a status, a note."""

    text: str
    style: str = PLAIN


@dataclass
class Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    caption: str = ""  # written above the header when a sheet has several tables
    header: bool = True  # False: rows only (a label/value sheet such as a licence)


@dataclass
class Sheet:
    """One worksheet: lines of text, then one table (``columns`` and ``rows``) or several
    captioned ``tables``, a blank row between them.

    One table: its header stays in view (and ``freeze_columns`` first columns with it) and
    it has an autofilter. Several tables: the lines above them stay in view."""

    name: str
    columns: Sequence[Column] = ()
    rows: Sequence[Sequence[Any]] = ()
    lines: Sequence[Line] = ()
    tables: Sequence[Table] = ()
    header: bool = True
    freeze_columns: int = 0
    autofilter: bool = True

    def all_tables(self) -> list[Table]:
        if self.tables:
            return list(self.tables)
        return [Table(self.columns, self.rows, header=self.header)]


def columns(*headers: str, **options: Any) -> list[Column]:
    """Columns that differ only by their header."""
    return [Column(str(header), **options) for header in headers]


# --- values ----------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def dangerous(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return text.startswith(FORMULA_PREFIXES)


def _unwrap(value: Any) -> tuple[Any, Cell | None]:
    return (value.value, value) if isinstance(value, Cell) else (value, None)


def _excel_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        # Excel only knows binary floats; cents survive the trip.
        return float(value)
    if isinstance(value, datetime):
        # Excel has no time zones (openpyxl refuses aware datetimes): local time, as shown.
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return str(value)  # lazy translations and the like


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, not already taken."""
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    taken = set(taken)
    candidate = name[:SHEET_NAME_MAX]
    n = 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    return candidate


# --- XLSX ------------------------------------------------------------------------------------


def put(sheet, row: int, column: int, value: Any):
    """Writes one value; text is always a literal string, never a formula."""
    value = _excel_value(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl stores any string starting with "=" as a formula: forced back to text.
        # The quote prefix (Excel's leading apostrophe) keeps it text when someone edits it.
        cell.data_type = "s"
        if dangerous(value):
            cell.quotePrefix = True
    return cell


def _auto_width(table: Table, index: int) -> float:
    texts = [table.columns[index].header] if table.header else []
    texts += [
        str(_excel_value(_unwrap(row[index])[0]) or "")
        for row in table.rows[:WIDTH_SAMPLE]
        if index < len(row)
    ]
    longest = max((len(text) for text in texts), default=0)
    return min(max(longest + 2, WIDTH_MIN), WIDTH_MAX)


def _write_table(sheet, table: Table, start: int, *, caption: bool) -> tuple[int, int]:
    """Writes the table from row ``start``; returns (header row, last row)."""
    row = start
    if caption and table.caption:
        put(sheet, row, 1, table.caption).font = CAPTION_FONT
        row += 1
    header = row
    if table.header:
        for index, column in enumerate(table.columns, start=1):
            cell = put(sheet, row, index, column.header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    else:
        row -= 1
    # Wrapped cells make tall rows: the other cells then read from the top too.
    top = any(column.wrap for column in table.columns)
    for values in table.rows:
        row += 1
        for index, raw in enumerate(values, start=1):
            value, override = _unwrap(raw)
            column = table.columns[index - 1] if index <= len(table.columns) else Column("")
            cell = put(sheet, row, index, value)
            number_format = override.number_format if override else None
            if number_format is None and not isinstance(value, str):
                # Empty cells too: a number typed in later gets the column's format.
                number_format = column.number_format
            if number_format:
                cell.number_format = number_format
            if column.bold or (override and override.bold):
                cell.font = Font(bold=True)
            if column.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif top:
                cell.alignment = Alignment(vertical="top")
    return header, row


def _add_choices(sheet, table: Table, header: int, last: int) -> None:
    for index, column in enumerate(table.columns, start=1):
        choices = column.choices
        if choices is None:
            continue
        validation = DataValidation(
            type="list", formula1='"' + ",".join(choices.values) + '"', allow_blank=True
        )
        if choices.error:
            validation.error = choices.error
        if choices.error_title:
            validation.errorTitle = choices.error_title
        if choices.prompt:
            validation.prompt = choices.prompt
        sheet.add_data_validation(validation)
        letter = get_column_letter(index)
        validation.add(f"{letter}{header + 1}:{letter}{max(last, header + 1) + choices.spare_rows}")


def _write_sheet(sheet, content: Sheet) -> None:
    tables = content.all_tables()
    span = max((len(table.columns) for table in tables), default=1)
    row = 0
    for line in content.lines:
        row += 1
        cell = put(sheet, row, 1, line.text)
        cell.font = _LINE_FONTS.get(line.style, _LINE_FONTS[PLAIN])
        fill = _LINE_FILLS.get(line.style)
        if fill is not None:
            for column in range(1, span + 1):
                sheet.cell(row=row, column=column).fill = fill
    start = row + 2 if content.lines else 1  # a blank row under the lines
    single = len(tables) == 1
    header = last = start
    for table in tables:
        header, last = _write_table(sheet, table, start, caption=not single)
        _add_choices(sheet, table, header, last)
        start = last + 2
    table = tables[0]
    if single and table.header:
        letter = get_column_letter(content.freeze_columns + 1)
        sheet.freeze_panes = f"{letter}{header + 1}"
        if content.autofilter:
            end = get_column_letter(max(len(table.columns), 1))
            sheet.auto_filter.ref = f"A{header}:{end}{max(last, header + 1)}"
    elif content.lines:
        sheet.freeze_panes = f"A{len(content.lines) + 1}"
    widths: dict[int, float] = {}
    for table in tables:
        for index, column in enumerate(table.columns):
            width = column.width if column.width is not None else _auto_width(table, index)
            widths[index] = max(widths.get(index, 0), width)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


def build_workbook(sheets: Sequence[Sheet], *, title: str = "", identifier: str = "") -> Workbook:
    """The sheets as an openpyxl workbook: values only (no formulas), formatted for reading."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if title:
        workbook.properties.title = title
    if identifier:
        workbook.properties.identifier = identifier
    for content in sheets:
        sheet = workbook.create_sheet(sheet_name(content.name, workbook.sheetnames))
        _write_sheet(sheet, content)
    return workbook


def xlsx_bytes(sheets: Sequence[Sheet], *, title: str = "", identifier: str = "") -> bytes:
    buffer = io.BytesIO()
    build_workbook(sheets, title=title, identifier=identifier).save(buffer)
    return buffer.getvalue()


# --- CSV -------------------------------------------------------------------------------------


def csv_cell(value: Any, *, decimals: int | None = None, decimal_comma: bool = False) -> str:
    """One value as CSV text: numbers as numbers, dangerous text behind a quote (OWASP)."""
    value, _override = _unwrap(value)
    if value is None:
        return ""
    if is_number(value):
        if decimals is not None:
            text = f"{Decimal(str(value)):.{decimals}f}"
        elif isinstance(value, Decimal):
            text = format(value, "f")
        elif isinstance(value, float):
            text = repr(value)
        else:
            return str(value)
        # French spreadsheets read a decimal comma in a ";"-separated file.
        return text.replace(".", ",") if decimal_comma else text
    text = str(value)
    return "'" + text if dangerous(text) else text


def csv_text(
    tables: Table | Sequence[Table],
    *,
    delimiter: str = ",",
    decimal_comma: bool = False,
    bom: bool = False,
    line_end: str = "\r\n",
) -> str:
    """Tables one after the other (a blank line between them, each under its caption if it
    has one), as text."""
    if isinstance(tables, Table):
        tables = [tables]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        if table.caption:
            writer.writerow([csv_cell(table.caption)])
        if table.header:
            writer.writerow([csv_cell(column.header) for column in table.columns])
        for row in table.rows:
            writer.writerow(
                [
                    csv_cell(
                        value,
                        decimals=table.columns[i].decimals if i < len(table.columns) else None,
                        decimal_comma=decimal_comma,
                    )
                    for i, value in enumerate(row)
                ]
            )
    text = out.getvalue()
    return "\ufeff" + text if bom else text


def csv_bytes(tables: Table | Sequence[Table], **options: Any) -> bytes:
    """``csv_text`` in UTF-8."""
    return csv_text(tables, **options).encode("utf-8")

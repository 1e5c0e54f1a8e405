"""Every CSV, XLSX and ODS the application writes: data in (columns and rows), bytes out.

An export describes its columns (header, number format, width) and its rows of raw values
(``Decimal`` money, ``int`` counts, dates, text) with the classes of ``sheets`` (re-exported
here); ``sheets.lay_out`` does the styling and the print layout once (bold header, frozen
header row, autofilter, widths, row heights, A4 fitted to one page wide, repeated header,
footer), and this module renders it as XLSX, ``ods`` as OpenDocument. Formula injection is
neutralised once: any text people typed that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return is written so that Excel and LibreOffice show it as text and never run it.
Numbers are left alone: a negative amount is a number, not text.

No database here: callers pass plain values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from budget.spreadsheets.sheets import (  # noqa: F401 (the exports' one import)
    AMOUNT,
    DATE,
    DATETIME,
    DECIMAL,
    DRAFT,
    EURO,
    EURO_WHOLE,
    FINAL,
    FORMULA_PREFIXES,
    HEADING,
    INTEGER,
    PERCENT,
    PLAIN,
    SHEET_NAME_MAX,
    TITLE,
    WIDTH_MAX,
    WIDTH_MIN,
    Cell,
    Choices,
    Column,
    Footer,
    Grid,
    Line,
    Look,
    Sheet,
    Table,
    columns,
    dangerous,
    is_number,
    lay_out_all,
    sheet_name,
    unwrap,
)

XLSX = "xlsx"
ODS = "ods"  # OpenDocument, LibreOffice's own format
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
CONTENT_TYPES = {XLSX: XLSX_TYPE, ODS: ODS_TYPE}

# Margins in inches (openpyxl's unit): about 1.5 cm around, room for the footer below.
MARGINS = {"left": 0.6, "right": 0.6, "top": 0.6, "bottom": 0.8, "header": 0.3, "footer": 0.35}


def page_label() -> str:
    """ "page N / M" with the writers' own codes for N and M put in by the caller."""
    return _("page %(page)s / %(pages)s")


# --- XLSX ------------------------------------------------------------------------------------


def _excel_value(value: Any) -> Any:
    # Excel only knows binary floats; cents survive the trip.
    return float(value) if isinstance(value, Decimal) else value


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


def _style(cell, look: Look) -> None:
    if look.bold or look.size != 11 or look.color:
        cell.font = Font(bold=look.bold, size=look.size, color=look.color)
    if look.fill:
        cell.fill = PatternFill("solid", fgColor=look.fill)
    if look.wrap or look.top:
        cell.alignment = Alignment(wrap_text=look.wrap or None, vertical="top")


def _excel_text(text: str) -> str:
    """Header and footer text: "&" starts a code there, "&&" is an ampersand."""
    return text.replace("&", "&&")


def _footer(sheet, footer: Footer) -> None:
    for item in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        # One line: openpyxl escapes a line break, which LibreOffice then prints as "_x000a_".
        left = " — ".join(text for text in (footer.name, footer.fingerprint_text()) if text)
        item.left.text = _excel_text(left)
        item.left.size = 8
        item.center.text = "&A"
        item.center.size = 8
        item.right.text = page_label() % {"page": "&P", "pages": "&N"}
        item.right.size = 8


def _render(sheet, grid: Grid, footer: Footer) -> None:
    for (row, column), styled in sorted(grid.cells.items()):
        cell = put(sheet, row, column, styled.value)
        if styled.number_format:
            cell.number_format = styled.number_format
        _style(cell, styled.look)
    for validation in grid.validations:
        choices = validation.choices
        rule = DataValidation(
            type="list", formula1='"' + ",".join(choices.values) + '"', allow_blank=True
        )
        if choices.error:
            rule.error = choices.error
        if choices.error_title:
            rule.errorTitle = choices.error_title
        if choices.prompt:
            rule.prompt = choices.prompt
        sheet.add_data_validation(rule)
        letter = get_column_letter(validation.column)
        rule.add(f"{letter}{validation.first}:{letter}{validation.last}")
    if grid.freeze is not None:
        rows, columns_ = grid.freeze
        sheet.freeze_panes = f"{get_column_letter(columns_ + 1)}{rows + 1}"
    if grid.autofilter is not None:
        first_row, first_column, last_row, last_column = grid.autofilter
        sheet.auto_filter.ref = (
            f"{get_column_letter(first_column)}{first_row}:"
            f"{get_column_letter(last_column)}{last_row}"
        )
    for column, width in grid.widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, height in grid.heights.items():
        sheet.row_dimensions[row].height = height
    # Print: A4, one page wide and as many tall as needed, header rows on every page.
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if grid.landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    for side, inches in MARGINS.items():
        setattr(sheet.page_margins, side, inches)
    if grid.print_rows is not None:
        first, last = grid.print_rows
        sheet.print_title_rows = f"{first}:{last}"
    _footer(sheet, footer)


def build_workbook(
    sheets: Sequence[Sheet], *, title: str = "", identifier: str = "", footer: Footer | None = None
) -> Workbook:
    """The sheets as an openpyxl workbook: values only (no formulas), formatted for reading
    and printing. The footer names ``title`` unless ``footer`` says otherwise."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if title:
        workbook.properties.title = title
    if identifier:
        workbook.properties.identifier = identifier
    footer = footer or Footer(name=title)
    for grid in lay_out_all(sheets):
        _render(workbook.create_sheet(grid.name), grid, footer)
    return workbook


def xlsx_bytes(
    sheets: Sequence[Sheet], *, title: str = "", identifier: str = "", footer: Footer | None = None
) -> bytes:
    buffer = io.BytesIO()
    build_workbook(sheets, title=title, identifier=identifier, footer=footer).save(buffer)
    return buffer.getvalue()


def workbook_bytes(sheets: Sequence[Sheet], *, file_format: str = XLSX, **options: Any) -> bytes:
    """``xlsx_bytes`` or ``ods_bytes``, for the files offered in both formats."""
    if file_format == ODS:
        return ods_bytes(sheets, **options)
    return xlsx_bytes(sheets, **options)


def ods_bytes(
    sheets: Sequence[Sheet], *, title: str = "", identifier: str = "", footer: Footer | None = None
) -> bytes:
    """The same sheets, formats and print layout as ``xlsx_bytes``, as OpenDocument."""
    from budget.spreadsheets.ods import write_ods

    return write_ods(
        lay_out_all(sheets), title=title, identifier=identifier, footer=footer or Footer(title)
    )


# --- CSV -------------------------------------------------------------------------------------


def csv_cell(value: Any, *, decimals: int | None = None, decimal_comma: bool = False) -> str:
    """One value as CSV text: numbers as numbers, dangerous text behind a quote (OWASP)."""
    value, _override = unwrap(value)
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

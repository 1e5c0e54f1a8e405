"""What a written workbook holds, described once for every format (XLSX and OpenDocument).

An export describes its sheets (lines of text, tables of columns and rows of raw values);
``lay_out`` turns one description into a ``Grid``: every cell with its value and look, the
column widths, the row heights that wrapped text needs, the rows repeated on every printed
page and the page's orientation. The XLSX writer (``writer``) and the ODS writer (``ods``)
only render a grid, so both formats carry the same sheets, formats and print layout.

Print layout, chosen here for every export: A4, fitted to one page wide (as many pages tall
as needed), landscape when the columns are wider than a portrait page holds, the header row
(and the lines above it) repeated on every page. LibreOffice does not size the rows of wrapped
cells in a file it opens, so their height is computed from the text and the column's width.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

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

HEADER_FILL = "DCE3EE"


@dataclass(frozen=True)
class Look:
    """How a cell looks, whatever the format it is written in."""

    bold: bool = False
    size: float = 11
    color: str | None = None  # RGB hex
    fill: str | None = None  # RGB hex
    wrap: bool = False
    top: bool = False


LINE_LOOKS = {
    PLAIN: Look(),
    TITLE: Look(bold=True, size=14),
    HEADING: Look(bold=True, size=13),
    DRAFT: Look(bold=True, color="8B1A12", fill="F8D7D4"),
    FINAL: Look(bold=True, color="1E6B34", fill="DCEFE0"),
}
CAPTION_LOOK = Look(bold=True, size=12)
HEADER_LOOK = Look(bold=True, fill=HEADER_FILL, wrap=True, top=True)

# Automatic widths: the longest of the header and the first rows, within these bounds.
WIDTH_MIN = 10
WIDTH_MAX = 60
WIDTH_SAMPLE = 200
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names

# Page: A4 portrait holds about 95 character widths between its margins; wider sheets print
# landscape (fitted to one page wide all the same).
PORTRAIT_WIDTH_MAX = 95
LINE_HEIGHT = 15.0  # points per line of 11-point text
ROW_HEIGHT_MAX = 409.0  # Excel's highest row
# A column of width w holds about w characters of ordinary text; bold text is wider.
BOLD_CHARS = 0.85

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
    it has an autofilter. Several tables: the lines above them stay in view. ``landscape``
    None: the page turns when the columns are too wide for portrait."""

    name: str
    columns: Sequence[Column] = ()
    rows: Sequence[Sequence[Any]] = ()
    lines: Sequence[Line] = ()
    tables: Sequence[Table] = ()
    header: bool = True
    freeze_columns: int = 0
    autofilter: bool = True
    landscape: bool | None = None

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


def unwrap(value: Any) -> tuple[Any, Cell | None]:
    return (value.value, value) if isinstance(value, Cell) else (value, None)


def plain_value(value: Any) -> Any:
    """None, bool, int, Decimal, str, naive datetime or date: what every format can write."""
    if value is None or isinstance(value, bool | int | float | str | Decimal):
        return value
    if isinstance(value, datetime):
        # Spreadsheets have no time zones (openpyxl refuses aware datetimes): local time.
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


# --- the grid --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styled:
    """One written cell: its value (see ``plain_value``), number format and look."""

    value: Any
    number_format: str | None = None
    look: Look = Look()


@dataclass(frozen=True)
class Validation:
    """A drop-down list on rows ``first``..``last`` of column ``column`` (1-based)."""

    choices: Choices
    column: int
    first: int
    last: int


@dataclass
class Grid:
    """A sheet laid out: cells by (row, column), 1-based, and how it shows and prints."""

    name: str
    cells: dict[tuple[int, int], Styled] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)  # in character widths
    heights: dict[int, float] = field(default_factory=dict)  # in points
    freeze: tuple[int, int] | None = None  # (rows, columns) kept in view
    autofilter: tuple[int, int, int, int] | None = None  # first row, first col, last row, col
    validations: list[Validation] = field(default_factory=list)
    print_rows: tuple[int, int] | None = None  # repeated at the top of every printed page
    landscape: bool = False
    last_row: int = 0
    last_column: int = 0

    def put(self, row: int, column: int, cell: Styled) -> None:
        self.cells[row, column] = cell
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, column)


def wrapped_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a column of ``width`` characters, wrapped at words."""
    chars = max(int(width * (BOLD_CHARS if bold else 1.0)) - 1, 1)
    return sum(
        max(len(textwrap.wrap(paragraph, chars, break_long_words=True)), 1)
        for paragraph in str(text).split("\n")
    )


def row_height(lines: int, *, size: float = 11) -> float:
    return min(math.ceil(lines * LINE_HEIGHT * size / 11) + 2, ROW_HEIGHT_MAX)


def _auto_width(table: Table, index: int) -> float:
    texts = [table.columns[index].header] if table.header else []
    texts += [
        str(plain_value(unwrap(row[index])[0]) or "")
        for row in table.rows[:WIDTH_SAMPLE]
        if index < len(row)
    ]
    longest = max((len(line) for text in texts for line in text.split("\n")), default=0)
    return min(max(longest + 2, WIDTH_MIN), WIDTH_MAX)


def _lay_out_table(grid: Grid, table: Table, start: int, *, caption: bool) -> tuple[int, int]:
    """Places the table from row ``start``; returns (header row, last row)."""
    row = start
    if caption and table.caption:
        grid.put(row, 1, Styled(table.caption, look=CAPTION_LOOK))
        row += 1
    header = row
    if table.header:
        for index, column in enumerate(table.columns, start=1):
            grid.put(row, index, Styled(column.header, look=HEADER_LOOK))
    else:
        row -= 1
    # Wrapped cells make tall rows: the other cells then read from the top too.
    top = any(column.wrap for column in table.columns)
    for values in table.rows:
        row += 1
        for index, raw in enumerate(values, start=1):
            value, override = unwrap(raw)
            value = plain_value(value)
            column = table.columns[index - 1] if index <= len(table.columns) else Column("")
            number_format = override.number_format if override else None
            if number_format is None and not isinstance(value, str):
                # Empty cells too: a number typed in later gets the column's format.
                number_format = column.number_format
            look = Look(
                bold=column.bold or bool(override and override.bold),
                wrap=column.wrap,
                top=column.wrap or top,
            )
            grid.put(row, index, Styled(value, number_format, look))
    for index, column in enumerate(table.columns, start=1):
        if column.choices is not None:
            spare = column.choices.spare_rows
            grid.validations.append(
                Validation(column.choices, index, header + 1, max(row, header + 1) + spare)
            )
    return header, row


def _fit_heights(grid: Grid) -> None:
    """Rows holding wrapped text get the height their longest cell needs."""
    needed: dict[int, float] = {}
    for (row, column), cell in grid.cells.items():
        if not cell.look.wrap or cell.value in (None, ""):
            continue
        width = grid.widths.get(column, WIDTH_MIN)
        lines = wrapped_lines(str(cell.value), width, bold=cell.look.bold)
        needed[row] = max(needed.get(row, 0), row_height(lines, size=cell.look.size))
    for row, height in needed.items():
        if height > row_height(1):
            grid.heights[row] = height


def lay_out(content: Sheet, name: str) -> Grid:
    """The sheet as cells, widths and print layout (``name``: its unique worksheet name)."""
    grid = Grid(name)
    tables = content.all_tables()
    span = max((len(table.columns) for table in tables), default=1)
    row = 0
    for line in content.lines:
        row += 1
        look = LINE_LOOKS.get(line.style, LINE_LOOKS[PLAIN])
        grid.put(row, 1, Styled(line.text, look=look))
        if look.fill is not None:
            for column in range(2, span + 1):
                grid.put(row, column, Styled(None, look=look))
        if look.size > 11:
            grid.heights[row] = row_height(1, size=look.size)
    start = row + 2 if content.lines else 1  # a blank row under the lines
    single = len(tables) == 1
    header = last = start
    for table in tables:
        header, last = _lay_out_table(grid, table, start, caption=not single)
        start = last + 2
    table = tables[0]
    if single and table.header:
        grid.freeze = (header, content.freeze_columns)
        grid.print_rows = (1, header)
        if content.autofilter:
            grid.autofilter = (header, 1, max(last, header + 1), max(len(table.columns), 1))
    elif content.lines:
        grid.freeze = (len(content.lines), 0)
        grid.print_rows = (1, len(content.lines))
    for table in tables:
        for index, column in enumerate(table.columns, start=1):
            width = column.width if column.width is not None else _auto_width(table, index - 1)
            grid.widths[index] = max(grid.widths.get(index, 0), width)
    _fit_heights(grid)
    if content.landscape is None:
        grid.landscape = sum(grid.widths.values()) > PORTRAIT_WIDTH_MAX
    else:
        grid.landscape = content.landscape
    return grid


def lay_out_all(sheets: Sequence[Sheet]) -> list[Grid]:
    """Every sheet laid out, each under a name Excel accepts and no other sheet has."""
    grids: list[Grid] = []
    for content in sheets:
        grids.append(lay_out(content, sheet_name(content.name, [g.name for g in grids])))
    return grids


@dataclass(frozen=True)
class Footer:
    """What every printed page says at its foot: whose file it is, and for the council file
    the snapshot's fingerprint; the sheet's name and "page N / M" come from the writer."""

    name: str = ""
    fingerprint: str = ""

    def fingerprint_text(self) -> str:
        """The fingerprint in groups of eight, so that a page's corner can wrap it."""
        if not self.fingerprint:
            return ""
        groups = " ".join(self.fingerprint[i : i + 8] for i in range(0, len(self.fingerprint), 8))
        return _("Empreinte SHA-256 : %(sha)s") % {"sha": groups}

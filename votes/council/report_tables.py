"""The council report's building blocks: tables of typed cells, and how they are written.

A ``Table`` holds raw values (``Decimal`` money, ``int`` counts, dates, text) and the kind of
each column; the workbook writer turns kinds into number formats, the page into French text.
The report's content is built in ``votes.report``; nothing here knows about campaigns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from budget.templatetags.budget_tags import format_amount
from simulator.charts import CONFIG

# Column kinds: how a cell is written in the workbook and shown on the page.
TEXT = "text"
LONG = "long"  # wrapped in the workbook
MONEY = "money"
COUNT = "count"
DATE = "date"

MONEY_FORMAT = '#,##0.00 "€";[Red]-#,##0.00 "€"'
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
HEADER_FILL = PatternFill("solid", fgColor="DCE3EE")
DRAFT_FILL = PatternFill("solid", fgColor="F8D7D4")
FINAL_FILL = PatternFill("solid", fgColor="DCEFE0")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: int = 14

    @property
    def numeric(self) -> bool:
        return self.kind in (MONEY, COUNT)


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    # A chart drawn from the same rows: the table is its accessible, printable twin.
    figure: go.Figure | None = None

    def chart_html(self) -> str:
        if self.figure is None:
            return ""
        return self.figure.to_html(
            full_html=False, include_plotlyjs=False, div_id=f"{self.id}-chart", config=CONFIG
        )

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Each cell as (French text, aligned right) for the page."""
        return [
            [
                (display(value, column.kind), column.numeric)
                for value, column in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


@dataclass
class Sheet:
    id: str  # the page's anchor
    name: str  # the worksheet's name (at most 31 characters)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Seal:
    """What makes a report final: the snapshot's fingerprint and when it was sent."""

    fingerprint: str | None = None
    sent_at: datetime | None = None

    @property
    def provisional(self) -> bool:
        return self.fingerprint is None

    def lines(self) -> list[str]:
        """What every sheet and the page say first: draft, or sent with its fingerprint."""
        if self.provisional:
            return [
                _(
                    "PROVISOIRE — Rapport provisoire : les résultats n'ont pas été transmis au "
                    "conseil ; les chiffres peuvent encore changer."
                )
            ]
        return [
            _("Rapport définitif, transmis au conseil le %(date)s.") % {"date": when(self.sent_at)},
            _("Empreinte SHA-256 de l'instantané transmis : %(sha)s") % {"sha": self.fingerprint},
        ]


# --- values ------------------------------------------------------------------------------------


def amount(value: str | None) -> Decimal | None:
    """A snapshot's money text ("12500.00") as a Decimal."""
    return None if value in (None, "") else Decimal(value)


def moment(value: str | None) -> datetime | None:
    """A snapshot's ISO timestamp, in local time (what a reader of the report expects)."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def when(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return _("%(date)s à %(time)s") % {
            "date": formats.date_format(value, "j F Y"),
            "time": formats.time_format(value, "H:i"),
        }
    return formats.date_format(value, "j F Y")


def display(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if kind == MONEY:
        cents = Decimal(value) != Decimal(value).to_integral_value()
        return f"{format_amount(value, 2 if cents else 0)}\u00a0€"
    if kind == COUNT:
        return format_amount(value, _decimals(value))
    if kind == DATE:
        return when(value)
    return str(value)


def _decimals(value: Any) -> int:
    """A count is whole; a rate among counts (a Decimal such as 12.3) keeps its decimals."""
    if isinstance(value, Decimal):
        return max(0, -int(value.as_tuple().exponent))
    return 0


def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("oui") if value else _("non")


# --- the workbook ------------------------------------------------------------------------------


def _excel(value: Any) -> Any:
    # Excel has no time zones: openpyxl refuses aware datetimes.
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def _put(sheet, row: int, column: int, value: Any):
    cell = sheet.cell(row=row, column=column, value=_excel(value))
    if cell.data_type == "f":
        # A title such as "=SUM(…)" is text a citizen wrote, never a formula to run.
        cell.data_type = "s"
    return cell


def _number_format(kind: str, value: Any) -> str | None:
    if isinstance(value, str) or value is None:
        return None
    if kind == MONEY:
        return MONEY_FORMAT
    if kind == COUNT:
        decimals = _decimals(value)
        return f"{COUNT_FORMAT}.{'0' * decimals}" if decimals else COUNT_FORMAT
    if kind == DATE:
        return DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    return None


def _write_table(sheet, table: Table, start: int, *, caption: bool) -> tuple[int, int]:
    """Writes the table from row ``start``; returns (header row, last row)."""
    row = start
    if caption:
        _put(sheet, row, 1, table.title).font = Font(bold=True, size=12)
        row += 1
    header = row
    for index, column in enumerate(table.columns, start=1):
        cell = _put(sheet, header, index, column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in table.rows:
        row += 1
        for index, (value, column) in enumerate(zip(values, table.columns, strict=True), 1):
            cell = _put(sheet, row, index, value)
            number_format = _number_format(column.kind, value)
            if number_format:
                cell.number_format = number_format
            if column.kind == LONG:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    return header, row


def _write_sheet(sheet, content: Sheet, *, title: str, seal: Seal) -> None:
    _put(sheet, 1, 1, f"{title} — {content.name}").font = Font(bold=True, size=14)
    width = max(len(t.columns) for t in content.tables)
    for offset, line in enumerate(seal.lines()):
        cell = sheet.cell(row=2 + offset, column=1, value=line)
        cell.font = Font(bold=True, color="8B1A12" if seal.provisional else "1E6B34")
        for column in range(1, width + 1):
            sheet.cell(row=2 + offset, column=column).fill = (
                DRAFT_FILL if seal.provisional else FINAL_FILL
            )
    # Title, status lines, then a blank row.
    start = len(seal.lines()) + 3
    single = len(content.tables) == 1
    for table in content.tables:
        header, last = _write_table(sheet, table, start, caption=not single)
        start = last + 2
    if single:
        # One table: the header stays in view and the data can be filtered and sorted.
        table = content.tables[0]
        sheet.freeze_panes = f"A{header + 1}"
        sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(table.columns))}{last}"
    else:
        # Several tables: the title and the status lines stay in view.
        sheet.freeze_panes = f"A{len(seal.lines()) + 2}"
    widths: dict[int, int] = {}
    for table in content.tables:
        for index, column in enumerate(table.columns, start=1):
            widths[index] = max(widths.get(index, 0), column.width)
    for index, column_width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = column_width


def write_workbook(sheets: list[Sheet], *, title: str, seal: Seal, identifier: str = "") -> bytes:
    """The sheets as an XLSX file: values only (no formulas), formatted for reading."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    if identifier:
        workbook.properties.identifier = identifier
    for content in sheets:
        _write_sheet(workbook.create_sheet(content.name[:31]), content, title=title, seal=seal)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

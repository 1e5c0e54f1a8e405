"""The council report's building blocks: tables of typed cells, and how they are written.

A ``Table`` holds raw values (``Decimal`` money, ``int`` counts, dates, text) and the kind of
each column; the workbook writer turns kinds into number formats, the page into French text.
The report's content is built in ``votes.report``; nothing here knows about campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from budget.figures import figure_div
from budget.spreadsheets import writer
from budget.spreadsheets.writer import is_number
from budget.templatetags.budget_tags import format_amount
from simulator.charts import CONFIG

# Column kinds: how a cell is written in the workbook and shown on the page.
TEXT = "text"
LONG = "long"  # wrapped in the workbook
MONEY = "money"
COUNT = "count"
DATE = "date"

MONEY_FORMAT = writer.EURO
COUNT_FORMAT = writer.INTEGER
DATE_FORMAT = writer.DATE
DATETIME_FORMAT = writer.DATETIME


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
        return figure_div(self.figure, div_id=f"{self.id}-chart", config=CONFIG)

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

_KIND_FORMATS = {MONEY: MONEY_FORMAT, COUNT: COUNT_FORMAT, DATE: DATE_FORMAT}


def _value(value: Any, kind: str) -> Any:
    """A cell whose format depends on its value: a rate among counts keeps its decimals, a
    moment shows its time."""
    if kind == COUNT and is_number(value):
        decimals = _decimals(value)
        if decimals:
            return writer.Cell(value, f"{COUNT_FORMAT}.{'0' * decimals}")
    if kind == DATE and isinstance(value, datetime):
        return writer.Cell(value, DATETIME_FORMAT)
    return value


def _writer_table(table: Table) -> writer.Table:
    columns = [
        writer.Column(
            column.label,
            _KIND_FORMATS.get(column.kind),
            width=column.width,
            wrap=column.kind == LONG,
        )
        for column in table.columns
    ]
    rows = [
        [_value(value, column.kind) for value, column in zip(values, table.columns, strict=True)]
        for values in table.rows
    ]
    return writer.Table(columns, rows, caption=table.title)


def _writer_sheet(content: Sheet, *, title: str, seal: Seal) -> writer.Sheet:
    # Every sheet says first what it is and whether it is final (its fingerprint).
    style = writer.DRAFT if seal.provisional else writer.FINAL
    lines = [writer.Line(f"{title} — {content.name}", writer.TITLE)]
    lines += [writer.Line(line, style) for line in seal.lines()]
    tables = [_writer_table(table) for table in content.tables]
    return writer.Sheet(content.name, lines=lines, tables=tables)


def write_workbook(
    sheets: list[Sheet],
    *,
    title: str,
    seal: Seal,
    identifier: str = "",
    file_format: str = writer.XLSX,
) -> bytes:
    """The sheets as an XLSX or ODS file: values only (no formulas), formatted for reading
    and printing; every printed page names the report and, once sent, its fingerprint."""
    return writer.workbook_bytes(
        [_writer_sheet(content, title=title, seal=seal) for content in sheets],
        file_format=file_format,
        title=title,
        identifier=identifier,
        footer=writer.Footer(title, seal.fingerprint or ""),
    )

"""The open-data file writers (pure): a table in CSV and in XLSX, with its licence sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from budget.spreadsheets import writer

EURO_FORMAT = writer.EURO


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Any]]
    # Indexes of the columns in euros: Decimal values, euro format in the workbook.
    money: frozenset[int] = frozenset()

    def columns(self) -> list[writer.Column]:
        return [
            writer.Column(str(header), EURO_FORMAT if index in self.money else None)
            for index, header in enumerate(self.headers)
        ]


def table_csv(table: Table, *, semicolon: bool = False) -> bytes:
    """UTF-8, comma-separated with a decimal point; ``semicolon`` gives what a French Excel
    opens as is: ";" separators, decimal commas and a BOM (so it does not guess the
    encoding)."""
    return writer.csv_bytes(
        writer.Table(table.columns(), table.rows),
        delimiter=";" if semicolon else ",",
        decimal_comma=semicolon,
        bom=semicolon,
    )


def table_workbook(
    table: Table, *, title: str, notice: list[tuple[str, str]], name: str = ""
) -> bytes:
    """One data sheet (bold frozen header, numbers as numbers, euros formatted) and a
    "Licence" sheet."""
    licence = writer.Sheet(
        _("Licence"),
        [writer.Column("", bold=True, width=40), writer.Column("", width=70)],
        [list(line) for line in notice],
        header=False,
    )
    sheets = [writer.Sheet(title, table.columns(), table.rows), licence]
    return writer.xlsx_bytes(sheets, footer=writer.Footer(name or title))

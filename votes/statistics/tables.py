"""The participation statistics as printable tables, and their CSV and XLSX files (pure).

``statistics_tables(stats)`` takes the dict of ``votes.statistics`` (live, or read back from a
council snapshot) and returns ``list[Table]``: what the analysis screen prints under each
chart, what the exports write, what the open data and the council report reuse. A hidden
cell under 5 people is the string "< 5", a cell of 5 or more hidden so that a small one
cannot be recovered by subtraction "masqué", a step not reached or a rate without population
"—"; counts are ints, rates per 1,000 inhabitants ``Decimal`` (one decimal).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from budget.spreadsheets import writer

HIDDEN = "< 5"
MISSING = "—"
MASKED = "masked"  # votes.statistics_shape.MASKED, in the dict

Cell = str | int | Decimal


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def cell(value: int | str | None) -> Cell:
    """A count as printed: "< 5" under 5, "masqué" when hidden to protect a small one."""
    if value is None:
        return HIDDEN
    if value == MASKED:
        return masked_text()
    return value


def masked_text() -> str:
    return _("masqué")


def _rate(value: str | None) -> Cell:
    return MISSING if value is None else Decimal(value)


def _residence_headers(first: str) -> list[str]:
    return [
        first,
        _("Résidents du territoire"),
        _("Résidence inconnue"),
        _("Total territoire"),
        _("Hors territoire"),
    ]


def _residence_row(label: str, row: dict[str, Any]) -> list[Cell]:
    return [label, *(cell(row[k]) for k in ("resident", "unknown", "territory", "outside"))]


def participants_table(stats: dict[str, Any]) -> Table:
    return Table(
        code="participants",
        title=_("Participants par phase et canal"),
        headers=_residence_headers(_("Population")),
        rows=[_residence_row(row["label"], row) for row in stats["participants"]],
    )


def origin_table(stats: dict[str, Any]) -> Table:
    return Table(
        code="proposals_origin",
        title=_("Origine des propositions déposées"),
        headers=_residence_headers(_("Propositions")),
        rows=[_residence_row(_("Propositions déposées (tous statuts)"), stats["proposals_origin"])],
    )


def paper_table(stats: dict[str, Any]) -> Table:
    paper = stats["paper_ballots"]
    return Table(
        code="paper_ballots",
        title=_("Bulletins papier"),
        headers=[_("Bulletins"), _("Nombre")],
        rows=[[_("Valides"), cell(paper["valid"])], [_("Nuls"), cell(paper["void"])]],
    )


DIMENSIONS = ("age", "gender", "commune")


def dimension_table(stats: dict[str, Any], code: str) -> Table:
    title, first = {
        "age": (_("Participants par tranche d'âge"), _("Tranche d'âge")),
        "gender": (_("Participants par genre"), _("Genre")),
        "commune": (_("Participants par commune"), _("Commune")),
    }[code]
    populations = stats["populations"]
    block = stats[code]
    rows = [
        [row["label"], *(cell(row["counts"][p["code"]]) for p in populations)]
        for row in block["rows"]
    ]
    rows.append([_("Total territoire"), *(cell(block["total"][p["code"]]) for p in populations)])
    rows.append([_("Hors territoire"), *(cell(block["outside"][p["code"]]) for p in populations)])
    return Table(
        code=code, title=title, headers=[first, *(p["label"] for p in populations)], rows=rows
    )


def rates_table(stats: dict[str, Any]) -> Table:
    populations = stats["populations"]
    block = stats["commune"]
    rows: list[list[Cell]] = [
        [
            row["label"],
            MISSING if row["population"] is None else row["population"],
            *(_rate(row["rates"][p["code"]]) for p in populations),
        ]
        for row in block["rows"]
        if row["insee"] is not None
    ]
    rows.append(
        [
            _("Ensemble du territoire"),
            MISSING if block["population"] is None else block["population"],
            *(_rate(block["rates"][p["code"]]) for p in populations),
        ]
    )
    return Table(
        code="commune_rates",
        title=_("Participants pour 1 000 habitants"),
        headers=[_("Commune"), _("Population"), *(p["label"] for p in populations)],
        rows=rows,
    )


def funnel_table(stats: dict[str, Any]) -> Table:
    return Table(
        code="funnel",
        title=_("Des propositions aux décisions"),
        headers=[_("Étape"), _("Propositions"), _("dont d'auteurs hors territoire")],
        rows=[
            [
                step["label"],
                MISSING if step["count"] is None else step["count"],
                MISSING if step["count"] is None else cell(step["outside"]),
            ]
            for step in stats["funnel"]
        ],
    )


def statistics_tables(stats: dict[str, Any]) -> list[Table]:
    """Every table of the statistics, in the order of the analysis screen."""
    return [
        participants_table(stats),
        origin_table(stats),
        paper_table(stats),
        *(dimension_table(stats, code) for code in DIMENSIONS),
        rates_table(stats),
        funnel_table(stats),
    ]


# --- files -----------------------------------------------------------------------------------


def _writer_table(table: Table, *, caption: bool) -> writer.Table:
    # Rates per 1,000 inhabitants keep their one decimal; counts stay whole.
    rows = [
        [
            writer.Cell(value, writer.DECIMAL) if isinstance(value, Decimal) else value
            for value in row
        ]
        for row in table.rows
    ]
    return writer.Table(
        writer.columns(*table.headers), rows, caption=table.title if caption else ""
    )


def statistics_csv(tables: list[Table], *, semicolon: bool = False) -> str:
    """All tables one after the other, each under its title, a blank line between them.

    With ``semicolon`` (French Excel) the separator is ";" and decimals take a comma."""
    return writer.csv_text(
        [_writer_table(table, caption=True) for table in tables],
        delimiter=";" if semicolon else ",",
        decimal_comma=semicolon,
    )


def statistics_workbook(tables: list[Table], *, notes: list[str] = (), name: str = "") -> bytes:
    """One sheet per table (bold header, frozen header row, numbers as numbers), and the
    notes on a last sheet."""
    sheets = [
        writer.Sheet(table.title, tables=[_writer_table(table, caption=False)]) for table in tables
    ]
    if notes:
        sheets.append(
            writer.Sheet(
                _("Notes"),
                [writer.Column(_("Comment lire ces chiffres"), width=120)],
                [[note] for note in notes],
                autofilter=False,
            )
        )
    return writer.xlsx_bytes(sheets, footer=writer.Footer(name))

"""The consolidated table as an XLSX workbook (pure: the table in, the bytes out), through the
one spreadsheet writer (budget/spreadsheets/)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from votes.metropolis.consolidation import Consolidation, Totals


def _columns() -> list[writer.Column]:
    money = {"number_format": writer.EURO_WHOLE}
    return [
        writer.Column(_("Commune")),
        writer.Column(_("Campagne")),
        writer.Column(_("Part")),
        writer.Column(_("Phase")),
        writer.Column(_("Bulletins")),
        writer.Column(_("Enveloppe des projets"), **money),
        writer.Column(_("Objectif d'économies"), **money),
        writer.Column(_("Propositions adoptées")),
        writer.Column(_("Projets adoptés (coût)"), **money),
        writer.Column(_("Économies adoptées (par an)"), **money),
    ]


def _total(label: str, totals: Totals) -> list:
    return [
        label,
        "",
        "",
        "",
        totals.ballots,
        totals.envelope,
        totals.target,
        totals.adopted_count,
        totals.adopted_cost,
        totals.adopted_saving,
    ]


def consolidation_rows_for_sheet(consolidation: Consolidation) -> list[list]:
    """One line per campaign or part, a total per commune, the overall total last. An empty
    cell: the vote is not closed, or the council's answers are not published yet."""
    rows: list[list] = []
    for group in consolidation.groups:
        for row in group.rows:
            rows.append(
                [
                    group.name,
                    row.campaign,
                    row.part,
                    row.phase,
                    row.ballots,
                    row.envelope,
                    row.target,
                    row.adopted_count,
                    row.adopted_cost,
                    row.adopted_saving,
                ]
            )
        rows.append(_total(_("Total %(name)s") % {"name": group.name}, group.totals))
    rows.append(_total(_("Total général"), consolidation.totals))
    return rows


def consolidation_workbook(consolidation: Consolidation, *, title: str) -> bytes:
    return writer.xlsx_bytes(
        [writer.Sheet(_("Consolidation"), _columns(), consolidation_rows_for_sheet(consolidation))],
        title=title,
        footer=writer.Footer(title),
    )

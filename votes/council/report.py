"""The council report (issue 6 §2): the snapshot's data in, sheets of tables out.

The XLSX file and the printable page render the same ``Sheet`` list, built here from the data
of ``votes.services.council.council_data``, so the two never say different things. No
database access: everything comes from the data dict (the stored snapshot once sent, else a
live draft), and the report is final only when given the snapshot's fingerprint.

Money in the data is text ("12500.00"); it becomes ``Decimal`` here (never a float), so the
spreadsheet gets numbers it can add up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from simulator.charts import FONT
from votes.campaigns.models import Campaign, Phase
from votes.council.answer_sheet import IDENTIFIER_PREFIX
from votes.council.report_consequences import consequences_sheet
from votes.council.report_method import kind_label, method_sheet
from votes.council.report_tables import (
    COUNT,
    LONG,
    MONEY,
    Column,
    Seal,
    Sheet,
    Table,
    amount,
    day,
    moment,
    when,
    write_workbook,
    yes_no,
)
from votes.evaluation.results import evaluation_tables
from votes.proposals.models import Proposal
from votes.results import tally as rules
from votes.results.charts import STATUS_COLOURS, envelope_chart, target_chart
from votes.results.services import status_label
from votes.statistics.counts import statistics_tables
from votes.voting.models import Ballot


def channel_columns() -> list[Column]:
    headers = {
        rules.ONLINE: _("Voix en ligne"),
        rules.CODE: _("Voix par code"),
        rules.PAPER: _("Voix papier"),
        rules.IMPORT: _("Voix importées"),
    }
    return [Column(headers[channel], COUNT, 11) for channel in rules.CHANNELS]


def report_seal(data: dict[str, Any], fingerprint: str | None) -> Seal:
    """Final with the stored snapshot's fingerprint, provisional without."""
    if fingerprint is None:
        return Seal()
    return Seal(fingerprint, moment(data.get("sent_at")))


def council_workbook(
    data: dict[str, Any], *, fingerprint: str | None, file_format: str = writer.XLSX
) -> bytes:
    """The council file (XLSX or ODS): provisional on every sheet unless ``fingerprint`` is
    given."""
    seal = report_seal(data, fingerprint)
    campaign = data["campaign"]
    return write_workbook(
        report_sheets(data, seal, figures=False),
        title=_("Rapport au conseil — %(title)s") % {"title": campaign["title"]},
        seal=seal,
        # The answers import reads the campaign from it: the "Propositions et instruction"
        # sheet, with the council's decisions added, can be sent back as it is.
        identifier=IDENTIFIER_PREFIX + campaign["slug"],
        file_format=file_format,
    )


def channel_label(channel: str) -> str:
    return str(Ballot.Channel(channel).label)


def _phase_dates(data: dict[str, Any], phase: str) -> tuple[date | None, date | None]:
    for entry in data["campaign"]["schedule"]:
        if entry["phase"] == phase:
            return day(entry["starts_on"]), day(entry["ends_on"])
    return None, None


def _vote_dates(starts: date | None, ends: date | None) -> str:
    if starts is None and ends is None:
        return _("dates non renseignées au calendrier")
    return _("du %(start)s au %(end)s") % {"start": when(starts), "end": when(ends)}


# --- Synthèse ----------------------------------------------------------------------------------


def _campaign_table(data: dict[str, Any], seal: Seal) -> Table:
    campaign = data["campaign"]
    starts, ends = _phase_dates(data, Phase.VOTING)
    proposals = data["proposals"]
    rows = [
        [_("Campagne"), campaign["title"]],
        [_("Collectivité"), campaign["authority"]],
        [_("Type de campagne"), str(Campaign.Kind(campaign["kind"]).label)],
        [_("Règle de dépouillement"), str(Campaign.TallyRule(campaign["tally_rule"]).label)],
        [_("Vote"), _vote_dates(starts, ends)],
        [_("État du rapport"), " ".join(seal.lines())],
        [_("Propositions publiques"), len(proposals)],
        [_("Propositions sur le bulletin"), sum(1 for p in proposals if p["on_ballot"])],
        [
            _("Propositions retenues"),
            sum(len(result["selected"]) for result in data["results"]),
        ],
    ]
    return Table(
        "campagne",
        _("La campagne en bref"),
        [Column(_("Élément"), width=30), Column(_("Valeur"), LONG, 70)],
        rows,
    )


def participation_table(data: dict[str, Any], *, with_figure: bool = True) -> Table:
    turnout = data["participation"]
    rows = []
    for channel in rules.CHANNELS:
        valid = turnout["by_channel"].get(channel, 0)
        # Only paper ballots can be void (votes_ballot_void_is_paper).
        void = turnout["void"] if channel == rules.PAPER else 0
        rows.append([channel_label(channel), valid, void, valid + void])
    rows.append([_("Total"), turnout["valid"], turnout["void"], turnout["total"]])
    table = Table(
        "participation-canaux",
        _("Bulletins par canal de vote"),
        [
            Column(_("Canal"), width=22),
            Column(_("Bulletins valides"), COUNT),
            Column(_("Bulletins nuls (comptés à part)"), COUNT, 18),
            Column(_("Total"), COUNT),
        ],
        rows,
    )
    if with_figure:
        table.figure = participation_figure(rows[:-1])
    return table


def participation_figure(rows: list[list[Any]]) -> go.Figure:
    labels = [row[0] for row in rows]
    figure = go.Figure(
        [
            go.Bar(
                x=labels,
                y=[row[1] for row in rows],
                name=_("Bulletins valides"),
                marker={"color": STATUS_COLOURS[rules.Status.TARGET_REACHED]},
                hovertemplate="%{x} — %{y}<extra></extra>",
            ),
            go.Bar(
                x=labels,
                y=[row[2] for row in rows],
                name=_("Bulletins nuls"),
                marker={"color": STATUS_COLOURS[rules.Status.BELOW_THRESHOLD]},
                hovertemplate="%{x} — %{y}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        font=FONT,
        height=320,
        barmode="stack",
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"title": _("Bulletins"), "gridcolor": "#e5e8ee", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.15, "yanchor": "top"},
    )
    return figure


def _categories_table(data: dict[str, Any]) -> Table:
    on_ballot: dict[str, int] = {}
    for result in data["results"]:
        on_ballot[result["category"]] = len(result["rows"])
    rows = []
    for result in data["results"]:
        savings = result["kind"] == rules.SAVINGS
        rows.append(
            [
                result["category"],
                kind_label(result["kind"]),
                amount(result["target"] if savings else result["envelope"]),
                amount(result["saved"] if savings else result["spent"]),
                None if savings else amount(result["envelope_left"]),
                yes_no(result["target_met"]) if savings else "—",
                amount(result["gap"]) if savings else None,
                on_ballot[result["category"]],
                len(result["selected"]),
            ]
        )
    return Table(
        "rubriques",
        _("Chaque rubrique : enveloppe ou objectif, et ce qui est retenu"),
        [
            Column(_("Rubrique"), width=28),
            Column(_("Type"), width=12),
            Column(_("Enveloppe ou objectif (€)"), MONEY, 18),
            Column(_("Engagé ou économisé (€)"), MONEY, 18),
            Column(_("Reste de l'enveloppe (€)"), MONEY, 18),
            Column(_("Objectif atteint"), width=12),
            Column(_("Écart à l'objectif (€ par an)"), MONEY, 18),
            Column(_("Propositions sur le bulletin"), COUNT, 14),
            Column(_("Propositions retenues"), COUNT, 14),
        ],
        rows,
    )


def category_frame(result: dict[str, Any], titles: dict[str, str]) -> pd.DataFrame:
    """The frame ``votes.charts`` draws from, built from a snapshot's result."""
    records = [
        {
            "label": row["reference"],
            "title": titles.get(row["reference"], ""),
            "approvals": row["approvals"],
            "amount": float(amount(row["amount"]) or 0),
            "status": row["status"],
            "status_label": status_label(row["status"]),
            "after": _after(row),
        }
        for row in result["rows"]
    ]
    columns = ["label", "title", "approvals", "amount", "status", "status_label", "after"]
    return pd.DataFrame.from_records(records, columns=columns)


def _after(row: dict[str, Any]) -> float | None:
    after = (
        row["cumulative_saving"] if row["cumulative_saving"] is not None else row["envelope_left"]
    )
    return None if after is None else float(after)


def selection_table(
    result: dict[str, Any], titles: dict[str, str], index: int, *, with_figure: bool = True
) -> Table:
    """The selected proposals against the envelope (what is left) or the target."""
    savings = result["kind"] == rules.SAVINGS
    chosen = [row for row in result["rows"] if row["status"] == rules.Status.SELECTED]
    rows: list[list[Any]] = [
        [
            row["reference"],
            titles.get(row["reference"], ""),
            amount(row["amount"]),
            amount(row["cumulative_saving"] if savings else row["envelope_left"]),
        ]
        for row in chosen
    ]
    table_id = f"rubrique-{index}"
    if savings:
        target = amount(result["target"]) or Decimal(0)
        rows.append([_("Objectif"), "", target, None])
        draw = partial(target_chart, target=float(target))
        title = _("Économies cumulées et objectif — %(name)s")
        columns = [_("Économie par an (€)"), _("Économie cumulée (€ par an)")]
    else:
        envelope = amount(result["envelope"]) or Decimal(0)
        rows.append([_("Reste"), "", amount(result["envelope_left"]), None])
        draw = partial(envelope_chart, envelope=float(envelope))
        title = _("Consommation de l'enveloppe — %(name)s")
        columns = [_("Montant (€)"), _("Enveloppe restante après (€)")]
    return Table(
        table_id,
        title % {"name": result["category"]},
        [
            Column(_("Référence"), width=12),
            Column(_("Titre"), LONG, 40),
            Column(columns[0], MONEY, 18),
            Column(columns[1], MONEY, 18),
        ],
        rows,
        figure=draw(category_frame(result, titles), chart_id=table_id).figure
        if with_figure
        else None,
    )


def summary_sheet(data: dict[str, Any], seal: Seal, *, figures: bool = True) -> Sheet:
    titles = {p["reference"]: p["title"] for p in data["proposals"]}
    tables = [
        _campaign_table(data, seal),
        participation_table(data, with_figure=figures),
        _categories_table(data),
    ]
    tables += [
        selection_table(result, titles, index, with_figure=figures)
        for index, result in enumerate(data["results"], start=1)
    ]
    return Sheet("synthese", _("Synthèse"), tables)


# --- Résultats ---------------------------------------------------------------------------------


def results_sheet(data: dict[str, Any]) -> Sheet:
    titles = {p["reference"]: p["title"] for p in data["proposals"]}
    rows = []
    for result in data["results"]:
        for row in result["rows"]:
            by_channel = row["approvals_by_channel"]
            rows.append(
                [
                    result["category"],
                    row["rank"],
                    row["reference"],
                    titles.get(row["reference"], ""),
                    row["approvals"],
                    *[by_channel.get(channel, 0) for channel in rules.CHANNELS],
                    amount(row["amount"]),
                    status_label(row["status"]),
                    amount(row["envelope_left"]),
                    amount(row["cumulative_saving"]),
                ]
            )
    table = Table(
        "resultats-table",
        _("Résultats par rubrique, dans l'ordre où la règle a examiné les propositions"),
        [
            Column(_("Rubrique"), width=24),
            Column(_("Rang"), COUNT, 7),
            Column(_("Référence"), width=11),
            Column(_("Titre"), LONG, 40),
            Column(_("Voix (total)"), COUNT, 11),
            *channel_columns(),
            Column(_("Montant (€)"), MONEY, 16),
            Column(_("Statut"), LONG, 30),
            Column(_("Enveloppe restante après (€)"), MONEY, 18),
            Column(_("Économie cumulée (€ par an)"), MONEY, 18),
        ],
        rows,
    )
    return Sheet("resultats", _("Résultats"), [table])


# --- Propositions et instruction ---------------------------------------------------------------


def proposal_columns() -> list[Column]:
    """The answers import finds this sheet's header row by its "Référence" cell."""
    return [
        Column(_("Référence"), width=11),
        Column(_("Titre"), LONG, 40),
        Column(_("Type"), width=11),
        Column(_("Rubrique"), width=22),
        Column(_("Estimation de l'auteur"), MONEY, 16),
        Column(_("Montant instruit"), MONEY, 16),
        Column(_("Coûts induits (fonctionnement/an)"), MONEY, 18),
        Column(_("Faisabilité"), width=22),
        Column(_("Motivation"), LONG, 50),
        Column(_("Conditions"), LONG, 36),
        *channel_columns(),
        Column(_("Total des voix"), COUNT, 11),
        Column(_("Résultat"), LONG, 30),
    ]


def _proposal_row(proposal: dict[str, Any]) -> list[Any]:
    instruction = proposal["instruction"]
    approvals = proposal["approvals"]
    saving = proposal["kind"] == Proposal.Kind.SAVING
    if instruction is None:
        instructed = induced = None
        feasibility = _("Instruction non validée")
        reasoning = conditions = ""
    else:
        instructed = amount(instruction["instructed_saving" if saving else "instructed_cost"])
        induced = amount(instruction["induced_operating_cost"])
        feasibility = instruction["status_label"]
        reasoning, conditions = instruction["public_reasoning"], instruction["conditions"]
    result = status_label(proposal["result"]) if proposal["result"] else _("Pas sur le bulletin")
    return [
        proposal["reference"],
        proposal["title"],
        str(Proposal.Kind(proposal["kind"]).label),
        proposal["category"],
        amount(proposal["estimate"]),
        instructed,
        induced,
        feasibility,
        reasoning,
        conditions,
        *[approvals.get(channel, 0) for channel in rules.CHANNELS],
        approvals["total"],
        result,
    ]


def proposals_sheet(data: dict[str, Any]) -> Sheet:
    table = Table(
        "propositions-table",
        _("Toutes les propositions publiques, leur instruction et leurs voix"),
        proposal_columns(),
        [_proposal_row(p) for p in data["proposals"]],
    )
    return Sheet("propositions", _("Propositions et instruction"), [table])


# --- Participation -----------------------------------------------------------------------------


def participation_sheet(data: dict[str, Any]) -> Sheet:
    tables = [participation_table(data, with_figure=False)]
    tables += _statistics(data.get("statistics"))
    return Sheet("participation", _("Participation"), tables)


def _statistics(stats: dict[str, Any] | None) -> list[Table]:
    """The statistics' own tables (suppressed cells already read "< 5"), their warnings about
    contributions from outside the territory, and their notes."""
    if not stats:
        return []
    tables = [
        Table(
            f"statistiques-{table.code}",
            table.title,
            [Column(table.headers[0], width=34)]
            + [Column(header, COUNT, 16) for header in table.headers[1:]],
            [list(row) for row in table.rows],
        )
        for table in statistics_tables(stats)
    ]
    flags = stats.get("outside", {}).get("flags", [])
    if flags:
        tables.append(
            Table(
                "statistiques-hors-territoire",
                _("Contributions de comptes hors du territoire"),
                [Column(_("Signalement"), LONG, 90)],
                [[flag["message"]] for flag in flags],
            )
        )
    tables.append(
        Table(
            "statistiques-notes",
            _("Notes sur les statistiques"),
            [Column(_("Note"), LONG, 90)],
            [[note] for note in stats.get("notes", [])],
        )
    )
    return tables


# --- the whole report --------------------------------------------------------------------------


def report_sheets(data: dict[str, Any], seal: Seal, *, figures: bool = True) -> list[Sheet]:
    """The report, in order: what the workbook and the page both show (the page with its
    charts; the workbook gives their tables only)."""
    return [
        summary_sheet(data, seal, figures=figures),
        results_sheet(data),
        proposals_sheet(data),
        *consequences_sheet(data),
        participation_sheet(data),
        *evaluation_sheet(data),
        method_sheet(data, seal),
    ]


def evaluation_sheet(data: dict[str, Any]) -> list[Sheet]:
    """The satisfaction questionnaire as sent (snapshots older than it have none)."""
    tables = [
        Table(
            table.code,
            table.title,
            [Column(table.headers[0], LONG, 60)]
            + [Column(header, COUNT, 12) for header in table.headers[1:]],
            [list(row) for row in table.rows],
        )
        for table in evaluation_tables(data.get("evaluation"))
    ]
    return [Sheet("evaluation", _("Satisfaction"), tables)] if tables else []

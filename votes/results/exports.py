"""The results of a campaign as CSV and XLSX (issue 5 §4): one row per proposal and category."""

from __future__ import annotations

from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from votes.results import tally as rules
from votes.results.services import CampaignResults, status_label
from votes.voting.models import Ballot


def result_headers() -> list[str]:
    return [
        _("Rubrique"),
        _("Rang"),
        _("Référence"),
        _("Identifiant source"),
        _("Titre"),
        *[str(label) for label in Ballot.Channel.labels],
        _("Voix (total)"),
        _("Montant (€)"),
        _("Enveloppe restante ou économie cumulée (€)"),
        _("Statut"),
    ]


def result_columns() -> list[writer.Column]:
    headers = result_headers()
    money = {len(headers) - 3, len(headers) - 2}
    return [
        writer.Column(header, writer.EURO_WHOLE, decimals=2)
        if index in money
        else writer.Column(header)
        for index, header in enumerate(headers)
    ]


def result_rows(results: CampaignResults) -> list[list]:
    """One row per proposal and category, in the order of the published tables."""
    table = []
    for outcome in results.categories:
        for row in outcome.result.rows:
            proposal = outcome.proposals[row.reference]
            after = row.envelope_left if row.cumulative_saving is None else row.cumulative_saving
            table.append(
                [
                    outcome.category.name,
                    row.rank,
                    proposal.public_reference,
                    proposal.source_id,
                    proposal.title,
                    *[row.approvals_by_channel[channel] for channel in rules.CHANNELS],
                    row.approvals,
                    row.amount,
                    after,
                    status_label(row.status),
                ]
            )
    return table


def results_csv(results: CampaignResults) -> str:
    """ ";"-separated with decimal commas (French spreadsheets); the view adds the BOM."""
    table = writer.Table(result_columns(), result_rows(results))
    return writer.csv_text(table, delimiter=";", decimal_comma=True)


def results_workbook(results: CampaignResults) -> bytes:
    counts = results.participation
    turnout_rows = [
        [str(label), counts.by_channel.get(value, 0)] for value, label in Ballot.Channel.choices
    ]
    turnout_rows.append([_("Bulletins papier nuls"), counts.void])
    turnout_rows.append([_("Total"), counts.total])
    return writer.xlsx_bytes(
        [
            writer.Sheet(_("Résultats"), result_columns(), result_rows(results)),
            writer.Sheet(
                _("Participation"), writer.columns(_("Canal"), _("Bulletins")), turnout_rows
            ),
        ],
        footer=writer.Footer(results.campaign.title),
    )

"""The published results of a campaign (issue 5 §4): page, CSV and XLSX.

Public once the campaign reaches ``tally``. Before that, nobody sees a count per proposal (no
bandwagon): the public gets a "not yet" page, the team and the poll officers the turnout.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from budget.templatetags.budget_tags import money
from simulator.charts import Chart
from votes.access import is_administrator, is_finance, is_officer, is_team
from votes.campaigns.models import Campaign, Phase
from votes.proposals.location import proposals_map
from votes.results import tally as rules
from votes.results.charts import approvals_chart, envelope_chart, target_chart
from votes.results.exports import results_csv, results_workbook
from votes.results.rule_words import savings_method_sentence, savings_threshold_sentence
from votes.results.services import (
    CampaignResults,
    CategoryOutcome,
    campaign_results,
    participation,
    status_label,
)
from votes.voting.models import Ballot


@dataclass(frozen=True)
class RowView:
    rank: int
    label: str
    url: str
    title: str
    by_channel: list[int]
    approvals: int
    amount: Decimal
    after: Decimal | None
    status: str
    status_label: str
    citizen_label: bool = False


@dataclass(frozen=True)
class CategoryView:
    outcome: CategoryOutcome
    anchor: str
    rows: list[RowView]
    sentences: list[str]
    charts: list[Chart]

    @property
    def result(self) -> rules.CategoryResult:
        return self.outcome.result


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    # A draft is not public yet: only those who write it see it.
    campaigns = Campaign.objects.visible_to(request.user).select_related("authority")
    return get_object_or_404(campaigns, slug=slug)


def _published(request: HttpRequest, slug: str) -> Campaign:
    campaign = _campaign(request, slug)
    if not campaign.reached(Phase.TALLY):
        raise Http404
    return campaign


def tie_rule_sentence(kind: str) -> str:
    if kind == rules.SAVINGS:
        return _(
            "À égalité de voix, la mesure à la plus petite économie passe d'abord, puis la plus "
            "petite référence."
        )
    return _(
        "À égalité de voix, le projet le moins cher passe d'abord, puis la plus petite référence."
    )


def rule_sentences(outcome: CategoryOutcome, method: str) -> list[str]:
    """The rule in plain words, as it was applied to this category."""
    result = outcome.result
    sentences = []
    if result.kind == rules.SAVINGS:
        sentences.append(
            savings_method_sentence(result.method, target=result.target, voters=result.voters)
        )
        sentences.append(tie_rule_sentence(result.kind))
        sentences.append(
            savings_threshold_sentence(
                threshold=result.threshold or 1,
                threshold_percent=result.threshold_percent,
                ballots=result.ballots,
            )
        )
        return sentences
    if method == rules.MES:
        sentences.append(
            _(
                "Méthode des parts égales : l'enveloppe de %(envelope)s est partagée à parts "
                "égales entre les %(voters)s votants de la rubrique ; un projet est retenu si "
                "ses soutiens peuvent le payer ensemble, en commençant par celui qui leur coûte "
                "le moins par euro de projet. L'argent qui reste est ensuite attribué projet "
                "par projet, par nombre de voix, à ceux qui tiennent encore dans l'enveloppe."
            )
            % {"envelope": money(result.envelope), "voters": result.voters or 0}
        )
    else:
        sentences.append(
            _(
                "Les projets sont classés par nombre de voix, du plus soutenu au moins soutenu. "
                "On descend la liste : un projet est retenu s'il tient dans ce qui reste de "
                "l'enveloppe de %(envelope)s ; sinon il est écarté et l'on passe au suivant."
            )
            % {"envelope": money(result.envelope)}
        )
    sentences.append(tie_rule_sentence(result.kind))
    if result.threshold:
        sentences.append(
            ngettext(
                "Seuil : une proposition doit recueillir au moins %(n)d voix pour être retenue.",
                "Seuil : une proposition doit recueillir au moins %(n)d voix pour être retenue.",
                result.threshold,
            )
            % {"n": result.threshold}
        )
    else:
        sentences.append(
            _("Pas de seuil : une proposition peut être retenue quel que soit son nombre de voix.")
        )
    return sentences


def category_frame(outcome: CategoryOutcome) -> pd.DataFrame:
    records = []
    for row in outcome.result.rows:
        proposal = outcome.proposals[row.reference]
        after = row.envelope_left if row.cumulative_saving is None else row.cumulative_saving
        records.append(
            {
                "label": proposal.public_reference,
                "title": proposal.title,
                "approvals": row.approvals,
                "amount": float(row.amount),
                "status": str(row.status),
                "status_label": status_label(row.status),
                "after": None if after is None else float(after),
            }
        )
    columns = ["label", "title", "approvals", "amount", "status", "status_label", "after"]
    return pd.DataFrame.from_records(records, columns=columns)


def _category_view(
    campaign: Campaign,
    outcome: CategoryOutcome,
    method: str,
    channels: list[str],
    index: int,
    adopted: frozenset[int] = frozenset(),
) -> CategoryView:
    result = outcome.result
    anchor = f"rubrique-{index}"
    frame = category_frame(outcome)
    charts = [approvals_chart(frame, chart_id=f"{anchor}-voix")]
    if result.kind == rules.SAVINGS:
        charts.append(
            target_chart(frame, target=float(result.target or 0), chart_id=f"{anchor}-objectif")
        )
    else:
        charts.append(
            envelope_chart(
                frame, envelope=float(result.envelope or 0), chart_id=f"{anchor}-enveloppe"
            )
        )
    rows = []
    for row in result.rows:
        proposal = outcome.proposals[row.reference]
        rows.append(
            RowView(
                rank=row.rank,
                label=proposal.public_reference,
                url=reverse(
                    "votes:proposal",
                    kwargs={"slug": campaign.slug, "reference": proposal.reference},
                ),
                title=proposal.title,
                by_channel=[row.approvals_by_channel[channel] for channel in channels],
                approvals=row.approvals,
                amount=row.amount,
                after=row.envelope_left if row.cumulative_saving is None else row.cumulative_saving,
                status=str(row.status),
                status_label=status_label(row.status),
                citizen_label=proposal.id in adopted,
            )
        )
    return CategoryView(
        outcome=outcome,
        anchor=anchor,
        rows=rows,
        sentences=rule_sentences(outcome, method),
        charts=charts,
    )


def _turnout_rows(counts) -> list[tuple[str, int]]:
    return [
        (str(label), counts.by_channel.get(value, 0)) for value, label in Ballot.Channel.choices
    ]


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    if not campaign.reached(Phase.TALLY):
        sees_turnout = campaign.reached(Phase.VOTING) and (
            is_team(request.user) or is_officer(request.user)
        )
        turnout = participation(campaign) if sees_turnout else None
        context = {
            "campaign": campaign,
            "turnout": turnout,
            "turnout_rows": _turnout_rows(turnout) if turnout else [],
        }
        return render(request, "votes/results/pending.html", context)
    computed: CampaignResults = campaign_results(campaign=campaign)
    counts = computed.participation
    # Only the channels this campaign used get a column: an imported election has one.
    channels = [c for c in rules.CHANNELS if counts.by_channel.get(c)] or [rules.ONLINE]
    channel_labels = dict(Ballot.Channel.choices)
    # The citizen label appears once the council's answers are public, not before.
    adopted = frozenset(
        campaign.proposals.adopted().values_list("pk", flat=True)
        if campaign.phase == Phase.ANSWERED
        else ()
    )
    context = {
        "campaign": campaign,
        "results": computed,
        "method_label": Campaign.TallyRule(computed.method).label,
        "channels": [channel_labels[c] for c in channels],
        "categories": [
            _category_view(campaign, outcome, computed.method, channels, index, adopted)
            for index, outcome in enumerate(computed.categories, start=1)
        ],
        "turnout": counts,
        "turnout_rows": _turnout_rows(counts),
        **_selected_map(campaign, computed),
        # Issue 16 §7: the finance service puts the winners (or the adopted proposals) in the
        # simulator from here too (votes/council/scenario.py).
        "can_build_scenario": campaign.budget_id is not None
        and (is_finance(request.user) or is_administrator(request.user)),
    }
    return render(request, "votes/results/page.html", context)


def _selected_map(campaign: Campaign, computed: CampaignResults) -> dict:
    """The selected proposals placed on the map, as on the list of proposals."""
    references = {ref for outcome in computed.categories for ref in outcome.result.selected}
    return proposals_map(
        campaign,
        campaign.proposals.filter(reference__in=references),
        label=_("Carte des propositions retenues"),
        div_id="results-map",
    )


def _filename(campaign: Campaign, extension: str) -> str:
    return f"resultats-{campaign.slug}.{extension}"


@require_GET
def results_csv_export(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _published(request, slug)
    # The BOM lets spreadsheet software open the file as UTF-8 rather than guess.
    body = "\ufeff" + results_csv(campaign_results(campaign=campaign))
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, "csv")}"'
    return response


@require_GET
def results_xlsx_export(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _published(request, slug)
    response = HttpResponse(
        results_workbook(campaign_results(campaign=campaign)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, "xlsx")}"'
    return response


urlpatterns = [
    path("campagnes/<slug:slug>/resultats/", results, name="results"),
    path("campagnes/<slug:slug>/resultats.csv", results_csv_export, name="results_csv"),
    path("campagnes/<slug:slug>/resultats.xlsx", results_xlsx_export, name="results_xlsx"),
]

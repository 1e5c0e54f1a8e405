"""Participation statistics (issue 6 §4): the team's analysis screen, its CSV and XLSX.

Team only: the administrator, finance and the facilitators (who run the panels and need to
see who takes part). Once the results went to the council, every figure comes from the
snapshot sent (reproducible), except the "adopted" step read live from the council's answers.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from budget.templatetags.budget_tags import format_amount
from votes.access import (
    can_edit_evaluation,
    is_administrator,
    is_facilitator,
    is_finance,
    is_guarantor,
    require,
)
from votes.campaigns.models import Campaign
from votes.census.stats import census_table
from votes.evaluation.results import evaluation_chart, evaluation_counts, evaluation_tables
from votes.statistics.charts import statistics_charts
from votes.statistics.counts import reported_statistics
from votes.statistics.tables import (
    origin_table,
    paper_table,
    statistics_csv,
    statistics_tables,
    statistics_workbook,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_analyse(user) -> bool:
    return is_administrator(user) or is_finance(user) or is_facilitator(user)


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
    # The campaign's guarantor reads its statistics too (issue 16 §2).
    require(can_analyse(request.user) or is_guarantor(request.user, campaign))
    return campaign


def _filename(campaign: Campaign, extension: str, *, final: bool) -> str:
    # A live draft changes with every new participant: its name says so.
    suffix = "" if final else "-provisoire"
    return f"statistiques-{campaign.slug}{suffix}.{extension}"


def french_numbers(rows: list[list]) -> list[list[str]]:
    """Numbers as French readers write them: 1 234 people, 12,5 per 1,000."""
    return [
        [
            format_amount(value, 1 if isinstance(value, Decimal) else 0)
            if isinstance(value, int | Decimal)
            else value
            for value in row
        ]
        for row in rows
    ]


@login_required
@require_GET
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    stats, snapshot = reported_statistics(campaign)
    context: dict[str, Any] = {
        "campaign": campaign,
        "stats": stats,
        "snapshot": snapshot,
        "charts": [replace(c, rows=french_numbers(c.rows)) for c in statistics_charts(stats)],
        "tables": [
            replace(t, rows=french_numbers(t.rows))
            for t in (origin_table(stats), paper_table(stats))
        ],
        "can_manage": is_administrator(request.user),
    }
    # The census list (votes/census/) is read live too: its marks are the vote itself.
    census = census_table(campaign)
    context["census"] = census and replace(census, rows=french_numbers(census.rows))
    # The questionnaire is read live: answers keep coming after the results went to the
    # council (workshops, late voters); the council file keeps its own copy, in the snapshot.
    evaluation = evaluation_counts(campaign)
    chart = evaluation_chart(evaluation)
    context["evaluation"] = {
        "can_edit": can_edit_evaluation(request.user),
        "chart": chart and replace(chart, rows=french_numbers(chart.rows)),
        "tables": [
            replace(t, rows=french_numbers(t.rows))
            for t in evaluation_tables(evaluation)
            if t.code != "evaluation-notes"
        ],
    }
    return render(request, "votes/statistics/page.html", context)


@login_required
@require_GET
def statistics_csv_export(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    stats, snapshot = reported_statistics(campaign)
    semicolon = request.GET.get("sep") == "semicolon"
    # The BOM lets spreadsheet software open the file as UTF-8 rather than guess.
    body = "\ufeff" + statistics_csv(statistics_tables(stats), semicolon=semicolon)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = _filename(campaign, "csv", final=snapshot is not None)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def statistics_xlsx_export(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    stats, snapshot = reported_statistics(campaign)
    body = statistics_workbook(statistics_tables(stats), notes=stats["notes"], name=campaign.title)
    response = HttpResponse(body, content_type=XLSX_TYPE)
    filename = _filename(campaign, "xlsx", final=snapshot is not None)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("gestion/campagnes/<slug:slug>/statistiques/", statistics, name="statistics"),
    path(
        "gestion/campagnes/<slug:slug>/statistiques.csv",
        statistics_csv_export,
        name="statistics_csv",
    ),
    path(
        "gestion/campagnes/<slug:slug>/statistiques.xlsx",
        statistics_xlsx_export,
        name="statistics_xlsx",
    ),
]

"""The evaluation page of a campaign: the charter's indicators, on screen and in XLSX.

Read by the administrator, finance, the facilitators and the campaign's guarantor
(votes.access.can_read_evaluation); GET only, nothing here writes.
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from votes.access import can_read_evaluation, require
from votes.campaigns.models import Campaign
from votes.evaluation.indicators import evaluation_indicators, indicator_notes
from votes.evaluation.models import EvaluationQuestion
from votes.evaluation.results import evaluation_counts, evaluation_tables, evaluation_texts
from votes.statistics.tables import statistics_workbook
from votes.statistics.views import XLSX_TYPE, french_numbers


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
    require(can_read_evaluation(request.user, campaign))
    return campaign


def _tables(campaign: Campaign):
    return evaluation_indicators(campaign) + evaluation_tables(evaluation_counts(campaign))


@login_required
@require_GET
def evaluation_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    context = {
        "campaign": campaign,
        "tables": [replace(t, rows=french_numbers(t.rows)) for t in _tables(campaign)],
        "notes": indicator_notes(),
        # Free answers stay off the XLSX and the council file: read here, from 5 of them.
        "texts": [
            (question, evaluation_texts(campaign, question))
            for question in campaign.evaluation_questions.filter(kind=EvaluationQuestion.Kind.TEXT)
        ],
    }
    return render(request, "votes/evaluation/indicators.html", context)


@login_required
@require_GET
def evaluation_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    body = statistics_workbook(_tables(campaign), notes=indicator_notes(), name=campaign.title)
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{campaign.slug}.xlsx"'
    return response


urlpatterns = [
    path("gestion/campagnes/<slug:slug>/evaluation/", evaluation_page, name="evaluation"),
    path("gestion/campagnes/<slug:slug>/evaluation.xlsx", evaluation_xlsx, name="evaluation_xlsx"),
]

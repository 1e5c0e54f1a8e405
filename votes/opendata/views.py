"""The public downloads page of a campaign (issue 6 §5) and its files.

Each dataset opens at its phase; before that, and for an unknown name, its file is not found.
The tables come from the council snapshot once the results went to the council.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from votes.campaigns.models import Campaign
from votes.council.views import snapshot_filename
from votes.opendata.services import (
    LICENCE_URL,
    ballots_pb,
    opendata_catalogue,
    opendata_csv,
    opendata_workbook,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(slug: str) -> Campaign:
    # A draft publishes nothing, whoever asks.
    return get_object_or_404(Campaign.objects.public().select_related("authority"), slug=slug)


def _attachment(response: HttpResponse, campaign: Campaign, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{name}"'
    return response


@require_GET
def opendata(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    catalogue = opendata_catalogue(campaign)
    context = {
        "campaign": campaign,
        "entries": catalogue.entries,
        "notice": catalogue.notice,
        "snapshot": catalogue.snapshot,
        "licence_url": LICENCE_URL,
        "snapshot_filename": snapshot_filename(campaign),
    }
    return render(request, "votes/opendata/page.html", context)


@require_GET
def opendata_csv_file(request: HttpRequest, slug: str, dataset: str) -> HttpResponse:
    campaign = _campaign(slug)
    semicolon = request.GET.get("sep") == "semicolon"
    body = opendata_csv(campaign=campaign, dataset=dataset, semicolon=semicolon)
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    return _attachment(response, campaign, f"{dataset}.csv")


@require_GET
def opendata_xlsx_file(request: HttpRequest, slug: str, dataset: str) -> HttpResponse:
    campaign = _campaign(slug)
    body = opendata_workbook(campaign=campaign, dataset=dataset)
    if body is None:
        raise Http404
    return _attachment(HttpResponse(body, content_type=XLSX), campaign, f"{dataset}.xlsx")


@require_GET
def opendata_ballots(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    text = ballots_pb(campaign)
    if text is None:
        raise Http404
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    return _attachment(response, campaign, "bulletins.pb")


urlpatterns = [
    path("campagnes/<slug:slug>/donnees/", opendata, name="opendata"),
    path("campagnes/<slug:slug>/donnees/bulletins.pb", opendata_ballots, name="opendata_ballots"),
    path(
        "campagnes/<slug:slug>/donnees/<slug:dataset>.csv", opendata_csv_file, name="opendata_csv"
    ),
    path(
        "campagnes/<slug:slug>/donnees/<slug:dataset>.xlsx",
        opendata_xlsx_file,
        name="opendata_xlsx",
    ),
]

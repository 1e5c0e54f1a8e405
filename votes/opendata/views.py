"""The public downloads page of a campaign (issue 6 §5) and its files.

Each dataset opens at its phase; before that, and for an unknown name, its file is not found.
The tables come from the council snapshot once the results went to the council.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from votes import ratelimits
from votes.campaigns.models import Campaign
from votes.council.views import snapshot_filename
from votes.opendata.exports import export_as_job, export_open, opendata_export_start
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


def _prepared_by_a_job(campaign: Campaign, dataset: str) -> HttpResponse | None:
    """A large campaign's file is not built in a request: back to its line of the page,
    where its "Préparer" button starts the job."""
    if not export_as_job(campaign):
        return None
    url = reverse("votes:opendata", kwargs={"slug": campaign.slug})
    return redirect(f"{url}#jeu-{dataset}")


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
        "as_jobs": export_as_job(campaign),
        "prepare_formats": [("csv", "CSV"), ("csv-excel", _("CSV Excel (;)")), ("xlsx", "XLSX")],
    }
    return render(request, "votes/opendata/page.html", context)


@require_GET
def opendata_csv_file(request: HttpRequest, slug: str, dataset: str) -> HttpResponse:
    campaign = _campaign(slug)
    if later := _prepared_by_a_job(campaign, dataset):
        return later
    semicolon = request.GET.get("sep") == "semicolon"
    body = opendata_csv(campaign=campaign, dataset=dataset, semicolon=semicolon)
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    return _attachment(response, campaign, f"{dataset}.csv")


@require_GET
def opendata_xlsx_file(request: HttpRequest, slug: str, dataset: str) -> HttpResponse:
    campaign = _campaign(slug)
    if later := _prepared_by_a_job(campaign, dataset):
        return later
    body = opendata_workbook(campaign=campaign, dataset=dataset)
    if body is None:
        raise Http404
    return _attachment(HttpResponse(body, content_type=XLSX), campaign, f"{dataset}.xlsx")


@require_GET
def opendata_ballots(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    if later := _prepared_by_a_job(campaign, "bulletins"):
        return later
    text = ballots_pb(campaign)
    if text is None:
        raise Http404
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    return _attachment(response, campaign, "bulletins.pb")


@require_POST
def opendata_prepare(request: HttpRequest, slug: str, dataset: str, fmt: str) -> HttpResponse:
    """Start (or find) the job that builds one file of a large campaign; its page follows it."""
    campaign = _campaign(slug)
    if not export_open(campaign, dataset, fmt) or not export_as_job(campaign):
        raise Http404
    refusal = ratelimits.hit(request, "opendata_export")
    if refusal:
        return ratelimits.refused(request, refusal)
    job = opendata_export_start(campaign=campaign, dataset=dataset, fmt=fmt, owner=request.user)
    return redirect(job)


urlpatterns = [
    path(
        "campagnes/<slug:slug>/donnees/preparer/<slug:dataset>/<slug:fmt>/",
        opendata_prepare,
        name="opendata_prepare",
    ),
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

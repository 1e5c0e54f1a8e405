"""Sending the results to the council (issue 6 §1): the preconditions and the sending
(administrators), and the public download of the stored snapshot."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from votes.campaigns import workflow
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.views import campaign_admin_view
from votes.council import services as council_services
from votes.council.models import CouncilSnapshot
from votes.voting.models import PollingStation, VotingCodeBatch


def snapshot_filename(campaign: Campaign) -> str:
    return f"conseil-{campaign.slug}.json"


def _send_context(campaign: Campaign, **extra) -> dict:
    # Before the tally, the checks would compute (and show) results nobody may see yet.
    in_tally = campaign.phase == Phase.TALLY
    return {
        "campaign": campaign,
        "in_tally": in_tally,
        "checks": council_services.council_preconditions(campaign) if in_tally else [],
        "open_stations": PollingStation.objects.filter(campaign=campaign, closed_at__isnull=True),
        "open_batches": VotingCodeBatch.objects.filter(
            campaign=campaign, closed_at__isnull=True, revoked_at__isnull=True
        ).order_by("label", "pk"),
        "errors": [],
        **extra,
    }


@campaign_admin_view
@require_http_methods(["GET", "POST"])
def council_send(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: each precondition with its state; POST: send (refused in place while one fails).
    Once sent: the fingerprint, when, by whom, and the download."""
    campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
    snapshot = (
        CouncilSnapshot.objects.select_related("created_by").filter(campaign=campaign).first()
    )
    if snapshot is not None:
        return render(
            request,
            "votes/council/sent.html",
            {
                "campaign": campaign,
                "snapshot": snapshot,
                "filename": snapshot_filename(campaign),
            },
        )
    if request.method == "POST":
        try:
            workflow.council_send(campaign=campaign, by=request.user)
        except ValidationError as error:
            return render(
                request,
                "votes/council/send.html",
                _send_context(campaign, errors=error.messages),
                status=400,
            )
        messages.success(
            request,
            _(
                "Les résultats sont transmis au conseil : la campagne est en phase « %(phase)s », "
                "bulletins et instructions ne changent plus."
            )
            % {"phase": Phase.COUNCIL.label},
        )
        return redirect("votes:council_send", slug=campaign.slug)
    return render(request, "votes/council/send.html", _send_context(campaign))


@require_safe
def council_snapshot(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored JSON, byte for byte: its SHA-256 is the fingerprint shown everywhere."""
    campaign = get_object_or_404(Campaign.objects.public(), slug=slug)
    snapshot = get_object_or_404(CouncilSnapshot, campaign=campaign)
    response = HttpResponse(
        snapshot.content.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{snapshot_filename(campaign)}"'
    return response


urlpatterns = [
    path("gestion/campagnes/<slug:slug>/conseil/", council_send, name="council_send"),
    path(
        "campagnes/<slug:slug>/conseil/instantane.json",
        council_snapshot,
        name="council_snapshot",
    ),
]

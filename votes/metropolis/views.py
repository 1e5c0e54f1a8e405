"""The public consolidated page of a metropolis (an EPCI): its own campaigns and its member
communes' side by side, with the totals per commune and overall."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from budget.models import Authority
from votes.metropolis.charts import groups_chart
from votes.metropolis.consolidation import consolidate
from votes.metropolis.reads import consolidation_rows


def metropolis_consolidation(request: HttpRequest, slug: str) -> HttpResponse:
    epci = get_object_or_404(Authority, slug=slug, kind=Authority.Kind.EPCI)
    rows = consolidation_rows(epci)
    # Nothing public yet (drafts only): the page does not exist, as the API hides such an
    # authority.
    if not rows:
        raise Http404
    consolidation = consolidate(rows, first=epci.name)
    return render(
        request,
        "votes/metropolis/consolidation.html",
        {
            "epci": epci,
            "members": list(epci.members.all()),
            "consolidation": consolidation,
            "chart": groups_chart(consolidation),
        },
    )


urlpatterns = [
    path(
        "collectivites/<slug:slug>/consolidation/",
        metropolis_consolidation,
        name="metropolis_consolidation",
    ),
]

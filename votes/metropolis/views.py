"""The public consolidated page of a metropolis (an EPCI): its own campaigns and its member
communes' side by side, with the totals per commune and overall."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from budget.models import Authority
from votes.metropolis.charts import groups_chart
from votes.metropolis.consolidation import Consolidation, consolidate
from votes.metropolis.exports import consolidation_workbook
from votes.metropolis.reads import consolidation_rows
from votes.statistics.views import XLSX_TYPE


def _consolidation(slug: str) -> tuple[Authority, Consolidation]:
    epci = get_object_or_404(Authority, slug=slug, kind=Authority.Kind.EPCI)
    rows = consolidation_rows(epci)
    # Nothing public yet (drafts only): the page does not exist, as the API hides such an
    # authority.
    if not rows:
        raise Http404
    return epci, consolidate(rows, first=epci.name)


@require_GET
def metropolis_consolidation(request: HttpRequest, slug: str) -> HttpResponse:
    epci, consolidation = _consolidation(slug)
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


@require_GET
def metropolis_consolidation_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    epci, consolidation = _consolidation(slug)
    title = _("%(name)s et ses communes : les campagnes") % {"name": epci.name}
    response = HttpResponse(consolidation_workbook(consolidation, title=title), XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="consolidation-{epci.slug}.xlsx"'
    return response


urlpatterns = [
    path(
        "collectivites/<slug:slug>/consolidation/",
        metropolis_consolidation,
        name="metropolis_consolidation",
    ),
    path(
        "collectivites/<slug:slug>/consolidation.xlsx",
        metropolis_consolidation_xlsx,
        name="metropolis_consolidation_xlsx",
    ),
]

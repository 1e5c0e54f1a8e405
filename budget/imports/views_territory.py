"""The territory of an authority: upload its GeoJSON (back office), serve it to the maps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from budget.forms import TerritoryUploadForm
from budget.imports.uploads import go, import_at_once, zone_template
from budget.imports.views import _posted, backoffice_view
from budget.maps import map_div
from budget.models import Authority
from budget.territory import authority_territory_set, neighbourhood_names


@backoffice_view
@require_http_methods(["GET", "POST"])
def territory_upload(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(Authority, slug=slug)
    form = TerritoryUploadForm(*_posted(request))
    report = import_at_once(
        form,
        lambda data: authority_territory_set(
            authority=authority, data=data, name_property=form.cleaned_data["name_property"]
        ),
    )
    if report is not None and report.ok:
        messages.success(
            request,
            _("Territoire de « %(authority)s » enregistré : %(count)s quartier(s).")
            % {"authority": authority, "count": len(report.neighbourhoods)},
        )
        return go(request, reverse("budget:backoffice_territory", kwargs={"slug": slug}))
    context = {
        "authority": authority,
        "form": form,
        "report": report,
        "neighbourhoods": neighbourhood_names(authority.territory),
        "map": map_div(
            authority=authority, points=[], label=_("Carte du territoire"), div_id="territory-map"
        )
        if authority.territory
        else None,
    }
    return render(request, zone_template(request, "budget/backoffice/territory.html"), context)


@require_safe
def territory_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the outline and neighbourhoods every map of the authority draws."""
    authority = get_object_or_404(Authority, slug=slug)
    if not authority.territory:
        raise Http404
    response = JsonResponse(authority.territory, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


urlpatterns = [
    path(
        "gestion/collectivites/<slug:slug>/territoire/",
        territory_upload,
        name="backoffice_territory",
    ),
    path("territoires/<slug:slug>.geojson", territory_geojson, name="territory"),
]

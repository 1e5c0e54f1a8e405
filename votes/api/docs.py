"""The OpenAPI document and its browsable page, served by the application.

The page is Swagger UI from drf-spectacular-sidecar's static files (no CDN: workshop rooms
have no internet, and the Content-Security-Policy allows this site only). drf-spectacular's
own template writes an inline <style> and script; ours loads static/js/api-docs.js, which
reads the document's address from a data attribute."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularJSONAPIView

from votes.api.base import Public
from votes.api.throttling import LIMIT
from votes.opendata.services import LICENCE, LICENCE_URL


class OpenAPIDocument(Public, SpectacularJSONAPIView):
    pass


# Swagger UI's stylesheet draws its icons as data: SVG images; nothing else is widened.
DOCS_CSP = {**settings.SECURE_CSP, "img-src": [CSP.SELF, "data:"]}


@require_safe
@csp_override(DOCS_CSP)
def api_docs(request: HttpRequest) -> HttpResponse:
    count, seconds = settings.RATE_LIMITS.get(LIMIT, {}).get("ip", (0, 0))
    return render(
        request,
        "votes/api/docs.html",
        {
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "rate_count": count,
            "rate_seconds": seconds,
        },
    )


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 as the API's own, not the site's page."""
    return JsonResponse({"detail": _("Adresse inconnue dans l'API.")}, status=404)

"""The OpenAPI document and its reference page, served by the application.

The page is written here, from the document itself, as plain HTML (headings, tables, links):
Swagger UI was tried first and failed the accessibility check every public page passes
(contrast, interactive controls nested in one another), and it needs a script. Any OpenAPI
tool (Swagger Editor, Postman, a client generator) reads the document at its address."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularJSONAPIView

from votes.api.base import Public
from votes.api.throttling import LIMIT
from votes.opendata.services import LICENCE, LICENCE_URL


class OpenAPIDocument(Public, SpectacularJSONAPIView):
    pass


@dataclass
class Parameter:
    name: str
    where: str
    kind: str
    required: bool
    description: str


@dataclass
class Operation:
    path: str
    summary: str
    description: str
    tag: str
    parameters: list[Parameter]
    responses: list[tuple[str, str]]

    @property
    def example(self) -> str:
        """The address itself, when it needs no value: a link the reader may follow."""
        return "" if "{" in self.path else self.path


def _kind(schema: dict) -> str:
    kind = schema.get("type", "")
    if schema.get("enum"):
        return f"{kind} : " + ", ".join(str(value) for value in schema["enum"])
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def operations(document: dict) -> list[Operation]:
    """The document's read operations, in its order, as the page shows them."""
    found = []
    for path, methods in document.get("paths", {}).items():
        operation = methods.get("get")
        if operation is None:
            continue
        found.append(
            Operation(
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                tag=(operation.get("tags") or [""])[0],
                parameters=[
                    Parameter(
                        name=parameter["name"],
                        where=parameter["in"],
                        kind=_kind(parameter.get("schema", {})),
                        required=bool(parameter.get("required")),
                        description=parameter.get("description", ""),
                    )
                    for parameter in operation.get("parameters", [])
                ],
                responses=[
                    (code, answer.get("description", ""))
                    for code, answer in operation.get("responses", {}).items()
                ],
            )
        )
    return found


@require_safe
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
            "operations": operations(SchemaGenerator().get_schema(request=None, public=True)),
        },
    )


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 as the API's own, not the site's page."""
    return JsonResponse({"detail": _("Adresse inconnue dans l'API.")}, status=404)

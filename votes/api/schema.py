"""What the OpenAPI document says beyond the serializers: the error answers every operation
can give (a client, and schemathesis, must find each status it may receive)."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# django-filter's refusals: one list of messages per wrong parameter.
INVALID = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


# As the URL converters read them (<slug:slug>, <int:number>): anything else is not an
# address of the API.
PATH_PARAMETERS = {
    "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    "number": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def _json(ref: str, description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        **extra,
    }


def document_errors(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: 400 (a filter's value refused), 404 (unknown or
    not public, or a page past the end) and 429 (rate limit, with Retry-After) on every
    operation; the path parameters as their URL converters accept them."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["InvalidParameters"] = INVALID
    retry_after = {
        "Retry-After": {
            "description": "Secondes à attendre avant de réessayer.",
            "schema": {"type": "integer", "minimum": 1},
            "required": True,
        }
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"] in PATH_PARAMETERS:
                    parameter["schema"] = PATH_PARAMETERS[parameter["name"]]
            responses = operation.setdefault("responses", {})
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault(
                    "400", _json("InvalidParameters", "Un paramètre de filtre est refusé.")
                )
            responses.setdefault("404", _json("Error", "Inconnu, pas encore public, ou page vide."))
            responses.setdefault(
                "429",
                _json("Error", "Trop de requêtes depuis cette adresse.", headers=retry_after),
            )
    return result

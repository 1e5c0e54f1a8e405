"""A small territory for the map tests: a square commune (2.0–2.2 E, 47.0–47.2 N) split into
two neighbourhoods, « Nord » and « Sud », named in the property `nom`."""

from __future__ import annotations

import json

from budget.models import Authority
from budget.territory import authority_territory_set


def square(west: float, south: float, east: float, north: float) -> list:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


def feature(rings: list, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": rings},
    }


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def territory_document() -> dict:
    return collection(
        feature(square(2.0, 47.0, 2.2, 47.2), insee="45999"),
        feature(square(2.0, 47.1, 2.2, 47.2), nom="Nord"),
        feature(square(2.0, 47.0, 2.2, 47.1), nom="Sud"),
    )


def territory_bytes(document: dict | None = None) -> bytes:
    return json.dumps(document or territory_document()).encode()


def give_territory(authority: Authority) -> Authority:
    report = authority_territory_set(
        authority=authority, data=territory_bytes(), name_property="nom"
    )
    assert report.ok, report.errors
    authority.refresh_from_db()
    return authority

"""The territory of an authority on a map: its outline and its neighbourhoods, from GeoJSON.

An administrator uploads a GeoJSON FeatureCollection of Polygon / MultiPolygon features
(budget/imports/views_territory.py). Features carrying the name property are neighbourhoods
(quartiers); features without it draw the outline of the territory. The file is checked here
in full before anything is written, and stored reduced to what the maps draw (geometry rounded
to about 10 cm, the name only): every map of the site shows it with no network at all.

Pure functions apart from `authority_territory_set`; no ORM in the checks.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.models import Authority
from budget.spreadsheets.cells import size_problem

MAX_FEATURES = 500
MAX_POSITIONS = 200_000
MAX_NAME_LENGTH = 100
PRECISION = 6  # decimal places of a degree: about 10 cm


@dataclass(frozen=True)
class Problem:
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class TerritoryReport:
    errors: list[Problem] = field(default_factory=list)
    territory: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def neighbourhoods(self) -> list[str]:
        return neighbourhood_names(self.territory)

    def add(self, message: str) -> None:
        # A broken file could yield thousands of problems: the first ones say enough.
        if len(self.errors) < 20:
            self.errors.append(Problem(message))


def _position(value: Any, where: str, report: TerritoryReport) -> list[float] | None:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
    ):
        report.add(
            _("%(where)s : une position doit être [longitude, latitude].") % {"where": where}
        )
        return None
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        report.add(
            _(
                "%(where)s : position hors limites (%(lon)s, %(lat)s) ; la longitude va de -180 "
                "à 180 et la latitude de -90 à 90 (WGS 84, longitude d'abord)."
            )
            % {"where": where, "lon": value[0], "lat": value[1]}
        )
        return None
    return [round(lon, PRECISION), round(lat, PRECISION)]


def _polygon(value: Any, where: str, report: TerritoryReport, count: list[int]) -> list | None:
    if not isinstance(value, list) or not value:
        report.add(_("%(where)s : un polygone est une liste d'anneaux.") % {"where": where})
        return None
    rings = []
    for index, ring in enumerate(value, start=1):
        here = _("%(where)s, anneau %(ring)s") % {"where": where, "ring": index}
        if not isinstance(ring, list) or len(ring) < 4:
            report.add(_("%(where)s : un anneau compte au moins 4 positions.") % {"where": here})
            return None
        count[0] += len(ring)
        if count[0] > MAX_POSITIONS:
            return None
        positions = [_position(p, here, report) for p in ring]
        if any(p is None for p in positions):
            return None
        if positions[0] != positions[-1]:
            report.add(
                _(
                    "%(where)s : l'anneau n'est pas fermé (la dernière position doit répéter "
                    "la première)."
                )
                % {"where": here}
            )
            return None
        rings.append(positions)
    return rings


def territory_check(data: bytes, *, name_property: str) -> TerritoryReport:
    """Read and check a GeoJSON file; `territory` is the reduced collection when it is fine."""
    report = TerritoryReport()
    limit = settings.TERRITORY_MAX_BYTES
    if len(data) > limit:
        report.add(size_problem(len(data), limit) + " " + _("Simplifiez les contours."))
        return report
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        report.add(_("Le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8 (GeoJSON)."))
        return report
    except json.JSONDecodeError as error:
        report.add(
            _("Ce n'est pas du JSON valable : %(problem)s, ligne %(line)s, colonne %(column)s.")
            % {"problem": error.msg, "line": error.lineno, "column": error.colno}
        )
        return report
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        report.add(
            _(
                "Le fichier doit être une FeatureCollection GeoJSON "
                "(« type » : « FeatureCollection »)."
            )
        )
        return report
    features = document.get("features")
    if not isinstance(features, list) or not features:
        report.add(_("La FeatureCollection ne contient aucun objet (« features » vide)."))
        return report
    if len(features) > MAX_FEATURES:
        report.add(
            _("%(count)s objets : %(limit)s au plus.")
            % {"count": len(features), "limit": MAX_FEATURES}
        )
        return report
    kept, names, count = [], set(), [0]
    for number, feature in enumerate(features, start=1):
        where = _("Objet %(number)s") % {"number": number}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            report.add(
                _("%(where)s : ce n'est pas un objet GeoJSON (« Feature »).") % {"where": where}
            )
            continue
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            report.add(
                _(
                    "%(where)s : géométrie « %(kind)s » ; seuls Polygon et MultiPolygon "
                    "dessinent un territoire ou un quartier."
                )
                % {"where": where, "kind": kind or "—"}
            )
            continue
        properties = (
            feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        )
        name = properties.get(name_property)
        if name is not None:
            name = str(name).strip()
            where = f"{where} (« {name[:40]} »)"
            if not name or len(name) > MAX_NAME_LENGTH:
                report.add(
                    _("%(where)s : le nom du quartier doit compter de 1 à %(max)s caractères.")
                    % {"where": where, "max": MAX_NAME_LENGTH}
                )
                continue
            if name in names:
                report.add(_("%(where)s : deux quartiers portent ce nom.") % {"where": where})
                continue
            names.add(name)
        coordinates = geometry.get("coordinates")
        polygons = [coordinates] if kind == "Polygon" else coordinates
        if not isinstance(polygons, list) or not polygons:
            report.add(_("%(where)s : coordonnées absentes.") % {"where": where})
            continue
        checked = [_polygon(p, where, report, count) for p in polygons]
        if count[0] > MAX_POSITIONS:
            report.add(
                _("Plus de %(limit)s positions : simplifiez les contours.")
                % {"limit": MAX_POSITIONS}
            )
            return report
        if any(p is None for p in checked):
            continue
        kept.append(
            {
                "type": "Feature",
                "properties": {"name": name} if name else {},
                "geometry": {"type": "MultiPolygon", "coordinates": checked},
            }
        )
    if report.errors:
        return report
    report.territory = {"type": "FeatureCollection", "features": kept}
    return report


def neighbourhood_names(territory: dict | None) -> list[str]:
    if not territory:
        return []
    return sorted(
        (f["properties"]["name"] for f in territory["features"] if f["properties"].get("name")),
        key=str.casefold,
    )


def _inside_ring(lon: float, lat: float, ring: list) -> bool:
    # Ray casting: a point is inside when a ray crosses the ring an odd number of times.
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _inside_feature(feature: dict, lat: float, lon: float) -> bool:
    for polygon in feature["geometry"]["coordinates"]:
        outer, *holes = polygon
        if _inside_ring(lon, lat, outer) and not any(_inside_ring(lon, lat, h) for h in holes):
            return True
    return False


def neighbourhood_at(territory: dict | None, *, lat: float, lon: float) -> str:
    """The neighbourhood holding the point ("" when none does)."""
    for feature in (territory or {}).get("features", []):
        name = feature["properties"].get("name")
        if name and _inside_feature(feature, lat, lon):
            return name
    return ""


def territory_contains(territory: dict | None, *, lat: float, lon: float) -> bool:
    """Inside the outline or a neighbourhood; True when no territory is known."""
    features = (territory or {}).get("features", [])
    return not features or any(_inside_feature(f, lat, lon) for f in features)


def territory_bounds(territory: dict | None) -> list[list[float]] | None:
    """[[south, west], [north, east]] of every feature, as Leaflet takes bounds."""
    positions = [
        position
        for feature in (territory or {}).get("features", [])
        for polygon in feature["geometry"]["coordinates"]
        for ring in polygon
        for position in ring
    ]
    if not positions:
        return None
    lons, lats = [p[0] for p in positions], [p[1] for p in positions]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


@transaction.atomic
def authority_territory_set(
    *, authority: Authority, data: bytes, name_property: str
) -> TerritoryReport:
    """Replace the authority's territory with the file's, or write nothing when it is refused."""
    report = territory_check(data, name_property=name_property)
    if not report.ok:
        return report
    authority.territory = report.territory
    authority.territory_updated_at = timezone.now()
    authority.save(update_fields=["territory", "territory_updated_at"])
    return report

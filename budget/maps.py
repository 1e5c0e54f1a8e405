"""A Leaflet map as a `<div>` that static/js/map.js draws: no inline script (like figures.py).

The map travels in a `data-map` attribute: the address of the territory's GeoJSON (drawn with
no network: it comes from this site), the base layer of settings.MAP_TILE_URL when one is set,
the points, and for a form the ids of the inputs a picked point fills. The page puts the list
of the same points beside the map (a table): the map is never the only way to read them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from budget.models import Authority


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    label: str
    url: str = ""


@dataclass(frozen=True)
class Pick:
    """The inputs of a form a point picked on the map fills, and the live region telling it."""

    lat_input: str
    lon_input: str
    status: str
    # Announced once placed; {lat} {lon} are replaced by the script.
    placed_text: str
    cleared_text: str
    marker_label: str


def map_div(
    *,
    authority: Authority | None,
    points: list[MapPoint],
    label: str,
    pick: Pick | None = None,
    div_id: str = "map",
    described_by: str = "",
) -> SafeString:
    config = {
        "territory": reverse("budget:territory", kwargs={"slug": authority.slug})
        if authority is not None and authority.territory
        else "",
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
        if settings.MAP_TILE_URL
        else None,
        "points": [asdict(p) for p in points],
        "pick": asdict(pick) if pick else None,
        # Leaflet guesses its marker images from its stylesheet, which fails once the names
        # carry a hash (the manifest storage of production): the page names them.
        "icons": {
            "iconUrl": static("vendor/leaflet/images/marker-icon.png"),
            "iconRetinaUrl": static("vendor/leaflet/images/marker-icon-2x.png"),
            "shadowUrl": static("vendor/leaflet/images/marker-shadow.png"),
        },
    }
    return format_html(
        '<div id="{}" class="map{}" role="region" aria-label="{}"{} data-map="{}"></div>',
        div_id,
        " map-pick" if pick else "",
        label,
        format_html(' aria-describedby="{}"', described_by) if described_by else "",
        json.dumps(config),
    )

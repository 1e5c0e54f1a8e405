"""Where a proposal is: a point on the map and a neighbourhood of the authority's territory.

`check_location` is what the services call before writing (the form mirrors it); the map
helpers turn proposals into the points of budget/maps.py for the pages that show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from budget.maps import MapPoint, Pick, map_div
from budget.territory import neighbourhood_at, neighbourhood_names, territory_contains
from votes.campaigns.models import Campaign
from votes.proposals.models import Proposal


def check_location(
    campaign: Campaign,
    *,
    latitude: Decimal | None,
    longitude: Decimal | None,
    neighbourhood: str,
    errors: dict,
) -> str:
    """The neighbourhood to store: the one chosen, else the one holding the point."""
    territory = campaign.authority.territory
    neighbourhood = neighbourhood.strip()
    if (latitude is None) != (longitude is None):
        errors.setdefault("latitude", []).append(
            _("Indiquez la latitude et la longitude du point, ou aucune des deux.")
        )
        return neighbourhood
    if latitude is not None and not -90 <= latitude <= 90:
        errors.setdefault("latitude", []).append(_("La latitude va de -90 à 90."))
    if longitude is not None and not -180 <= longitude <= 180:
        errors.setdefault("longitude", []).append(_("La longitude va de -180 à 180."))
    if neighbourhood and neighbourhood not in neighbourhood_names(territory):
        errors.setdefault("neighbourhood", []).append(
            _("Choisissez un quartier du territoire de %(authority)s.")
            % {"authority": campaign.authority.name}
        )
    if errors or latitude is None:
        return neighbourhood
    lat, lon = float(latitude), float(longitude)
    if not territory_contains(territory, lat=lat, lon=lon):
        errors.setdefault("latitude", []).append(
            _("Ce point est hors du territoire de %(authority)s : placez-le dans son contour.")
            % {"authority": campaign.authority.name}
        )
        return neighbourhood
    return neighbourhood or neighbourhood_at(territory, lat=lat, lon=lon)


def proposal_points(proposals: Iterable[Proposal]) -> list[MapPoint]:
    return [
        MapPoint(
            lat=float(p.latitude),
            lon=float(p.longitude),
            label=f"{p.public_reference} · {p.title}",
            url=p.get_absolute_url(),
        )
        for p in proposals
        if p.has_point
    ]


def proposals_map(campaign: Campaign, proposals, *, label: str, div_id: str) -> dict:
    """The context of a page's map of some of the campaign's proposals (never hidden ones):
    `located`, the proposals with a point or a neighbourhood (the map's table), and `map`."""
    located = list(
        proposals.exclude(status=Proposal.Status.HIDDEN).located().select_related("campaign")
    )
    return {
        "located": located,
        "map": map_div(
            authority=campaign.authority,
            points=proposal_points(located),
            label=label,
            div_id=div_id,
        ),
    }


def picker(*, marker_label: str = "") -> Pick:
    """The picking of a point on a form with `latitude` and `longitude` fields (the deposit
    of a proposal, an event of the agenda)."""
    return Pick(
        lat_input="id_latitude",
        lon_input="id_longitude",
        status="map-pick-status",
        placed_text=_("Point placé : latitude {lat}, longitude {lon}."),
        cleared_text=_("Point retiré de la carte."),
        marker_label=marker_label or _("Emplacement de la proposition"),
    )

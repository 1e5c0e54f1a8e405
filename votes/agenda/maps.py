"""The events of a campaign as points of its maps (budget/maps.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from budget.maps import MapPoint
from votes.agenda.models import Event


def event_points(events: Iterable[Event]) -> list[MapPoint]:
    return [
        MapPoint(
            lat=float(e.latitude),
            lon=float(e.longitude),
            label=_("Rendez-vous : %(title)s") % {"title": e.title},
            url=e.get_absolute_url(),
        )
        for e in events
        if e.has_point
    ]

"""Events built in code for the agenda tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from votes.agenda.models import Event


def make_event(campaign, **fields) -> Event:
    start = fields.pop("starts_at", None) or timezone.now() + dt.timedelta(days=3)
    fields.setdefault("ends_at", start + dt.timedelta(hours=2))
    fields.setdefault("title", "Réunion publique")
    fields.setdefault("place", "Salle des fêtes")
    fields.setdefault("kind", Event.Kind.PUBLIC_MEETING)
    return Event.objects.create(campaign=campaign, starts_at=start, **fields)

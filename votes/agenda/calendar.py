"""iCalendar files of the agenda (RFC 5545, with the `icalendar` package): one per event and
one feed per campaign, which calendar applications subscribe to. Built from the events only;
the view wraps the bytes in a response."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vGeo
from icalendar import Event as ICalEvent

from votes.agenda.models import Event

PRODID = "-//Arbitrages//Agenda des campagnes//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _accessibility(event: Event) -> str:
    parts = []
    if event.step_free:
        parts.append(_("accès de plain-pied"))
    if event.lsf_interpreter:
        parts.append(_("interprète en langue des signes (LSF)"))
    if event.accessibility_notes:
        parts.append(event.accessibility_notes)
    return "; ".join(parts)


def _vevent(event: Event, *, url: str, stamp: dt.datetime) -> ICalEvent:
    item = ICalEvent()
    item.add("uid", f"{event.uid}@arbitrages")
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at.astimezone(dt.UTC))
    item.add("dtend", event.ends_at.astimezone(dt.UTC))
    item.add("summary", event.title)
    item.add("location", event.place)
    item.add("categories", [event.get_kind_display()])
    item.add("url", url)
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    description = [event.description] if event.description else []
    accessibility = _accessibility(event)
    if accessibility:
        description.append(_("Accessibilité : %(what)s.") % {"what": accessibility})
    description.append(url)
    item.add("description", "\n\n".join(description))
    if event.has_point:
        item.add("geo", vGeo((float(event.latitude), float(event.longitude))))
    return item


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def event_ics(event: Event, *, url: str) -> bytes:
    calendar = _calendar(event.title)
    calendar.add_component(_vevent(event, url=url, stamp=timezone.now()))
    return calendar.to_ical()


def campaign_ics(name: str, events: Iterable[tuple[Event, str]]) -> bytes:
    """The feed: every event of the campaign with the address of its page."""
    calendar = _calendar(name)
    stamp = timezone.now()
    for event, url in events:
        calendar.add_component(_vevent(event, url=url, stamp=stamp))
    return calendar.to_ical()

"""The iCalendar feed of a campaign and the .ics of an event, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.votes.agenda.factories import make_event
from tests.votes.factories import make_campaign
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


def parse(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_feed_lists_every_event_of_the_campaign(client):
    campaign = make_campaign(slug="bi-2026", title="Budget inversé 2026")
    start = timezone.make_aware(dt.datetime(2026, 12, 9, 18, 30))
    meeting = make_event(
        campaign,
        title="Réunion publique",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Salle des fêtes",
        latitude=Decimal("47.870400"),
        longitude=Decimal("2.300900"),
        step_free=True,
        lsf_interpreter=True,
    )
    make_event(campaign, title="Soirée des résultats")
    make_event(make_campaign(), title="Une autre campagne")

    calendar = parse(client.get(reverse("votes:agenda_ics", kwargs={"slug": "bi-2026"})))

    events = calendar.walk("VEVENT")
    assert str(calendar["X-WR-CALNAME"]) == "Budget inversé 2026"
    assert sorted(str(e["SUMMARY"]) for e in events) == ["Réunion publique", "Soirée des résultats"]
    first = next(e for e in events if str(e["SUMMARY"]) == "Réunion publique")
    assert first.decoded("DTSTART") == start
    assert first.decoded("DTEND") == start + dt.timedelta(hours=2)
    assert str(first["UID"]) == f"{meeting.uid}@arbitrages"
    assert str(first["LOCATION"]) == "Salle des fêtes"
    assert (first["GEO"].latitude, first["GEO"].longitude) == (47.8704, 2.3009)
    assert "interprète en langue des signes (LSF)" in str(first["DESCRIPTION"])
    assert str(first["URL"]).endswith(meeting.get_absolute_url())


def test_one_event_has_its_own_ics(client):
    campaign = make_campaign()
    event = make_event(campaign, title="Atelier du panel")

    response = client.get(
        reverse("votes:event_ics", kwargs={"slug": campaign.slug, "pk": event.pk})
    )

    events = parse(response).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Atelier du panel"]
    assert "GEO" not in events[0]


def test_the_uid_stays_when_the_event_changes(client):
    campaign = make_campaign()
    event = make_event(campaign, title="Avant")
    url = reverse("votes:event_ics", kwargs={"slug": campaign.slug, "pk": event.pk})
    before = parse(client.get(url)).walk("VEVENT")[0]["UID"]

    event.title = "Après"
    event.save()
    after = parse(client.get(url)).walk("VEVENT")[0]

    assert (str(after["UID"]), str(after["SUMMARY"])) == (str(before), "Après")


def test_a_draft_campaign_has_no_feed(client):
    campaign = make_campaign(phase=Phase.DRAFT)
    make_event(campaign)

    response = client.get(reverse("votes:agenda_ics", kwargs={"slug": campaign.slug}))

    assert response.status_code == 404

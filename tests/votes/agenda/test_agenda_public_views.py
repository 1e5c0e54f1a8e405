"""The public pages of the agenda: the agenda, an event, registering, cancelling by link, and
the next events on the campaign page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.votes.agenda.factories import make_event
from tests.votes.factories import make_campaign
from votes.agenda.models import Registration
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


def event_url(event, name: str = "votes:event") -> str:
    return reverse(name, kwargs={"slug": event.campaign.slug, "pk": event.pk})


def test_the_agenda_lists_coming_and_past_events_with_their_map(client):
    campaign = make_campaign()
    make_event(
        campaign,
        title="Atelier LSF",
        lsf_interpreter=True,
        latitude=Decimal("47.1"),
        longitude=Decimal("2.1"),
    )
    make_event(campaign, title="Réunion passée", starts_at=timezone.now() - dt.timedelta(days=9))

    html = client.get(reverse("votes:agenda", kwargs={"slug": campaign.slug})).content.decode()

    coming, past = html.split("Passés", 1)
    assert "Atelier LSF" in coming and "Réunion passée" in past
    assert 'id="agenda-map"' in html
    assert "Rendez-vous : Atelier LSF" in html  # its point on the map
    assert reverse("votes:agenda_ics", kwargs={"slug": campaign.slug}) in html


def test_a_draft_campaign_has_no_public_agenda(client):
    campaign = make_campaign(phase=Phase.DRAFT)
    event = make_event(campaign)

    assert client.get(reverse("votes:agenda", kwargs={"slug": campaign.slug})).status_code == 404
    assert client.get(event_url(event)).status_code == 404


def test_an_event_of_another_campaign_is_not_found(client):
    event = make_event(make_campaign())
    other = make_campaign()

    response = client.get(reverse("votes:event", kwargs={"slug": other.slug, "pk": event.pk}))

    assert response.status_code == 404


def test_the_event_page_says_access_and_seats(client):
    event = make_event(
        make_campaign(),
        step_free=True,
        lsf_interpreter=True,
        accessibility_notes="Boucle magnétique",
        registration_enabled=True,
        capacity=10,
    )

    html = client.get(event_url(event)).content.decode()

    assert "Accès de plain-pied" in html
    assert "Interprète LSF" in html
    assert "Boucle magnétique" in html
    assert "10 places restantes." in html


def test_someone_without_account_registers_and_lands_on_the_cancel_page(
    client, django_capture_on_commit_callbacks
):
    event = make_event(make_campaign(), registration_enabled=True, capacity=10)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event_url(event, "votes:event_register"), {"name": "Awa", "email": "awa@example.org"}
        )

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == registration.get_cancel_url()
    assert len(mail.outbox) == 1
    assert registration.get_cancel_url() in mail.outbox[0].body


def test_a_bad_registration_shows_the_errors_in_place(client):
    event = make_event(make_campaign(), registration_enabled=True)

    response = client.post(
        event_url(event, "votes:event_register"), {"name": "Awa", "email": "pas-une-adresse"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Vous n&#x27;êtes pas inscrit·e" in html or "Vous n'êtes pas inscrit·e" in html
    assert 'value="Awa"' in html
    assert not Registration.objects.exists()


def test_a_full_event_refuses_in_words(client):
    event = make_event(make_campaign(), registration_enabled=True, capacity=1)
    Registration.objects.create(event=event, name="Léo", email="leo@example.org")

    response = client.post(
        event_url(event, "votes:event_register"), {"name": "Awa", "email": "awa@example.org"}
    )

    assert "Ce rendez-vous est complet : il ne reste aucune place." in response.content.decode()
    assert Registration.objects.count() == 1


def test_an_account_sees_its_registration_and_its_cancel_link(client):
    event = make_event(make_campaign(), registration_enabled=True)
    user = make_user(email="compte@example.org")
    client.force_login(user)
    client.post(
        event_url(event, "votes:event_register"), {"name": "Compte", "email": "compte@example.org"}
    )

    html = client.get(event_url(event)).content.decode()

    registration = Registration.objects.get(user=user)
    assert "Vous êtes inscrit·e (compte@example.org)." in html
    assert registration.get_cancel_url() in html


def test_the_cancel_link_frees_the_seat_without_login(client):
    event = make_event(make_campaign(), registration_enabled=True, capacity=1)
    registration = Registration.objects.create(event=event, name="Awa", email="awa@example.org")

    page = client.get(registration.get_cancel_url())
    response = client.post(registration.get_cancel_url())

    registration.refresh_from_db()
    assert "Annuler mon inscription" in page.content.decode()
    assert response.status_code == 302
    assert registration.cancelled_at is not None


def test_an_unknown_cancel_link_is_not_found(client):
    response = client.get(
        reverse(
            "votes:registration_cancel", kwargs={"token": "7d3c1f62-3f0e-4c55-9a40-6b1f8f0f4e1a"}
        )
    )

    assert response.status_code == 404


def test_registrations_are_rate_limited(client, settings):
    settings.RATE_LIMITS = {"event_register": {"target": (1, 3600)}}
    event = make_event(make_campaign(), registration_enabled=True)
    other = make_event(event.campaign, registration_enabled=True)
    client.post(
        event_url(event, "votes:event_register"), {"name": "Awa", "email": "awa@example.org"}
    )

    response = client.post(
        event_url(other, "votes:event_register"), {"name": "Awa", "email": "awa@example.org"}
    )

    assert response.status_code == 429
    assert Registration.objects.count() == 1


def test_the_campaign_page_shows_the_next_events(client):
    campaign = make_campaign()
    for day in (1, 2, 3, 4):
        make_event(
            campaign, title=f"Rendez-vous {day}", starts_at=timezone.now() + dt.timedelta(days=day)
        )
    make_event(campaign, title="Déjà passé", starts_at=timezone.now() - dt.timedelta(days=5))

    html = client.get(reverse("votes:campaign", kwargs={"slug": campaign.slug})).content.decode()

    assert "Prochains rendez-vous" in html
    assert [f"Rendez-vous {d}" in html for d in (1, 2, 3, 4)] == [True, True, True, False]
    assert "Déjà passé" not in html
    assert reverse("votes:agenda", kwargs={"slug": campaign.slug}) in html


def test_the_proposals_map_shows_the_coming_events(client):
    campaign = make_campaign()
    make_event(campaign, title="Atelier", latitude=Decimal("47.1"), longitude=Decimal("2.1"))

    html = client.get(
        reverse("votes:proposal_list", kwargs={"slug": campaign.slug})
    ).content.decode()

    assert "Rendez-vous : Atelier" in html

"""The team's screens of the agenda: who reaches them, and what they write."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.agenda.factories import make_event
from tests.votes.factories import make_campaign, make_commune, make_voter
from votes.agenda.models import Event, Registration

pytestmark = pytest.mark.django_db

DENIED = [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)]


def screens(event) -> dict[str, str]:
    slug = event.campaign.slug
    return {
        "list": reverse("votes:agenda_admin", kwargs={"slug": slug}),
        "create": reverse("votes:agenda_event_create", kwargs={"slug": slug}),
        "edit": reverse("votes:agenda_event_edit", kwargs={"slug": slug, "pk": event.pk}),
        "delete": reverse("votes:agenda_event_delete", kwargs={"slug": slug, "pk": event.pk}),
    }


def form_data(**extra) -> dict:
    return {
        "kind": "public_meeting",
        "title": "Réunion publique",
        "description": "",
        "starts_at": "2030-03-02T18:30",
        "ends_at": "2030-03-02T20:00",
        "place": "Salle des fêtes",
        "latitude": "",
        "longitude": "",
        "accessibility_notes": "",
        "capacity": "",
        **extra,
    }


@pytest.mark.parametrize("screen", ["list", "create", "edit", "delete"])
def test_anonymous_visitors_are_sent_to_log_in(client, screen):
    event = make_event(make_campaign())

    response = client.post(screens(event)[screen], form_data(title="Piraté"))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert Event.objects.get().title == "Réunion publique"


@pytest.mark.parametrize("roles", DENIED)
@pytest.mark.parametrize("screen", ["list", "create", "edit", "delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_roles_outside_the_agenda_get_403(client, roles, screen, method):
    event = make_event(make_campaign())
    client.force_login(make_user(roles=roles))

    response = getattr(client, method)(screens(event)[screen], form_data(title="Piraté"))

    assert response.status_code == 403
    assert list(Event.objects.values_list("title", flat=True)) == ["Réunion publique"]


def test_a_citizen_account_gets_403(client):
    campaign = make_campaign()
    event = make_event(campaign)
    client.force_login(make_voter(commune=make_commune(campaign.authority)))

    assert client.get(screens(event)["list"]).status_code == 403


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_the_team_creates_an_event_with_its_point_and_access(client, role):
    campaign = make_campaign()
    client.force_login(make_user(roles=(role,)))

    response = client.post(
        reverse("votes:agenda_event_create", kwargs={"slug": campaign.slug}),
        form_data(
            kind="panel_workshop",
            latitude="47.1",
            longitude="2.1",
            lsf_interpreter="on",
            step_free="on",
            registration_enabled="on",
            capacity="20",
        ),
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.kind, event.lsf_interpreter, event.step_free, event.capacity) == (
        "panel_workshop",
        True,
        True,
        20,
    )
    assert str(event.latitude) == "47.100000"


def test_the_form_shows_the_errors_in_place_and_writes_nothing(client):
    campaign = make_campaign()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post(
        reverse("votes:agenda_event_create", kwargs={"slug": campaign.slug}),
        form_data(ends_at="2030-03-02T17:00", capacity="12"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "La fin doit venir après le début." in html
    assert "Un nombre de places suppose l&#x27;inscription" in html
    assert 'value="Salle des fêtes"' in html
    assert not Event.objects.exists()


def test_the_team_edits_an_event_and_sees_who_registered(client):
    event = make_event(make_campaign(), registration_enabled=True)
    Registration.objects.create(event=event, name="Awa", email="awa@example.org")
    client.force_login(make_user(roles=(FACILITATOR,)))
    url = screens(event)["edit"]

    page = client.get(url).content.decode()
    response = client.post(url, form_data(title="Réunion déplacée", registration_enabled="on"))

    event.refresh_from_db()
    assert "awa@example.org" in page
    assert response.status_code == 302
    assert event.title == "Réunion déplacée"


def test_the_team_deletes_an_event_after_confirming(client):
    event = make_event(make_campaign())
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    confirm = client.get(screens(event)["delete"])
    response = client.post(screens(event)["delete"])

    assert "Supprimer « Réunion publique » ?" in confirm.content.decode()
    assert response.status_code == 302
    assert not Event.objects.exists()


def test_an_event_of_another_campaign_is_not_found(client):
    event = make_event(make_campaign())
    other = make_campaign()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.get(
        reverse("votes:agenda_event_edit", kwargs={"slug": other.slug, "pk": event.pk})
    )

    assert response.status_code == 404


def test_an_empty_form_says_what_is_required(client):
    campaign = make_campaign()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post(reverse("votes:agenda_event_create", kwargs={"slug": campaign.slug}))

    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Event.objects.exists()

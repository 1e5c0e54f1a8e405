"""votes/agenda/services.py: the team's events and anyone's registrations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.agenda.factories import make_event
from tests.votes.factories import make_campaign
from votes.agenda.models import Event, Registration
from votes.agenda.services import (
    event_create,
    event_delete,
    event_update,
    registration_cancel,
    registration_create,
    seats_left,
)

pytestmark = pytest.mark.django_db


def fields(**extra) -> dict:
    start = timezone.now() + dt.timedelta(days=5)
    return {
        "kind": Event.Kind.PANEL_WORKSHOP,
        "title": "Atelier du panel",
        "description": "",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3),
        "place": "Médiathèque",
        "latitude": None,
        "longitude": None,
        "step_free": True,
        "lsf_interpreter": True,
        "accessibility_notes": "",
        "registration_enabled": True,
        "capacity": 2,
        **extra,
    }


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_the_team_creates_an_event(role):
    campaign = make_campaign()

    event = event_create(campaign=campaign, by=make_user(roles=(role,)), **fields())

    assert Event.objects.get() == event
    assert (event.lsf_interpreter, event.capacity) == (True, 2)


@pytest.mark.parametrize("roles", [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)])
def test_other_roles_cannot_create_update_or_delete(roles):
    campaign = make_campaign()
    event = make_event(campaign)
    user = make_user(roles=roles)

    with pytest.raises(PermissionDenied):
        event_create(campaign=campaign, by=user, **fields())
    with pytest.raises(PermissionDenied):
        event_update(event=event, by=user, title="Changé")
    with pytest.raises(PermissionDenied):
        event_delete(event=event, by=user)

    assert list(Event.objects.values_list("title", flat=True)) == ["Réunion publique"]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"ends_at": timezone.now()}, "ends_at", "La fin doit venir après le début."),
        ({"latitude": Decimal("47.1")}, "latitude", "ou aucune"),
        ({"capacity": 10, "registration_enabled": False}, "capacity", "suppose l'inscription"),
    ],
)
def test_a_bad_event_is_refused_in_words_and_nothing_is_written(extra, field, message):
    campaign = make_campaign()

    with pytest.raises(ValidationError) as refused:
        event_create(campaign=campaign, by=make_user(roles=(ADMINISTRATOR,)), **fields(**extra))

    assert message in " ".join(refused.value.message_dict[field])
    assert not Event.objects.exists()


def test_the_capacity_cannot_go_below_the_registered():
    event = make_event(make_campaign(), registration_enabled=True, capacity=3)
    for n in range(2):
        registration_create(event=event, name=f"P{n}", email=f"p{n}@example.org")

    with pytest.raises(ValidationError) as refused:
        event_update(event=event, by=make_user(roles=(ADMINISTRATOR,)), capacity=1)

    assert "2 personnes sont déjà inscrites" in " ".join(refused.value.messages)
    event.refresh_from_db()
    assert event.capacity == 3


@pytest.mark.parametrize(
    ("constraint", "changes"),
    [
        ("votes_event_ends_after_start", {"ends_at": timezone.now() - dt.timedelta(days=30)}),
        ("votes_event_capacity_positive", {"capacity": 0}),
        ("votes_event_latitude_range", {"latitude": Decimal("-91"), "longitude": Decimal("2")}),
        ("votes_event_longitude_range", {"latitude": Decimal("47"), "longitude": Decimal("200")}),
        ("votes_event_point_complete", {"longitude": Decimal("2")}),
    ],
)
def test_the_database_refuses_an_impossible_event(constraint, changes):
    event = make_event(make_campaign())

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(**changes)


def test_a_registration_takes_a_seat_and_sends_the_cancellation_link(
    django_capture_on_commit_callbacks,
):
    event = make_event(make_campaign(), registration_enabled=True, capacity=2)

    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            event=event, name="Awa", email="Awa@Example.org", cancel_url_base="https://x.fr"
        )

    assert registration.email == "awa@example.org"
    assert seats_left(event) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["awa@example.org"]
    assert f"https://x.fr/agenda/inscriptions/{registration.token}/" in mail.outbox[0].body


def test_an_account_registers_with_its_address():
    event = make_event(make_campaign(), registration_enabled=True)
    user = make_user(email="compte@example.org")

    registration = registration_create(event=event, name="Compte", email="", user=user)

    assert (registration.user, registration.email) == (user, "compte@example.org")


@pytest.mark.parametrize(
    ("event_fields", "message"),
    [
        ({"registration_enabled": False}, "sans inscription"),
        (
            {"registration_enabled": True, "starts_at": timezone.now() - dt.timedelta(days=2)},
            "est passé",
        ),
    ],
)
def test_registration_is_refused_when_closed(event_fields, message):
    event = make_event(make_campaign(), **event_fields)

    with pytest.raises(ValidationError, match=message):
        registration_create(event=event, name="Awa", email="awa@example.org")

    assert not Registration.objects.exists()


def test_a_full_event_refuses_one_more():
    event = make_event(make_campaign(), registration_enabled=True, capacity=1)
    registration_create(event=event, name="Awa", email="awa@example.org")

    with pytest.raises(ValidationError, match="complet"):
        registration_create(event=event, name="Léo", email="leo@example.org")

    assert Registration.objects.count() == 1


def test_one_address_registers_once_until_it_cancels():
    event = make_event(make_campaign(), registration_enabled=True)
    first = registration_create(event=event, name="Awa", email="awa@example.org")

    with pytest.raises(ValidationError) as refused:
        registration_create(event=event, name="Awa", email="AWA@example.org")
    registration_cancel(registration=first)
    again = registration_create(event=event, name="Awa", email="awa@example.org")

    assert "déjà inscrite" in " ".join(refused.value.message_dict["email"])
    assert again.pk != first.pk


def test_a_missing_name_is_refused():
    event = make_event(make_campaign(), registration_enabled=True)

    with pytest.raises(ValidationError) as refused:
        registration_create(event=event, name="  ", email="awa@example.org")

    assert refused.value.message_dict["name"] == ["Indiquez votre nom."]
    assert not Registration.objects.exists()


def test_cancelling_frees_the_seat_and_cannot_be_done_twice():
    event = make_event(make_campaign(), registration_enabled=True, capacity=1)
    registration = registration_create(event=event, name="Awa", email="awa@example.org")

    registration_cancel(registration=registration)
    with pytest.raises(ValidationError, match="déjà annulée"):
        registration_cancel(registration=registration)

    assert seats_left(event) == 1


def test_deleting_an_event_tells_those_registered(django_capture_on_commit_callbacks):
    event = make_event(make_campaign(), registration_enabled=True, title="Atelier")
    registration_create(event=event, name="Awa", email="awa@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_delete(event=event, by=make_user(roles=(ADMINISTRATOR,)))

    assert not Event.objects.exists()
    assert [m.subject for m in mail.outbox] == ["Rendez-vous annulé : Atelier"]

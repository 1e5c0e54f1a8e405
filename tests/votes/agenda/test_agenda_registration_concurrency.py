"""The last seat of an event, asked for twice at the same instant: one registration only
(the row lock of registration_create; PostgreSQL, or SQLite's single writer)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import run_together
from tests.votes.agenda.factories import make_event
from tests.votes.factories import make_campaign
from votes.agenda.models import Registration
from votes.agenda.services import registration_create

pytestmark = pytest.mark.postgres  # also runs on SQLite: see concurrent_database


def test_two_people_asking_for_the_last_seat_get_one_registration(concurrent_database):
    event = make_event(make_campaign(), registration_enabled=True, capacity=1)

    results, errors = run_together(
        [
            lambda: registration_create(event=event, name="Awa", email="awa@example.org"),
            lambda: registration_create(event=event, name="Léo", email="leo@example.org"),
        ]
    )

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "complet" in " ".join(errors[0].messages)
    assert Registration.objects.count() == 1

"""config.sessions: Django's database sessions, read by one hand-written statement."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.sessions import SessionStore
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_session_written_by_djangos_engine_reads_the_same():
    written = DjangoStore()
    written["panier"] = {"a": 1}
    written.create()

    read = SessionStore(written.session_key)

    assert read["panier"] == {"a": 1}
    assert read.session_key == written.session_key


def test_an_expired_session_is_read_empty_and_its_key_forgotten():
    written = DjangoStore()
    written["panier"] = 1
    written.create()
    Session.objects.filter(session_key=written.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    read = SessionStore(written.session_key)

    assert dict(read.items()) == {}
    assert read.session_key is None


def test_an_unknown_key_is_read_empty_and_nothing_is_written():
    read = SessionStore("x" * 32)

    assert dict(read.items()) == {}
    assert read.session_key is None
    assert not Session.objects.exists()


def test_a_signed_in_visitor_stays_signed_in_and_is_signed_out(client):
    user = make_user()
    client.force_login(user)

    assert client.get("/").wsgi_request.user == user
    client.post("/deconnexion/")
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert not Session.objects.exists()

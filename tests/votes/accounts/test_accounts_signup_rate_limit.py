"""Sign-up: every attempt counts, per address and per e-mail address (then HTTP 429)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.factories import make_authority
from tests.votes.accounts.test_accounts_signup import URL, _form
from tests.votes.factories import make_commune
from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused, small_limits

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return make_commune(make_authority(name="Montargis"), name="Montargis")


def sign_up(client, commune, email: str, **extra):
    pseudonym = email.split("@")[0].lower().replace(".", "_")
    response = client.post(URL, _form(commune, email=email, pseudonym=pseudonym), **extra)
    client.logout()  # a signed-up visitor is logged in, and sent away from the form
    return response


def test_fifty_sign_ups_from_one_address_stop_at_the_default_limit(client, commune, mailoutbox):

    responses = [sign_up(client, commune, f"robot{n}@example.org") for n in range(50)]

    assert [r.status_code for r in responses[:10]] == [302] * 10
    assert_refused(responses[10])
    assert {r.status_code for r in responses[10:]} == {429}
    assert User.objects.count() == 10
    assert len(mailoutbox) == 10


def test_the_attempt_after_the_limit_writes_nothing(client, commune, settings, mailoutbox):
    small_limits(settings, "signup", ip=2)
    sign_up(client, commune, "jeanne.un@example.org")
    sign_up(client, commune, "jeanne.deux@example.org")

    response = sign_up(client, commune, "jeanne.trois@example.org")

    assert_refused(response)
    assert not User.objects.filter(email="jeanne.trois@example.org").exists()
    assert len(mailoutbox) == 2


def test_another_address_still_signs_up(client, commune, settings):
    small_limits(settings, "signup", ip=2)
    sign_up(client, commune, "jeanne.un@example.org")
    sign_up(client, commune, "jeanne.deux@example.org")

    response = sign_up(client, commune, "jeanne.trois@example.org", REMOTE_ADDR=OTHER_IP)

    assert response.status_code == 302
    assert User.objects.filter(email="jeanne.trois@example.org").exists()


def test_one_e_mail_address_tried_from_many_addresses_is_stopped(client, commune, settings):
    small_limits(settings, "signup", ip=100, target=2)
    for n in range(2):
        # Refused as a duplicate after the first, but every attempt counts.
        sign_up(client, commune, "Cible@example.org", REMOTE_ADDR=f"198.51.100.{n}")

    assert_refused(sign_up(client, commune, "cible@example.org", REMOTE_ADDR=OTHER_IP))
    assert sign_up(client, commune, "autre@example.org", REMOTE_ADDR=OTHER_IP).status_code == 302

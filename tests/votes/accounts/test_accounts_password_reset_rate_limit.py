"""Password reset: every request counts, per address and per e-mail address (then 429)."""

from __future__ import annotations

import pytest

from tests.votes.accounts.test_accounts_password_reset import URL
from tests.votes.factories import make_voter
from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused, small_limits

pytestmark = pytest.mark.django_db

EMAIL = "jeanne@example.org"


@pytest.fixture
def voters():
    return [
        make_voter(outside_territory=True, username=email, email=email)
        for email in (EMAIL, "paul@example.org")
    ]


def test_fifty_resets_to_one_address_send_three_mails(client, voters, mailoutbox):
    responses = [
        client.post(URL, {"email": EMAIL}, REMOTE_ADDR=f"198.51.100.{n}") for n in range(50)
    ]

    assert [r.status_code for r in responses[:3]] == [302] * 3
    assert_refused(responses[3])
    assert {r.status_code for r in responses[3:]} == {429}
    assert len(mailoutbox) == 3


def test_the_request_after_the_address_limit_sends_nothing(client, voters, settings, mailoutbox):
    small_limits(settings, "password_reset", ip=2)
    client.post(URL, {"email": EMAIL})
    client.post(URL, {"email": "inconnu@example.org"})

    response = client.post(URL, {"email": "paul@example.org"})

    assert_refused(response)
    assert len(mailoutbox) == 1


def test_another_address_still_asks_for_a_link(client, voters, settings, mailoutbox):
    small_limits(settings, "password_reset", ip=2)
    client.post(URL, {"email": "inconnu@example.org"})
    client.post(URL, {"email": "inconnu@example.org"})

    response = client.post(URL, {"email": EMAIL}, REMOTE_ADDR=OTHER_IP)

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[EMAIL]]


def test_another_e_mail_address_still_gets_its_link(client, voters, settings, mailoutbox):
    small_limits(settings, "password_reset", ip=100, target=2)
    client.post(URL, {"email": EMAIL})
    client.post(URL, {"email": EMAIL})
    assert_refused(client.post(URL, {"email": EMAIL.upper()}))

    response = client.post(URL, {"email": "paul@example.org"})

    assert response.status_code == 302
    assert len(mailoutbox) == 3

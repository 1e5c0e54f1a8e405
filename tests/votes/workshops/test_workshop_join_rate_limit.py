"""/atelier/: wrong group codes are counted per address and over all workshops (then 429)."""

from __future__ import annotations

import pytest

from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused, small_limits
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.workshops.services import SESSION_KEY

pytestmark = pytest.mark.django_db

URL = "/atelier/"


@pytest.fixture
def setup():
    setup = make_workshop_setup()
    make_group(setup, "Table 1", join_code="CANARD")
    return setup


def test_after_too_many_wrong_codes_even_the_right_one_is_refused(client, settings, setup):
    small_limits(settings, "workshop_join", ip=3)
    for _ in range(3):
        assert client.post(URL, {"code": "XXXXXX"}).status_code == 400

    response = client.post(URL, {"code": "CANARD"})

    assert_refused(response)
    assert SESSION_KEY not in client.session


def test_right_codes_are_not_counted(client, settings, setup):
    small_limits(settings, "workshop_join", ip=2)

    for _ in range(4):
        assert client.post(URL, {"code": "CANARD"}).status_code == 302


def test_another_address_still_joins(client, settings, setup):
    small_limits(settings, "workshop_join", ip=2)
    for _ in range(2):
        client.post(URL, {"code": "XXXXXX"})

    assert client.post(URL, {"code": "CANARD"}, REMOTE_ADDR=OTHER_IP).status_code == 302


def test_guesses_spread_over_addresses_are_stopped_for_all_workshops(client, settings, setup):
    small_limits(settings, "workshop_join", ip=100, target=3)
    for n in range(3):
        client.post(URL, {"code": "XXXXXX"}, REMOTE_ADDR=f"198.51.100.{n}")

    assert_refused(client.post(URL, {"code": "CANARD"}, REMOTE_ADDR=OTHER_IP))

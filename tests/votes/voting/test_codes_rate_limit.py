"""Voting-code entry: wrong codes are counted per address and per campaign (then HTTP 429)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused, small_limits
from tests.votes.voting.test_codes_ballot import printed_codes
from tests.votes.voting.test_codes_services import voting_campaign
from votes.voting.views_codes import SESSION_KEY

pytestmark = pytest.mark.django_db

WRONG = "AAAA-AAAA-AAAA"


def enter_url(campaign) -> str:
    return reverse("votes:code_enter", kwargs={"slug": campaign.slug})


def test_after_too_many_wrong_codes_even_a_good_one_is_refused(client, settings):
    small_limits(settings, "code_entry", ip=3)
    campaign = voting_campaign()
    code = printed_codes(campaign, size=1)[0]
    for _ in range(3):
        assert client.post(enter_url(campaign), {"code": WRONG}).status_code == 400

    response = client.post(enter_url(campaign), {"code": code})

    assert_refused(response)
    assert SESSION_KEY not in client.session


def test_good_codes_are_not_counted(client, settings):
    small_limits(settings, "code_entry", ip=2)
    campaign = voting_campaign()
    codes = printed_codes(campaign, size=4)

    for code in codes:
        assert client.post(enter_url(campaign), {"code": code}).status_code == 302


def test_another_address_still_enters_its_code(client, settings):
    small_limits(settings, "code_entry", ip=2)
    campaign = voting_campaign()
    code = printed_codes(campaign, size=1)[0]
    for _ in range(2):
        client.post(enter_url(campaign), {"code": WRONG})

    response = client.post(enter_url(campaign), {"code": code}, REMOTE_ADDR=OTHER_IP)

    assert response.status_code == 302


def test_guesses_spread_over_addresses_are_stopped_per_campaign(client, settings):
    small_limits(settings, "code_entry", ip=100, target=3)
    campaign = voting_campaign()
    code = printed_codes(campaign, size=1)[0]
    for n in range(3):
        client.post(enter_url(campaign), {"code": WRONG}, REMOTE_ADDR=f"198.51.100.{n}")

    assert_refused(client.post(enter_url(campaign), {"code": code}, REMOTE_ADDR=OTHER_IP))


def test_another_campaign_is_not_stopped_by_guesses_on_the_first(client, settings):
    small_limits(settings, "code_entry", ip=100, target=2)
    first, second = voting_campaign(), voting_campaign()
    code = printed_codes(second, size=1)[0]
    for n in range(2):
        client.post(enter_url(first), {"code": WRONG}, REMOTE_ADDR=f"198.51.100.{n}")

    assert client.post(enter_url(second), {"code": code}).status_code == 302

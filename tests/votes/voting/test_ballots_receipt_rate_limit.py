"""Receipt check: unknown receipts are counted per address and per campaign (then 429)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.votes.factories import make_campaign, make_category, make_commune, make_voter
from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused, small_limits
from tests.votes.voting.test_ballots_receipt import on_ballot
from votes.campaigns.models import Campaign, Phase
from votes.voting.ballots import ballot_add
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign() -> Campaign:
    return make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)


@pytest.fixture
def ballot(campaign) -> Ballot:
    """A ballot of two choices."""
    voter = make_voter(commune=make_commune(campaign.authority))
    category = make_category(campaign)
    for title in ("Piscine", "Skatepark"):
        ballot_add(campaign=campaign, user=voter, proposal=on_ballot(campaign, category, title))
    return Ballot.objects.get(voter=voter)


UNKNOWN = "KKKK-KKKK-KKKK"  # well formed, recorded nowhere


def check(client, campaign, receipt, **extra):
    url = reverse("votes:ballot_receipt", kwargs={"slug": campaign.slug})
    return client.get(url, {"recu": receipt}, **extra)


def test_after_too_many_unknown_receipts_the_check_is_refused(client, settings, campaign, ballot):
    small_limits(settings, "receipt_check", ip=3)
    for _ in range(3):
        assert check(client, campaign, UNKNOWN).status_code == 200

    response = check(client, campaign, ballot.receipt)

    assert_refused(response)
    assert "2 choix" not in response.content.decode()


def test_known_receipts_are_not_counted(client, settings, campaign, ballot):
    small_limits(settings, "receipt_check", ip=2)

    for _ in range(4):
        assert check(client, campaign, ballot.receipt).status_code == 200


def test_another_address_still_checks_its_receipt(client, settings, campaign, ballot):
    small_limits(settings, "receipt_check", ip=2)
    for _ in range(2):
        check(client, campaign, UNKNOWN)

    assert check(client, campaign, ballot.receipt, REMOTE_ADDR=OTHER_IP).status_code == 200


def test_another_campaign_is_not_stopped_by_guesses_on_the_first(client, settings, campaign):
    small_limits(settings, "receipt_check", ip=100, target=2)
    other = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)
    for n in range(2):
        check(client, campaign, UNKNOWN, REMOTE_ADDR=f"198.51.100.{n}")

    assert_refused(check(client, campaign, UNKNOWN, REMOTE_ADDR=OTHER_IP))
    assert check(client, other, UNKNOWN, REMOTE_ADDR=OTHER_IP).status_code == 200

"""Proposal deposit: every attempt counts, per address and per account (then HTTP 429)."""

from __future__ import annotations

import pytest

from tests.votes.factories import make_commune, make_voter
from tests.votes.proposals.test_proposals_create_view import setup, url, valid_data
from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused, small_limits
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def deposit(client, campaign, category, n: int, **extra):
    return client.post(url(campaign), valid_data(category, title=f"Idée numéro {n}"), **extra)


def test_the_deposit_after_the_limit_writes_nothing(client, settings):
    small_limits(settings, "proposal_create", ip=2)
    campaign, category, voter = setup()
    client.force_login(voter)
    deposit(client, campaign, category, 1)
    deposit(client, campaign, category, 2)

    response = deposit(client, campaign, category, 3)

    assert_refused(response)
    assert Proposal.objects.count() == 2


def test_another_address_still_deposits(client, settings):
    small_limits(settings, "proposal_create", ip=2)
    campaign, category, voter = setup()
    client.force_login(voter)
    deposit(client, campaign, category, 1)
    deposit(client, campaign, category, 2)

    response = deposit(client, campaign, category, 3, REMOTE_ADDR=OTHER_IP)

    assert response.status_code == 302
    assert Proposal.objects.count() == 3


def test_one_account_is_stopped_whatever_its_address(client, settings):
    small_limits(settings, "proposal_create", ip=100, target=2)
    campaign, category, voter = setup()
    client.force_login(voter)
    for n in range(2):
        deposit(client, campaign, category, n, REMOTE_ADDR=f"198.51.100.{n}")

    assert_refused(deposit(client, campaign, category, 3, REMOTE_ADDR=OTHER_IP))
    assert Proposal.objects.count() == 2


def test_another_account_still_deposits(client, settings):
    small_limits(settings, "proposal_create", ip=100, target=2)
    campaign, category, voter = setup()
    client.force_login(voter)
    for n in range(2):
        deposit(client, campaign, category, n)
    client.force_login(make_voter(commune=make_commune(campaign.authority)))

    assert deposit(client, campaign, category, 3).status_code == 302
    assert Proposal.objects.count() == 3

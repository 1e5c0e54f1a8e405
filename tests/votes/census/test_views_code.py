"""A code voter in a campaign that checks its list: the four fields after the code, the same
single message, the limit, and the entry marked at the confirmation."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.votes.census.factories import JEANNE, make_census
from tests.votes.ratelimit_helpers import assert_refused, small_limits
from tests.votes.voting.test_codes_ballot import one_code
from tests.votes.voting.test_codes_services import voting_campaign
from votes.census.models import CensusEntry
from votes.census.services import mismatch_message
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db

NAME, BORN, POSTCODE = JEANNE
FIELDS = {
    "surname": "Martin",
    "given_names": "Jeanne Louise",
    "birth_date": BORN.isoformat(),
    "postcode": POSTCODE,
}


def url(name, campaign):
    return reverse(f"votes:{name}", kwargs={"slug": campaign.slug})


def enter_code(client, campaign):
    return client.post(url("code_enter", campaign), {"code": one_code(campaign)})


def test_the_code_leads_to_the_fields_then_the_ballot_and_the_entry_is_marked(client):
    campaign = voting_campaign()
    make_census(campaign)
    response = enter_code(client, campaign)
    assert response.url == url("census_code", campaign)
    # The ballot waits for the fields.
    assert client.get(url("code_ballot", campaign)).url == url("census_code", campaign)
    response = client.post(url("census_code", campaign), FIELDS)
    assert response.url == url("code_ballot", campaign)
    client.post(url("code_ballot", campaign), {"choix": ["1"]})
    response = client.post(url("code_review", campaign))
    assert response.url == url("code_done", campaign)
    assert Ballot.objects.filter(channel=Ballot.Channel.CODE).count() == 1
    assert CensusEntry.objects.get(channel=CensusEntry.Channel.CODE).voted_at is not None


def test_a_mismatch_gets_the_single_message_and_the_ballot_stays_closed(client):
    campaign = voting_campaign()
    make_census(campaign)
    enter_code(client, campaign)
    response = client.post(url("census_code", campaign), FIELDS | {"surname": "Dupont"})
    assert response.status_code == 400
    assert mismatch_message() in html.unescape(response.content.decode())
    assert client.get(url("code_ballot", campaign)).url == url("census_code", campaign)
    assert not CensusEntry.objects.exclude(channel="").exists()


def test_mismatches_with_one_code_reach_the_limit(client, settings):
    small_limits(settings, "census_verify", ip=50, target=2)
    settings.RATE_LIMITS["code_entry"] = {"ip": (50, 3600)}
    campaign = voting_campaign()
    make_census(campaign)
    enter_code(client, campaign)
    for _attempt in range(2):
        client.post(url("census_code", campaign), FIELDS | {"surname": "Dupont"})
    assert_refused(client.post(url("census_code", campaign), FIELDS))


def test_without_a_code_in_the_session_the_step_sends_back_to_the_code(client):
    campaign = voting_campaign()
    make_census(campaign)
    response = client.get(url("census_code", campaign))
    assert response.url == url("code_enter", campaign)


def test_a_campaign_without_the_requirement_goes_straight_to_the_ballot(client):
    campaign = voting_campaign()
    make_census(campaign, required=False)
    assert enter_code(client, campaign).url == url("code_ballot", campaign)

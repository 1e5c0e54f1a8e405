"""The voter's verification: verified and unverified voters, one message for every mismatch,
the rate limit."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.votes.census.factories import JEANNE, PAUL, make_census
from tests.votes.factories import make_commune, make_voter
from tests.votes.ratelimit_helpers import assert_refused, small_limits
from tests.votes.voting.test_codes_services import voting_campaign
from votes.census.models import CensusEntry
from votes.census.services import census_verify, mismatch_message
from votes.voting.ballots import ballot_add, voter_ineligibility
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db


def voter_of(campaign):
    return make_voter(commune=make_commune(campaign.authority))


def fields(person, **changes):
    name, born, postcode = person
    surname, given = name.split(" ", 1)
    data = {
        "surname": surname,
        "given_names": given,
        "birth_date": born.isoformat(),
        "postcode": postcode,
    }
    return data | changes


def verify(client, campaign, data):
    return client.post(reverse("votes:census_verify", args=[campaign.slug]), data)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_unverified_voter_is_sent_to_the_verification_and_cannot_vote(client):
    campaign = voting_campaign()
    make_census(campaign)
    voter = voter_of(campaign)
    problem = voter_ineligibility(campaign=campaign, user=voter)
    assert problem is not None and problem.code == "census"
    client.force_login(voter)
    response = client.get(reverse("votes:ballot", args=[campaign.slug]))
    assert response.status_code == 403
    assert reverse("votes:census_verify", args=[campaign.slug]) in response.content.decode()
    proposal = campaign.proposals.get(reference=1)
    with pytest.raises(Exception, match="réservé aux personnes inscrites"):
        ballot_add(campaign=campaign, user=voter, proposal=proposal)
    assert not Ballot.objects.exists()


def test_a_voter_verifies_once_whatever_accents_and_case_then_votes(client):
    campaign = voting_campaign()
    make_census(campaign)
    voter = voter_of(campaign)
    client.force_login(voter)
    response = verify(
        client, campaign, fields(JEANNE, surname="martin", given_names="JEANNE-louise")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("votes:ballot", args=[campaign.slug])
    entry = CensusEntry.objects.get(verified_user=voter)
    assert entry.verified_at is not None and entry.voted_at is None
    assert voter_ineligibility(campaign=campaign, user=voter) is None
    ballot_add(campaign=campaign, user=voter, proposal=campaign.proposals.get(reference=1))
    entry.refresh_from_db()
    assert entry.channel == CensusEntry.Channel.ONLINE and entry.voted_at is not None


def test_a_campaign_without_the_requirement_has_no_verification_page(client):
    campaign = voting_campaign()
    make_census(campaign, required=False)
    client.force_login(voter_of(campaign))
    response = client.get(reverse("votes:census_verify", args=[campaign.slug]))
    assert response.status_code == 404


def test_every_kind_of_mismatch_gives_the_same_message_and_writes_nothing(client):
    campaign = voting_campaign()
    make_census(campaign)
    # Paul's entry is taken by another account; Jeanne's has voted on paper.
    other = voter_of(campaign)
    census_verify(campaign=campaign, user=other, name=PAUL[0], birth_date=PAUL[1], postcode=PAUL[2])
    CensusEntry.objects.filter(verified_user__isnull=True).update(
        voted_at="2026-01-01T10:00:00Z", channel="paper"
    )
    voter = voter_of(campaign)
    client.force_login(voter)
    answers = []
    for data in (
        fields(JEANNE, surname="Inconnue"),  # not on the list
        fields(PAUL),  # on the list, another account's
        fields(JEANNE),  # on the list, voted on paper
    ):
        response = verify(client, campaign, data)
        assert response.status_code == 400
        answers.append(page_text(response).count(mismatch_message()))
    assert answers == [1, 1, 1]
    assert not CensusEntry.objects.filter(verified_user=voter).exists()


def test_a_typing_problem_is_told_precisely_and_does_not_count_as_a_guess(client, settings):
    small_limits(settings, "census_verify", ip=50, target=1)
    campaign = voting_campaign()
    make_census(campaign)
    client.force_login(voter_of(campaign))
    for _attempt in range(3):
        response = verify(client, campaign, fields(JEANNE, postcode="450"))
        assert response.status_code == 400
        assert "cinq chiffres" in page_text(response)
    assert verify(client, campaign, fields(JEANNE)).status_code == 302


def test_too_young_for_the_campaign_is_refused_before_the_list_is_read(client):
    campaign = voting_campaign()
    make_census(campaign)
    client.force_login(voter_of(campaign))
    response = verify(client, campaign, fields(JEANNE, birth_date="2020-01-01"))
    assert "à partir de 16 ans" in page_text(response)
    assert not CensusEntry.objects.filter(verified_user__isnull=False).exists()


def test_a_postcode_outside_the_territory_is_refused_when_the_communes_know_theirs(client):
    campaign = voting_campaign()
    make_census(campaign)
    make_commune(campaign.authority, postal_codes="45000, 45100")
    client.force_login(voter_of(campaign))
    response = verify(client, campaign, fields(JEANNE, postcode="75011"))
    assert "n'est pas sur le territoire" in page_text(response)


def test_mismatches_reach_the_account_limit_then_even_the_right_answer_waits(client, settings):
    small_limits(settings, "census_verify", ip=50, target=3)
    campaign = voting_campaign()
    make_census(campaign)
    client.force_login(voter_of(campaign))
    for _attempt in range(3):
        assert verify(client, campaign, fields(JEANNE, surname="X")).status_code == 400
    response = verify(client, campaign, fields(JEANNE))
    assert_refused(response)
    assert not CensusEntry.objects.filter(verified_user__isnull=False).exists()


def test_mismatches_from_one_address_reach_its_limit_across_accounts(client, settings):
    small_limits(settings, "census_verify", ip=2, target=50)
    campaign = voting_campaign()
    make_census(campaign)
    for _attempt in range(2):
        client.force_login(voter_of(campaign))
        verify(client, campaign, fields(JEANNE, surname="X"))
    client.force_login(voter_of(campaign))
    assert_refused(verify(client, campaign, fields(JEANNE)))


def test_one_account_holds_one_entry(client):
    campaign = voting_campaign()
    make_census(campaign)
    voter = voter_of(campaign)
    client.force_login(voter)
    verify(client, campaign, fields(JEANNE))
    response = verify(client, campaign, fields(PAUL))
    assert response.status_code == 302
    assert list(CensusEntry.objects.filter(verified_user=voter).values_list("pk", flat=True)) == [
        CensusEntry.objects.get(verified_user=voter).pk
    ]
    assert CensusEntry.objects.filter(verified_user__isnull=False).count() == 1


def test_anonymous_visitors_log_in_first(client):
    campaign = voting_campaign()
    make_census(campaign)
    response = client.get(reverse("votes:census_verify", args=[campaign.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

"""votes.voting.ballot_hot under real concurrency: one voter's tabs clicking at the same
instant wait for each other on the account's lock (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.concurrency import run_together
from tests.votes.factories import make_campaign, make_category, make_commune, make_voter
from tests.votes.voting.test_ballots_views import on_ballot
from votes.campaigns.models import Campaign, Phase
from votes.voting.ballot_hot import ballot_add_hot, ballot_remove_hot
from votes.voting.ballots import ballot_add
from votes.voting.models import BallotLine

pytestmark = pytest.mark.postgres  # also runs on SQLite: see concurrent_database

TABS = 6


def setting():
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, slug="bp-2026")
    sport = make_category(campaign, name="Sport", vote_cap=2)
    proposals = [on_ballot(campaign, sport, f"Projet {i}") for i in range(TABS + 1)]
    voter = make_voter(commune=make_commune(campaign.authority))
    ballot_add(campaign=campaign, user=voter, proposal=proposals[0])
    return campaign, voter, proposals


def test_six_tabs_adding_at_once_to_a_started_ballot_store_one_and_refuse_five(
    concurrent_database,
):
    campaign, voter, proposals = setting()

    results, errors = run_together(
        [
            lambda p=p: ballot_add_hot(slug=campaign.slug, reference=p.reference, user=voter)
            for p in proposals[1:]
        ]
    )

    assert errors == []
    accepted = [r for r in results if r.refusal == ""]
    refused = [r for r in results if r.refusal]
    assert (len(accepted), len(refused)) == (1, TABS - 1)
    assert all(r.refusal.startswith("Vous avez utilisé vos 2 votes") for r in refused)
    assert BallotLine.objects.filter(ballot__voter=voter).count() == 2


def test_two_tabs_removing_the_same_choice_at_once_remove_it_once(concurrent_database):
    campaign, voter, proposals = setting()
    reference = proposals[0].reference

    results, errors = run_together(
        [
            lambda: ballot_remove_hot(slug=campaign.slug, reference=reference, user=voter)
            for _ in range(2)
        ]
    )

    assert errors == []
    # The second sees the line gone and leaves the click to the full path (« pas dans votre
    # bulletin »).
    assert sorted(r is None for r in results) == [False, True]
    assert not BallotLine.objects.filter(ballot__voter=voter).exists()

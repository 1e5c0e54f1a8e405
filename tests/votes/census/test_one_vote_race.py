"""The same person voting online and on paper at the same instant: the census entry's row lock
lets exactly one through (SQLite and PostgreSQL, see concurrent_database)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import run_together
from tests.votes.census.factories import make_census
from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_paper_services import station_with_officer
from votes.census.models import CensusEntry
from votes.census.services import census_verify
from votes.voting.ballots import ballot_add
from votes.voting.models import Ballot, BallotLine
from votes.voting.paper import paper_ballot_record

pytestmark = pytest.mark.postgres  # also runs on SQLite: see concurrent_database

ROUNDS = 4


def test_an_online_first_choice_and_a_paper_registration_at_once_count_once(
    concurrent_database,
):
    station, officer = station_with_officer()
    campaign = station.campaign
    people = [(f"Personne{i} Test", date(1980, 1, i + 1), "45000") for i in range(ROUNDS)]
    make_census(campaign, people=people)
    commune = make_commune(campaign.authority)
    proposal = campaign.proposals.get(reference=1)
    for name, born, postcode in people:
        voter = make_voter(commune=commune)
        census_verify(campaign=campaign, user=voter, name=name, birth_date=born, postcode=postcode)
        person = {"name": name, "birth_date": born, "commune": commune, "postcode": postcode}

        results, errors = run_together(
            [
                lambda v=voter: ballot_add(campaign=campaign, user=v, proposal=proposal),
                lambda p=person: paper_ballot_record(
                    station=station, officer=officer, references=[2], voter=p
                ),
            ]
        )

        assert len(results) == 1 and len(errors) == 1, errors
        assert isinstance(errors[0], ValidationError), errors
        online = BallotLine.objects.filter(ballot__voter=voter).exists()
        entry = CensusEntry.objects.get(verified_user=voter)
        assert entry.channel == ("online" if online else "paper")
    assert Ballot.objects.filter(campaign=campaign, is_void=False).count() == ROUNDS

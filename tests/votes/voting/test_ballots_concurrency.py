"""Caps hold under real concurrent requests: row lock plus constraints (PostgreSQL, threads)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.concurrency import run_together
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.voting.ballots import ballot_add, ballot_for
from votes.voting.models import Ballot, BallotLine

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL (make test-postgres); SQLite "
        "runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]

CAP_MESSAGE = "Vous avez utilisé vos 3 votes dans « Sport » : retirez-en un pour choisir celui-ci."


def setting(proposals: int):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)
    sport = make_category(campaign, name="Sport", vote_cap=3)
    listed = []
    for _ in range(proposals):
        proposal = make_proposal(campaign, category=sport)
        make_instruction(
            proposal,
            validation=Instruction.Validation.VALIDATED,
            instructed_cost=Decimal("1000"),
        )
        listed.append(proposal)
    voter = make_voter(commune=make_commune(campaign.authority))
    return campaign, voter, listed


def test_twenty_simultaneous_additions_to_a_ballot_capped_at_three_leave_three_lines():
    campaign, voter, proposals = setting(20)
    ballot_for(campaign=campaign, user=voter)

    results, errors = run_together(
        [
            lambda p=proposal: ballot_add(campaign=campaign, user=voter, proposal=p)
            for proposal in proposals
        ]
    )

    assert BallotLine.objects.filter(ballot__voter=voter).count() == 3
    assert len(results) == 3
    assert len(errors) == 17
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert {e.messages[0] for e in errors} == {CAP_MESSAGE}


def test_ten_simultaneous_first_ballots_by_one_voter_leave_one_ballot():
    campaign, voter, _proposals = setting(0)

    results, errors = run_together(
        [lambda: ballot_for(campaign=campaign, user=voter) for _ in range(10)]
    )

    assert errors == []
    assert Ballot.objects.filter(campaign=campaign, voter=voter).count() == 1
    assert len({ballot.pk for ballot in results}) == 1
    assert len({ballot.receipt for ballot in results}) == 1


def test_twenty_simultaneous_first_additions_leave_one_ballot_with_three_lines():
    campaign, voter, proposals = setting(20)

    _results, errors = run_together(
        [
            lambda p=proposal: ballot_add(campaign=campaign, user=voter, proposal=p)
            for proposal in proposals
        ]
    )

    assert Ballot.objects.filter(campaign=campaign, voter=voter).count() == 1
    assert BallotLine.objects.filter(ballot__voter=voter).count() == 3
    assert {e.messages[0] for e in errors} == {CAP_MESSAGE}

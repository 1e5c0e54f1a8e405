"""ballot_turnout: participation by channel, the only figure the team sees during the vote."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
from votes.voting.ballots import ballot_add, ballot_remove, ballot_turnout
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.django_db


def test_it_counts_ballots_with_a_choice_by_channel_and_void_paper_ballots():
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)
    category = make_category(campaign)
    proposal = make_proposal(campaign, category=category)
    make_instruction(
        proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal("1000")
    )
    commune = make_commune(campaign.authority)
    for _ in range(2):
        ballot_add(campaign=campaign, user=make_voter(commune=commune), proposal=proposal)
    emptied = make_voter(commune=commune)
    ballot_add(campaign=campaign, user=emptied, proposal=proposal)
    ballot_remove(campaign=campaign, user=emptied, proposal=proposal)
    for channel in (Ballot.Channel.CODE, Ballot.Channel.PAPER):
        ballot = Ballot.objects.create(campaign=campaign, channel=channel)
        BallotLine.objects.create(ballot=ballot, proposal=proposal, category=category)
    Ballot.objects.create(
        campaign=campaign, channel=Ballot.Channel.PAPER, is_void=True, void_reason="Illisible"
    )
    other = make_campaign(budget=campaign.budget, phase=Phase.VOTING)
    Ballot.objects.create(campaign=other, channel=Ballot.Channel.PAPER, is_void=True)

    turnout = ballot_turnout(campaign)

    # 2 online (the emptied one does not count), 1 code, 1 paper + 1 void paper.
    assert turnout == {"online": 2, "code": 1, "paper": 2, "import": 0, "void": 1, "total": 5}


def test_a_campaign_without_ballots_has_zero_everywhere():
    campaign = make_campaign(phase=Phase.VOTING)

    assert ballot_turnout(campaign) == {
        "online": 0,
        "code": 0,
        "paper": 0,
        "import": 0,
        "void": 0,
        "total": 0,
    }

"""votes.results.services: approvals by channel, turnout, and the tally read from the ballots."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.votes.factories import make_campaign, make_category, make_instruction, make_proposal
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.results.services import (
    approvals_by_channel,
    ballot_proposals,
    campaign_results,
    campaign_tally,
    participation,
)
from votes.results.tally import Status
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.django_db


def cast(campaign: Campaign, proposals: list[Proposal], *, channel: str = "online", void=False):
    """A ballot as the services would have stored it (caps are not this module's business)."""
    ballot = Ballot.objects.create(
        campaign=campaign,
        channel=channel,
        is_void=void,
        void_reason="Trop de cases cochées." if void else "",
    )
    BallotLine.objects.bulk_create(
        BallotLine(ballot=ballot, proposal=p, category_id=p.category_id) for p in proposals
    )
    return ballot


def on_ballot(campaign: Campaign, category, *, cost, estimate=Decimal("1"), **fields) -> Proposal:
    proposal = make_proposal(campaign, category=category, estimate=estimate, **fields)
    kind = "instructed_saving" if proposal.kind == Proposal.Kind.SAVING else "instructed_cost"
    make_instruction(
        proposal,
        validation=Instruction.Validation.VALIDATED,
        **({kind: cost} if cost is not None else {}),
    )
    return proposal


@dataclass
class Projects:
    campaign: Campaign
    p1: Proposal
    p2: Proposal
    p3: Proposal
    p4: Proposal
    p5: Proposal


def projects_campaign(phase: str = Phase.TALLY, rule: str = "greedy") -> Projects:
    """Envelope 100,000 €, at least 2 approvals. By hand, in the tie order:
    P1 60,000 € 5 voices (3 online, 1 code, 1 paper) → selected, 40,000 left;
    P3 30,000 € 4 voices and P2 50,000 € 4 voices tie: P3 is cheaper → selected, 10,000 left;
    P2 does not fit; P4 (estimate 10,000 €, no instructed cost) 1 voice → below the threshold.
    P5 is not validated: not on the ballot, its voice is not counted. A void paper ballot
    approving P2 and P4 is not counted either."""
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=phase, tally_rule=rule)
    category = make_category(campaign, name="Sport", envelope=Decimal(100000), min_approvals=2)
    p1 = on_ballot(campaign, category, cost=Decimal(60000), estimate=Decimal(50000))
    p2 = on_ballot(campaign, category, cost=Decimal(50000))
    p3 = on_ballot(campaign, category, cost=Decimal(30000))
    p4 = on_ballot(campaign, category, cost=None, estimate=Decimal(10000))
    p5 = make_proposal(campaign, category=category)
    make_instruction(p5, validation=Instruction.Validation.SUBMITTED)
    for _ in range(3):
        cast(campaign, [p1, p2, p3])
    cast(campaign, [p2, p3, p4])
    cast(campaign, [p5])
    cast(campaign, [p1], channel="code")
    cast(campaign, [p1], channel="paper")
    cast(campaign, [p2, p4], channel="paper", void=True)
    return Projects(campaign, p1, p2, p3, p4, p5)


def test_approvals_are_counted_per_proposal_and_channel_without_void_ballots():
    s = projects_campaign()

    counts = approvals_by_channel(s.campaign)

    assert counts == {
        s.p1.id: {"online": 3, "code": 1, "paper": 1},
        s.p2.id: {"online": 4},
        s.p3.id: {"online": 4},
        s.p4.id: {"online": 1},
        s.p5.id: {"online": 1},
    }


def test_approvals_are_counted_in_one_query(django_assert_num_queries):
    s = projects_campaign()

    with django_assert_num_queries(1):
        approvals_by_channel(s.campaign)


def test_the_turnout_counts_ballots_per_channel_and_void_ones_apart():
    s = projects_campaign()

    turnout = participation(s.campaign)

    assert turnout.by_channel == {"online": 5, "code": 1, "paper": 1, "import": 0}
    assert turnout.void == 1
    assert (turnout.valid, turnout.total) == (7, 8)


def test_only_validated_feasible_published_proposals_are_on_the_ballot():
    s = projects_campaign()
    hidden = on_ballot(s.campaign, s.p1.category, cost=Decimal(1), status="hidden")
    infeasible = make_proposal(s.campaign, category=s.p1.category)
    make_instruction(
        infeasible,
        status=Instruction.Status.NOT_FEASIBLE,
        validation=Instruction.Validation.VALIDATED,
    )

    references = [p.reference for p in ballot_proposals(s.campaign)]

    assert references == [s.p1.reference, s.p2.reference, s.p3.reference, s.p4.reference]
    assert hidden.reference not in references


def test_the_amount_is_the_instructed_cost_else_the_estimate():
    s = projects_campaign()

    amounts = {p.reference: p.amount for p in ballot_proposals(s.campaign)}

    assert amounts[s.p1.reference] == Decimal(60000)
    assert amounts[s.p4.reference] == Decimal(10000)


def test_the_greedy_tally_follows_the_published_rule():
    s = projects_campaign()

    (result,) = campaign_tally(campaign=s.campaign)

    assert result.selected == [s.p1.reference, s.p3.reference]
    assert [(row.reference, row.status, row.envelope_left) for row in result.rows] == [
        (s.p1.reference, Status.SELECTED, Decimal(40000)),
        (s.p3.reference, Status.SELECTED, Decimal(10000)),
        (s.p2.reference, Status.DOES_NOT_FIT, Decimal(10000)),
        (s.p4.reference, Status.BELOW_THRESHOLD, Decimal(10000)),
    ]
    assert result.row(s.p1.reference).approvals_by_channel == {
        "online": 3,
        "code": 1,
        "paper": 1,
        "import": 0,
    }


def test_mes_reads_the_ballots_and_shares_the_envelope_among_their_voters():
    # 6 counted ballots approve an eligible project (P5's voter approves none on the ballot):
    # 16,666.67 € each. P1: 5 supporters pay 12,000 (rho 0.2) beats P2 and P3 (0.25). Then
    # P2's supporters hold 30,666.67 < 50,000; P3's pay it (rho 0.53). Completion: 10,000 €
    # left, P2 does not fit.
    s = projects_campaign(rule="mes")

    (result,) = campaign_tally(campaign=s.campaign)

    assert result.method == "mes"
    assert result.voters == 6
    assert result.selected == [s.p1.reference, s.p3.reference]
    assert result.row(s.p2.reference).status == Status.DOES_NOT_FIT


def test_a_rule_given_overrides_the_campaigns():
    s = projects_campaign(rule="greedy")

    results = campaign_results(campaign=s.campaign, rule="mes")

    assert results.method == "mes"
    assert results.categories[0].result.voters == 6


def test_the_tally_costs_a_fixed_number_of_queries(django_assert_num_queries):
    s = projects_campaign(rule="mes")
    # categories, proposals, approvals, ballots for mes, turnout
    with django_assert_num_queries(5):
        campaign_results(campaign=s.campaign)
    for _ in range(5):
        p = on_ballot(s.campaign, s.p1.category, cost=Decimal(5))
        cast(s.campaign, [p, s.p1])

    with django_assert_num_queries(5):
        campaign_results(campaign=s.campaign)


def test_a_savings_category_selects_until_the_target_is_reached():
    # Target 50,000 €/year. S1 30,000 (3 voices) selected: 30,000 saved; S2 40,000 (2)
    # selected: 70,000 ≥ 50,000; S3 20,000 (1) target already reached.
    campaign = make_campaign(kind=Campaign.Kind.SAVINGS, phase=Phase.TALLY)
    category = make_category(campaign, savings_target=Decimal(50000))
    s1 = on_ballot(campaign, category, cost=Decimal(30000))
    s2 = on_ballot(campaign, category, cost=Decimal(40000))
    s3 = on_ballot(campaign, category, cost=Decimal(20000))
    cast(campaign, [s1, s2, s3])
    cast(campaign, [s1, s2])
    cast(campaign, [s1])

    (result,) = campaign_tally(campaign=campaign)

    assert result.selected == [s1.reference, s2.reference]
    assert result.row(s3.reference).status == Status.TARGET_REACHED
    assert (result.saved, result.target_met, result.gap) == (Decimal(70000), True, Decimal(0))

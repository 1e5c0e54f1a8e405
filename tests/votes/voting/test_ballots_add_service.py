"""ballot_add / ballot_remove: the caps of every category, with the exact refusal messages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

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
from votes.proposals.models import Proposal
from votes.voting.ballots import RECEIPT_ALPHABET, ballot_add, ballot_remove
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\xa0"  # thousands and currency separators in French amounts


def on_ballot(campaign, category, *, cost: str | None = "5000", **fields) -> Proposal:
    proposal = make_proposal(campaign, category=category, **fields)
    make_instruction(
        proposal,
        validation=Instruction.Validation.VALIDATED,
        instructed_cost=Decimal(cost) if cost is not None else None,
    )
    return proposal


@pytest.fixture
def campaign() -> Campaign:
    return make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)


@pytest.fixture
def voter(campaign):
    return make_voter(commune=make_commune(campaign.authority))


def lines_of(voter) -> list[int]:
    return sorted(
        BallotLine.objects.filter(ballot__voter=voter).values_list("proposal__reference", flat=True)
    )


def test_an_addition_writes_one_line_in_the_proposals_category(campaign, voter):
    sport = make_category(campaign, name="Sport")
    proposal = on_ballot(campaign, sport)

    ballot = ballot_add(campaign=campaign, user=voter, proposal=proposal)

    line = BallotLine.objects.get(ballot=ballot)
    assert (line.proposal, line.category) == (proposal, sport)


def test_it_refuses_a_fourth_choice_when_the_category_allows_three(campaign, voter):
    sport = make_category(campaign, name="Sport", vote_cap=3)
    proposals = [on_ballot(campaign, sport) for _ in range(4)]
    for proposal in proposals[:3]:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=proposals[3])

    assert refusal.value.messages == [
        "Vous avez utilisé vos 3 votes dans « Sport » : retirez-en un pour choisir celui-ci."
    ]
    assert lines_of(voter) == [p.reference for p in proposals[:3]]


def test_the_cap_is_counted_per_category(campaign, voter):
    sport = make_category(campaign, name="Sport", vote_cap=1)
    culture = make_category(campaign, name="Culture", vote_cap=1)
    a, b = on_ballot(campaign, sport), on_ballot(campaign, culture)

    ballot_add(campaign=campaign, user=voter, proposal=a)
    ballot_add(campaign=campaign, user=voter, proposal=b)

    assert lines_of(voter) == [a.reference, b.reference]


def test_a_category_without_cap_takes_every_proposal(campaign, voter):
    open_category = make_category(campaign, vote_cap=None)
    proposals = [on_ballot(campaign, open_category) for _ in range(5)]

    for proposal in proposals:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)

    assert lines_of(voter) == [p.reference for p in proposals]


def test_knapsack_refuses_a_project_that_no_longer_fits_the_envelope(campaign, voter):
    roads = make_category(
        campaign, name="Voirie", vote_cap=None, knapsack=True, envelope=Decimal("10000")
    )
    big, medium, small = (on_ballot(campaign, roads, cost=c) for c in ("6000", "3000", "2000"))
    ballot_add(campaign=campaign, user=voter, proposal=big)
    ballot_add(campaign=campaign, user=voter, proposal=medium)

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=small)

    # 10 000 − 6 000 − 3 000 = 1 000 € left for a 2 000 € project.
    assert refusal.value.messages == [
        f"Ce projet coûte 2{NNBSP}000{NBSP}€ et il ne reste que 1{NNBSP}000{NBSP}€ dans "
        "l'enveloppe de « Voirie » : retirez un projet pour le choisir."
    ]
    assert lines_of(voter) == [big.reference, medium.reference]


def test_knapsack_accepts_a_project_that_fills_the_envelope_exactly(campaign, voter):
    roads = make_category(campaign, vote_cap=None, knapsack=True, envelope=Decimal("10000"))
    a, b = on_ballot(campaign, roads, cost="6000"), on_ballot(campaign, roads, cost="4000")

    ballot_add(campaign=campaign, user=voter, proposal=a)
    ballot_add(campaign=campaign, user=voter, proposal=b)

    assert lines_of(voter) == [a.reference, b.reference]


def test_knapsack_weighs_the_authors_estimate_when_the_cost_was_not_instructed(campaign, voter):
    roads = make_category(
        campaign, name="Voirie", vote_cap=None, knapsack=True, envelope=Decimal("10000")
    )
    a = on_ballot(campaign, roads, cost="7000")
    b = on_ballot(campaign, roads, cost=None, estimate=Decimal("4000"))
    ballot_add(campaign=campaign, user=voter, proposal=a)

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=b)

    assert refusal.value.messages[0].startswith(f"Ce projet coûte 4{NNBSP}000{NBSP}€")
    assert lines_of(voter) == [a.reference]


def test_a_project_dearer_than_the_envelope_is_refused_and_leaves_no_empty_ballot(campaign, voter):
    roads = make_category(campaign, vote_cap=None, knapsack=True, envelope=Decimal("1000"))
    too_big = on_ballot(campaign, roads, cost="5000")

    with pytest.raises(ValidationError):
        ballot_add(campaign=campaign, user=voter, proposal=too_big)

    assert Ballot.objects.count() == 0


def test_it_refuses_a_category_beyond_the_campaigns_maximum(campaign, voter):
    campaign.max_categories_per_voter = 1
    campaign.save()
    sport = make_category(campaign, name="Sport")
    culture = make_category(campaign, name="Culture")
    a, b, c = on_ballot(campaign, sport), on_ballot(campaign, sport), on_ballot(campaign, culture)
    ballot_add(campaign=campaign, user=voter, proposal=a)
    ballot_add(campaign=campaign, user=voter, proposal=b)  # same category: still one

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=c)

    assert refusal.value.messages == [
        "Vous votez déjà dans 1 rubrique, le maximum : retirez vos choix d'une rubrique pour "
        "voter dans « Culture »."
    ]
    assert lines_of(voter) == [a.reference, b.reference]


def test_it_refuses_the_same_proposal_twice(campaign, voter):
    proposal = on_ballot(campaign, make_category(campaign))
    ballot_add(campaign=campaign, user=voter, proposal=proposal)

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)

    assert refusal.value.messages == ["Cette proposition est déjà dans votre bulletin."]
    assert lines_of(voter) == [proposal.reference]


@pytest.mark.parametrize(
    "instruction",
    [
        None,
        {"validation": Instruction.Validation.SUBMITTED},
        {"validation": Instruction.Validation.VALIDATED, "status": "not_feasible"},
        {"validation": Instruction.Validation.VALIDATED, "status": "out_of_powers"},
    ],
    ids=["not-instructed", "not-validated", "not-feasible", "out-of-powers"],
)
def test_it_refuses_a_proposal_that_is_not_on_the_ballot(campaign, voter, instruction):
    proposal = make_proposal(campaign, category=make_category(campaign))
    if instruction is not None:
        make_instruction(proposal, **instruction)

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)

    assert refusal.value.messages == [
        f"La proposition {proposal.public_reference} n'est pas soumise au vote : seules les "
        "propositions jugées faisables par les services sont sur le bulletin."
    ]
    assert Ballot.objects.count() == 0
    assert BallotLine.objects.count() == 0


def test_it_refuses_a_hidden_proposal(campaign, voter):
    proposal = on_ballot(campaign, make_category(campaign))
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.HIDDEN)

    with pytest.raises(ValidationError):
        ballot_add(campaign=campaign, user=voter, proposal=proposal)

    assert BallotLine.objects.count() == 0


def test_it_refuses_a_proposal_of_another_campaign(campaign, voter):
    other = make_campaign(budget=campaign.budget, kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)
    foreign = on_ballot(other, make_category(other))

    with pytest.raises(ValidationError):
        ballot_add(campaign=campaign, user=voter, proposal=foreign)

    assert BallotLine.objects.count() == 0


def test_the_receipt_is_drawn_once_grouped_and_from_the_unambiguous_alphabet(campaign, voter):
    category = make_category(campaign)
    a, b = on_ballot(campaign, category), on_ballot(campaign, category)

    first = ballot_add(campaign=campaign, user=voter, proposal=a).receipt
    second = ballot_add(campaign=campaign, user=voter, proposal=b).receipt

    letters = re.escape(RECEIPT_ALPHABET)
    assert re.fullmatch(rf"[{letters}]{{4}}-[{letters}]{{4}}-[{letters}]{{4}}", first)
    assert not set("01IOL5S") & set(first)
    assert second == first


def test_two_voters_get_two_different_receipts(campaign, voter):
    proposal = on_ballot(campaign, make_category(campaign))
    other = make_voter(commune=voter.profile.commune)

    mine = ballot_add(campaign=campaign, user=voter, proposal=proposal).receipt
    theirs = ballot_add(campaign=campaign, user=other, proposal=proposal).receipt

    assert mine != theirs


def test_a_removal_frees_a_place_under_the_cap(campaign, voter):
    sport = make_category(campaign, name="Sport", vote_cap=1)
    a, b = on_ballot(campaign, sport), on_ballot(campaign, sport)
    ballot_add(campaign=campaign, user=voter, proposal=a)

    ballot_remove(campaign=campaign, user=voter, proposal=a)
    ballot_add(campaign=campaign, user=voter, proposal=b)

    assert lines_of(voter) == [b.reference]


def test_it_refuses_to_remove_a_proposal_that_is_not_on_the_ballot(campaign, voter):
    category = make_category(campaign)
    a, b = on_ballot(campaign, category), on_ballot(campaign, category)
    ballot_add(campaign=campaign, user=voter, proposal=a)

    with pytest.raises(ValidationError) as refusal:
        ballot_remove(campaign=campaign, user=voter, proposal=b)

    assert refusal.value.messages == [
        f"La proposition {b.public_reference} n'est pas dans votre bulletin."
    ]
    assert lines_of(voter) == [a.reference]


def test_it_refuses_a_removal_without_any_ballot_and_creates_none(campaign, voter):
    proposal = on_ballot(campaign, make_category(campaign))

    with pytest.raises(ValidationError):
        ballot_remove(campaign=campaign, user=voter, proposal=proposal)

    assert Ballot.objects.count() == 0


def test_a_ballot_can_no_longer_change_once_the_vote_is_closed(campaign, voter):
    category = make_category(campaign)
    a, b = on_ballot(campaign, category), on_ballot(campaign, category)
    ballot_add(campaign=campaign, user=voter, proposal=a)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.TALLY)

    with pytest.raises(ValidationError):
        ballot_remove(campaign=campaign, user=voter, proposal=a)
    with pytest.raises(ValidationError):
        ballot_add(campaign=campaign, user=voter, proposal=b)

    assert lines_of(voter) == [a.reference]

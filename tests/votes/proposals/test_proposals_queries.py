"""The named reads of proposals and flags (votes.proposals.models), on small built data."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal
from votes.instruction.models import Instruction
from votes.proposals.models import Flag, ModerationAction, Proposal, Support

pytestmark = pytest.mark.django_db

Status = Proposal.Status


def _refs(proposals) -> list[int]:
    return sorted(p.reference for p in proposals)


def test_published_and_hidden_split_proposals_by_status():
    campaign = make_campaign()
    make_proposal(campaign, reference=1)
    make_proposal(campaign, reference=2, status=Status.HIDDEN)
    make_proposal(campaign, reference=3, status=Status.WITHDRAWN)

    assert _refs(campaign.proposals.published()) == [1]
    assert _refs(campaign.proposals.hidden()) == [2]


def test_feasible_needs_a_validated_feasible_instruction_and_on_ballot_a_published_one():
    campaign = make_campaign()
    validated = Instruction.Validation.VALIDATED
    feasible = make_proposal(campaign, reference=1)
    make_instruction(feasible, validation=validated)
    conditions = make_proposal(campaign, reference=2)
    make_instruction(
        conditions, validation=validated, status=Instruction.Status.FEASIBLE_CONDITIONS
    )
    not_validated = make_proposal(campaign, reference=3)
    make_instruction(not_validated)
    not_feasible = make_proposal(campaign, reference=4)
    make_instruction(not_feasible, validation=validated, status=Instruction.Status.NOT_FEASIBLE)
    hidden = make_proposal(campaign, reference=5, status=Status.HIDDEN)
    make_instruction(hidden, validation=validated)
    make_proposal(campaign, reference=6)  # not instructed yet

    assert _refs(campaign.proposals.feasible()) == [1, 2, 5]
    assert _refs(campaign.proposals.on_ballot()) == [1, 2]


def test_flagged_and_unflagged_look_only_at_the_flags_not_handled_yet():
    campaign = make_campaign()
    reader = make_user()
    open_flag = make_proposal(campaign, reference=1)
    Flag.objects.create(proposal=open_flag, user=reader, reason="Injurieux")
    handled = make_proposal(campaign, reference=2)
    Flag.objects.create(proposal=handled, user=reader, reason="Hors sujet", handled=True)
    make_proposal(campaign, reference=3)

    assert [f.proposal_id for f in Flag.objects.open()] == [open_flag.pk]
    assert _refs(campaign.proposals.flagged()) == [1]
    assert _refs(campaign.proposals.unflagged()) == [2, 3]


def test_with_support_count_counts_each_proposal_s_supports():
    campaign = make_campaign()
    supported = make_proposal(campaign, reference=1)
    make_proposal(campaign, reference=2)
    for _ in range(2):
        Support.objects.create(proposal=supported, user=make_user())

    counts = dict(campaign.proposals.with_support_count().values_list("reference", "support_count"))

    assert counts == {1: 2, 2: 0}


def test_with_hidden_reason_gives_the_latest_hiding_reason():
    campaign = make_campaign()
    moderator = make_user(roles=("moderator",))
    proposal = make_proposal(campaign, reference=1, status=Status.HIDDEN)
    hide = ModerationAction.Action.HIDE
    ModerationAction.objects.create(
        proposal=proposal, moderator=moderator, action=hide, reason="Premier"
    )
    ModerationAction.objects.create(
        proposal=proposal, moderator=moderator, action=ModerationAction.Action.RESTORE, reason="R"
    )
    ModerationAction.objects.create(
        proposal=proposal, moderator=moderator, action=hide, reason="Second"
    )
    make_proposal(campaign, reference=2)

    reasons = dict(
        campaign.proposals.with_hidden_reason().values_list("reference", "hidden_reason")
    )

    assert reasons == {1: "Second", 2: None}


def test_the_reads_chain_from_the_campaign_in_scope():
    campaign = make_campaign()
    other = make_campaign()
    make_proposal(campaign, reference=1)
    make_proposal(other, reference=1)
    assert campaign.proposals.published().count() == 1
    assert Proposal.objects.published().count() == 2

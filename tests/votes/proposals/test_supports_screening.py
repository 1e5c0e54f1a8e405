"""The end of the supports phase: at or over the threshold goes to the instruction, below is
not retained (public, never instructed, never on the ballot, answered by the council)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from budget.roles import ADMINISTRATOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_instruction,
    make_proposal,
    make_service,
)
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import campaign_move
from votes.council.services import snapshot_proposals
from votes.instruction.assignment import proposal_assign
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal, Support
from votes.proposals.services_moderation import (
    moderation_hide,
    moderation_restore,
    support_toggle,
)

pytestmark = pytest.mark.django_db

THRESHOLD = 3


@pytest.fixture
def admin():
    return make_user(username="mission", roles=(ADMINISTRATOR,))


def supports_campaign() -> Campaign:
    campaign = make_campaign(
        phase=Phase.SUPPORTS, supports_enabled=True, supports_threshold=THRESHOLD
    )
    make_category(campaign)
    return campaign


def supported(campaign: Campaign, count: int, **fields) -> Proposal:
    proposal = make_proposal(campaign, **fields)
    for _n in range(count):
        Support.objects.create(proposal=proposal, user=make_user())
    return proposal


def status(proposal: Proposal) -> str:
    return Proposal.objects.get(pk=proposal.pk).status


def test_under_the_threshold_is_not_retained_and_at_or_over_goes_on(admin):
    campaign = supports_campaign()
    under = supported(campaign, THRESHOLD - 1)
    exactly = supported(campaign, THRESHOLD)
    over = supported(campaign, THRESHOLD + 4)

    transition = campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    assert status(under) == Proposal.Status.NOT_RETAINED
    assert status(exactly) == Proposal.Status.PUBLISHED
    assert status(over) == Proposal.Status.PUBLISHED
    assert transition.screened.threshold == THRESHOLD
    assert [p.pk for p in transition.screened.retained] == [exactly.pk, over.pk]
    assert [p.pk for p in transition.screened.not_retained] == [under.pk]


def test_hidden_and_withdrawn_proposals_are_left_as_they_are(admin):
    campaign = supports_campaign()
    hidden = supported(campaign, 0, status=Proposal.Status.HIDDEN)
    withdrawn = supported(campaign, 0, status=Proposal.Status.WITHDRAWN)

    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    assert status(hidden) == Proposal.Status.HIDDEN
    assert status(withdrawn) == Proposal.Status.WITHDRAWN


def test_the_screening_runs_once_even_after_a_back_and_forth(admin):
    campaign = supports_campaign()
    kept = supported(campaign, THRESHOLD)
    dropped = supported(campaign, 0)
    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)
    campaign_move(campaign=campaign, to_phase=Phase.SUPPORTS, by=admin, reason="Prolongation.")
    # A supporter changes their mind while the phase is reopened: the services already
    # instruct the proposal, and the second move must not take it from them.
    Support.objects.filter(proposal=kept).first().delete()

    transition = campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    assert not hasattr(transition, "screened")
    assert status(kept) == Proposal.Status.PUBLISHED
    assert status(dropped) == Proposal.Status.NOT_RETAINED
    assert PhaseTransition.objects.filter(to_phase=Phase.INSTRUCTION).count() == 2


def test_a_campaign_without_supports_phase_screens_nothing(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=False)
    proposal = make_proposal(campaign)

    transition = campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    assert not hasattr(transition, "screened")
    assert status(proposal) == Proposal.Status.PUBLISHED


def test_no_support_can_be_added_once_screened(admin):
    campaign = supports_campaign()
    proposal = supported(campaign, THRESHOLD)
    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    # The proposal object still carries the campaign read in the supports phase: the service
    # reads the phase again once it holds the row.
    with pytest.raises(ValidationError, match="soutenir une proposition"):
        support_toggle(proposal=proposal, user=make_user())

    assert Support.objects.filter(proposal=proposal).count() == THRESHOLD


def test_a_not_retained_proposal_is_not_instructed_nor_on_the_ballot(admin):
    campaign = supports_campaign()
    proposal = supported(campaign, 0)
    make_instruction(proposal, validation=Instruction.Validation.VALIDATED)
    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    with pytest.raises(ValidationError, match="n'a pas atteint le seuil de soutiens"):
        proposal_assign(
            proposal=Proposal.objects.get(pk=proposal.pk),
            service=make_service(campaign.authority),
            by=admin,
        )

    assert not Proposal.objects.on_ballot().filter(pk=proposal.pk).exists()
    assert not campaign.proposals.instructable().filter(pk=proposal.pk).exists()


def test_the_council_answers_the_not_retained_proposals_too(admin):
    campaign = supports_campaign()
    kept = supported(campaign, THRESHOLD)
    dropped = supported(campaign, 1)
    hidden = supported(campaign, 0, status=Proposal.Status.HIDDEN)
    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    answered = [p.pk for p in snapshot_proposals(campaign)]

    assert answered == [kept.pk, dropped.pk]
    assert hidden.pk not in answered


def test_a_not_retained_proposal_can_be_hidden_and_comes_back_not_retained(admin):
    campaign = supports_campaign()
    dropped = supported(campaign, 1)
    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)
    moderator = make_user(roles=(MODERATOR,))

    moderation_hide(proposal=Proposal.objects.get(pk=dropped.pk), moderator=moderator, reason="x")
    assert status(dropped) == Proposal.Status.HIDDEN
    moderation_restore(
        proposal=Proposal.objects.get(pk=dropped.pk), moderator=moderator, reason="Erreur."
    )

    assert status(dropped) == Proposal.Status.NOT_RETAINED


@pytest.mark.parametrize(
    ("supports", "expected"),
    [(THRESHOLD - 1, Proposal.Status.NOT_RETAINED), (THRESHOLD, Proposal.Status.PUBLISHED)],
)
def test_a_proposal_hidden_during_the_screening_is_judged_by_the_threshold_when_restored(
    admin, supports, expected
):
    campaign = supports_campaign()
    hidden = supported(campaign, supports, status=Proposal.Status.HIDDEN)
    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)

    moderation_restore(
        proposal=Proposal.objects.get(pk=hidden.pk),
        moderator=make_user(roles=(MODERATOR,)),
        reason="Contenu acceptable.",
    )

    assert status(hidden) == expected

"""proposal_withdraw: the author, during proposals or supports, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal, make_voter
from votes.campaigns.models import Phase
from votes.campaigns.phases import PhaseError
from votes.proposals.models import Proposal
from votes.proposals.services import proposal_withdraw

pytestmark = pytest.mark.django_db


def setup(**campaign_fields):
    author = make_voter(outside_territory=True)
    proposal = make_proposal(make_campaign(**campaign_fields), author=author)
    return author, proposal


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.SUPPORTS])
def test_the_author_withdraws_their_proposal(phase):
    author, proposal = setup(phase=phase, supports_enabled=True)

    proposal_withdraw(proposal=proposal, user=author)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN


def test_nobody_else_withdraws_it():
    _author, proposal = setup()

    with pytest.raises(PermissionDenied):
        proposal_withdraw(proposal=proposal, user=make_user(roles=("administrator",)))

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED


@pytest.mark.parametrize("phase", [Phase.INSTRUCTION, Phase.VOTING, Phase.ANSWERED])
def test_it_refuses_a_withdrawal_once_instruction_started(phase):
    author, proposal = setup(phase=phase)

    with pytest.raises(PhaseError) as refusal:
        proposal_withdraw(proposal=proposal, user=author)

    assert "Impossible de retirer une proposition" in refusal.value.messages[0]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED


def test_it_refuses_to_withdraw_twice():
    author, proposal = setup()
    proposal_withdraw(proposal=proposal, user=author)

    with pytest.raises(ValidationError) as refusal:
        proposal_withdraw(proposal=proposal, user=author)

    assert refusal.value.messages == ["Cette proposition est déjà retirée."]

"""support_toggle: during the supports phase, published proposals only, no cap, once per user."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal
from votes.campaigns.models import Phase
from votes.campaigns.phases import PhaseError
from votes.proposals.models import Proposal, Support
from votes.proposals.services_moderation import support_toggle

pytestmark = pytest.mark.django_db


def supports_campaign(**fields):
    fields.setdefault("phase", Phase.SUPPORTS)
    return make_campaign(supports_enabled=True, **fields)


def test_a_first_toggle_supports_and_a_second_takes_it_back():
    proposal = make_proposal(supports_campaign())
    user = make_user()

    assert support_toggle(proposal=proposal, user=user) == 1
    assert Support.objects.filter(proposal=proposal, user=user).exists()
    assert support_toggle(proposal=proposal, user=user) == 0
    assert not Support.objects.exists()


def test_the_count_adds_every_supporter():
    proposal = make_proposal(supports_campaign())

    counts = [support_toggle(proposal=proposal, user=make_user()) for _ in range(3)]

    assert counts == [1, 2, 3]


def test_there_is_no_cap_on_the_number_of_proposals_supported():
    campaign = supports_campaign()
    user = make_user()
    proposals = [make_proposal(campaign) for _ in range(12)]

    for proposal in proposals:
        support_toggle(proposal=proposal, user=user)

    assert Support.objects.filter(user=user).count() == 12


@pytest.mark.parametrize("phase", [p for p in Phase.values if p != Phase.SUPPORTS])
def test_it_refuses_outside_the_supports_phase(phase):
    proposal = make_proposal(make_campaign(phase=phase, supports_enabled=True))

    with pytest.raises(PhaseError) as refusal:
        support_toggle(proposal=proposal, user=make_user())

    assert "Impossible de soutenir une proposition" in refusal.value.messages[0]
    assert not Support.objects.exists()


@pytest.mark.parametrize("status", [Proposal.Status.HIDDEN, Proposal.Status.WITHDRAWN])
def test_it_refuses_a_proposal_that_is_not_published(status):
    proposal = make_proposal(supports_campaign(), status=status)

    with pytest.raises(ValidationError) as refusal:
        support_toggle(proposal=proposal, user=make_user())

    assert refusal.value.messages == ["Seule une proposition publiée peut être soutenue."]
    assert not Support.objects.exists()


def test_it_refuses_an_anonymous_user():
    proposal = make_proposal(supports_campaign())

    with pytest.raises(PermissionDenied):
        support_toggle(proposal=proposal, user=AnonymousUser())
    assert not Support.objects.exists()

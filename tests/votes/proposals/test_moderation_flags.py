"""flag_create: anyone logged in, a reason, once per proposal."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal
from votes.campaigns.models import Phase
from votes.proposals.models import Flag, Proposal
from votes.proposals.services_moderation import flag_create

pytestmark = pytest.mark.django_db


def test_a_logged_in_user_flags_with_a_reason():
    proposal = make_proposal(make_campaign())
    user = make_user()

    flag = flag_create(proposal=proposal, user=user, reason="  Insulte envers un élu  ")

    assert Flag.objects.get() == flag
    assert (flag.user, flag.reason, flag.handled) == (user, "Insulte envers un élu", False)


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.VOTING, Phase.ANSWERED])
def test_flags_are_possible_in_every_public_phase(phase):
    proposal = make_proposal(make_campaign(phase=phase))

    flag_create(proposal=proposal, user=make_user(), reason="Spam")

    assert Flag.objects.count() == 1


def test_it_refuses_a_flag_in_a_draft_campaign():
    proposal = make_proposal(make_campaign(phase=Phase.DRAFT))

    with pytest.raises(ValidationError) as refusal:
        flag_create(proposal=proposal, user=make_user(), reason="Spam")

    assert "n'est pas publiée" in refusal.value.messages[0]
    assert not Flag.objects.exists()


def test_it_refuses_a_flag_without_a_reason():
    proposal = make_proposal(make_campaign())

    with pytest.raises(ValidationError) as refusal:
        flag_create(proposal=proposal, user=make_user(), reason="   ")

    assert refusal.value.message_dict["reason"] == [
        "Indiquez pourquoi vous signalez cette proposition."
    ]
    assert not Flag.objects.exists()


def test_a_user_flags_a_proposal_only_once():
    proposal = make_proposal(make_campaign())
    user = make_user()
    flag_create(proposal=proposal, user=user, reason="Spam")

    with pytest.raises(ValidationError) as refusal:
        flag_create(proposal=proposal, user=user, reason="Encore")

    assert refusal.value.messages == ["Vous avez déjà signalé cette proposition."]
    assert Flag.objects.count() == 1


def test_two_users_may_flag_the_same_proposal():
    proposal = make_proposal(make_campaign())

    flag_create(proposal=proposal, user=make_user(), reason="Spam")
    flag_create(proposal=proposal, user=make_user(), reason="Spam aussi")

    assert Flag.objects.filter(proposal=proposal).count() == 2


def test_a_hidden_proposal_cannot_be_flagged():
    proposal = make_proposal(make_campaign(), status=Proposal.Status.HIDDEN)

    with pytest.raises(ValidationError) as refusal:
        flag_create(proposal=proposal, user=make_user(), reason="Spam")

    assert refusal.value.messages == ["Cette proposition est déjà masquée par la modération."]
    assert not Flag.objects.exists()


def test_an_anonymous_user_cannot_flag():
    proposal = make_proposal(make_campaign())

    with pytest.raises(PermissionDenied):
        flag_create(proposal=proposal, user=AnonymousUser(), reason="Spam")
    assert not Flag.objects.exists()

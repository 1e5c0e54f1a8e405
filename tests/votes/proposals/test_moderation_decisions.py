"""moderation_hide / moderation_restore: moderators, a reason on record, the author told."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal, make_voter
from votes.campaigns.models import Phase
from votes.campaigns.phases import PhaseError
from votes.proposals.models import Flag, ModerationAction, Proposal
from votes.proposals.services_moderation import moderation_hide, moderation_restore

pytestmark = pytest.mark.django_db


def setup(status=Proposal.Status.PUBLISHED, **campaign_fields):
    author = make_voter(outside_territory=True, email="auteur@example.org")
    proposal = make_proposal(
        make_campaign(**campaign_fields), author=author, status=status, title="Le titre"
    )
    return proposal, make_user(roles=("moderator",))


@pytest.mark.parametrize("role", ["moderator", "administrator"])
def test_a_moderator_hides_with_a_reason_kept_on_record_and_the_author_told(
    role, mailoutbox, django_capture_on_commit_callbacks
):
    proposal, _moderator = setup()
    moderator = make_user(roles=(role,))
    flag = Flag.objects.create(proposal=proposal, user=make_user(), reason="Insultes")

    with django_capture_on_commit_callbacks(execute=True):
        record = moderation_hide(proposal=proposal, moderator=moderator, reason="Propos injurieux")

    proposal.refresh_from_db()
    flag.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN
    assert (record.action, record.reason, record.moderator) == (
        "hide",
        "Propos injurieux",
        moderator,
    )
    assert ModerationAction.objects.get() == record
    assert flag.handled
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["auteur@example.org"]
    assert mail.subject == "Votre proposition P-0001 a été masquée"
    assert "Motif : Propos injurieux" in mail.body
    assert "« Le titre »" in mail.body


def test_a_moderator_restores_a_hidden_proposal(mailoutbox, django_capture_on_commit_callbacks):
    proposal, moderator = setup(status=Proposal.Status.HIDDEN)

    with django_capture_on_commit_callbacks(execute=True):
        moderation_restore(proposal=proposal, moderator=moderator, reason="Erreur de ma part")

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    record = ModerationAction.objects.get()
    assert (record.action, record.reason) == ("restore", "Erreur de ma part")
    assert mailoutbox[0].subject == "Votre proposition P-0001 est de nouveau publiée"
    assert "Motif : Erreur de ma part" in mailoutbox[0].body


@pytest.mark.parametrize("roles", [(), ("instructor",), ("finance",), ("facilitator",)])
def test_nobody_else_moderates(roles, mailoutbox, django_capture_on_commit_callbacks):
    proposal, _moderator = setup()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        moderation_hide(proposal=proposal, moderator=make_user(roles=roles), reason="Non")

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert not ModerationAction.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("decide", [moderation_hide, moderation_restore])
def test_a_reason_is_required(decide, mailoutbox, django_capture_on_commit_callbacks):
    status = Proposal.Status.HIDDEN if decide is moderation_restore else Proposal.Status.PUBLISHED
    proposal, moderator = setup(status=status)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as e:
        decide(proposal=proposal, moderator=moderator, reason="  ")

    assert e.value.message_dict["reason"] == [
        "Indiquez le motif : il est conservé et envoyé à l'auteur."
    ]
    proposal.refresh_from_db()
    assert proposal.status == status
    assert not ModerationAction.objects.exists()
    assert mailoutbox == []


def test_only_a_published_proposal_is_hidden_and_only_a_hidden_one_restored():
    withdrawn, moderator = setup(status=Proposal.Status.WITHDRAWN)
    published, _moderator = setup()

    with pytest.raises(ValidationError) as hide_refusal:
        moderation_hide(proposal=withdrawn, moderator=moderator, reason="x")
    with pytest.raises(ValidationError) as restore_refusal:
        moderation_restore(proposal=published, moderator=moderator, reason="x")

    assert hide_refusal.value.messages == ["Seule une proposition publiée peut être masquée."]
    assert restore_refusal.value.messages == ["Seule une proposition masquée peut être rétablie."]
    assert not ModerationAction.objects.exists()


def test_moderation_is_refused_in_a_draft_campaign():
    proposal, moderator = setup(phase=Phase.DRAFT)

    with pytest.raises(PhaseError) as refusal:
        moderation_hide(proposal=proposal, moderator=moderator, reason="x")

    assert "Impossible de modérer" in refusal.value.messages[0]
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.VOTING, Phase.ANSWERED])
def test_moderation_works_in_every_public_phase(phase):
    proposal, moderator = setup(phase=phase)

    moderation_hide(proposal=proposal, moderator=moderator, reason="x")

    assert ModerationAction.objects.count() == 1


def test_a_deleted_account_gets_no_email_but_the_decision_holds(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal, moderator = setup()
    proposal.author.delete()
    proposal.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        moderation_hide(proposal=proposal, moderator=moderator, reason="Spam")

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN
    assert mailoutbox == []


def test_every_decision_stays_on_record():
    proposal, moderator = setup()

    moderation_hide(proposal=proposal, moderator=moderator, reason="Un")
    moderation_restore(proposal=proposal, moderator=moderator, reason="Deux")
    moderation_hide(proposal=proposal, moderator=moderator, reason="Trois")

    assert list(ModerationAction.objects.values_list("action", "reason")) == [
        ("hide", "Un"),
        ("restore", "Deux"),
        ("hide", "Trois"),
    ]

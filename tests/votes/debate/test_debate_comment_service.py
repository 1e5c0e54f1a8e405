"""votes/debate/services.py: comment_create — who, when, what; the author of the proposal told."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.votes.debate.factories import Debate
from tests.votes.factories import make_voter
from votes.campaigns.models import Phase
from votes.council.models import CouncilAnswer
from votes.debate.models import BODY_MAX_LENGTH, Comment
from votes.notifications.models import Preferences
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def refused(debate: Debate, message: str, **kwargs) -> None:
    with pytest.raises(ValidationError) as error:
        debate.comment(**kwargs)
    assert message in " ".join(error.value.messages)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.SUPPORTS, Phase.INSTRUCTION])
def test_a_citizen_comments_while_proposals_are_written_and_instructed(phase):
    debate = Debate(phase=phase, supports_enabled=True)
    comment = debate.comment("  Bonne idée, *vraiment*.  ")
    saved = Comment.objects.get()
    assert (saved.pk, saved.body, saved.author, saved.topic) == (
        comment.pk,
        "Bonne idée, *vraiment*.",
        debate.reader,
        Comment.Topic.PROPOSAL,
    )


@pytest.mark.parametrize("phase", [Phase.FRAMING, Phase.VOTING, Phase.TALLY, Phase.ANSWERED])
def test_outside_those_phases_comments_are_read_only(phase):
    refused(Debate(phase=phase), "commenter une proposition")


def test_the_campaign_switch_closes_the_debate():
    refused(Debate(comments_enabled=False), "Les commentaires sont fermés dans cette campagne.")


def test_an_empty_comment_is_refused_with_a_message():
    refused(Debate(), "Écrivez votre commentaire", body="   ")


def test_a_too_long_comment_is_refused_with_its_length():
    refused(Debate(), f"{BODY_MAX_LENGTH + 1} caractères", body="x" * (BODY_MAX_LENGTH + 1))


@pytest.mark.parametrize("status", [Proposal.Status.HIDDEN, Proposal.Status.WITHDRAWN])
def test_a_proposal_the_public_does_not_see_takes_no_comment(status):
    debate = Debate()
    Proposal.objects.filter(pk=debate.proposal.pk).update(status=status)
    debate.proposal.refresh_from_db()
    refused(debate, "n'est pas publiée")


def test_an_anonymous_visitor_cannot_comment():
    debate = Debate()
    with pytest.raises(PermissionDenied):
        debate.comment(by=AnonymousUser())
    assert Comment.objects.count() == 0


def test_an_unconfirmed_address_must_be_confirmed_first():
    debate = Debate()
    stranger = make_voter(commune=debate.commune, confirmed=False)
    refused(debate, "Confirmez d'abord votre adresse e-mail", by=stranger)


def test_an_account_without_citizen_profile_is_asked_to_create_one():
    refused(Debate(), "créez d'abord votre compte citoyen", by=make_user())


def test_a_team_member_comments_without_a_citizen_profile():
    debate = Debate()
    debate.comment("Précision du service.", by=debate.moderator)
    assert Comment.objects.get().author == debate.moderator


def test_a_reply_hangs_under_a_comment_with_its_topic():
    debate = Debate()
    first = debate.comment("Où ?")
    reply = debate.comment("Place du marché.", by=debate.author, parent=first)
    assert (reply.parent, reply.topic) == (first, Comment.Topic.PROPOSAL)


def test_one_level_of_replies_only():
    debate = Debate()
    first = debate.comment("Où ?")
    reply = debate.comment("Place du marché.", by=debate.author, parent=first)
    with pytest.raises(ValidationError) as error:
        debate.comment("Et ici ?", parent=reply)
    assert "pas à une réponse" in " ".join(error.value.messages)
    assert Comment.objects.count() == 2


def test_a_reply_to_a_comment_of_another_proposal_is_refused():
    debate, other = Debate(), Debate(tag="2")
    elsewhere = other.comment("Ailleurs.")
    with pytest.raises(ValidationError) as error:
        debate.comment("Réponse.", parent=elsewhere)
    assert "pas sur cette proposition" in " ".join(error.value.messages)
    assert Comment.objects.count() == 1


def test_a_hidden_comment_takes_no_reply():
    debate = Debate()
    first = debate.comment("Insulte.")
    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.HIDDEN)
    first.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        debate.comment("Réponse.", parent=first)
    assert "masqué" in " ".join(error.value.messages)
    assert Comment.objects.count() == 1


def test_the_author_of_the_proposal_is_told_with_an_unsubscribe_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    debate = Debate()
    with django_capture_on_commit_callbacks(execute=True):
        comment = debate.comment("Bonne idée.")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["a@exemple.fr"]
    assert debate.proposal.public_reference in message.subject
    assert "lecteur a commenté votre proposition" in message.body
    assert f"#{comment.anchor}" in message.body
    assert "/notifications/desabonnement/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_author_is_not_told_of_their_own_comment(
    mailoutbox, django_capture_on_commit_callbacks
):
    debate = Debate()
    with django_capture_on_commit_callbacks(execute=True):
        debate.comment("Je précise.", by=debate.author)
    assert mailoutbox == []


def test_the_author_who_said_no_is_not_told(mailoutbox, django_capture_on_commit_callbacks):
    debate = Debate()
    Preferences.objects.create(user=debate.author, proposal_comment=False)
    with django_capture_on_commit_callbacks(execute=True):
        debate.comment("Bonne idée.")
    assert mailoutbox == []


def test_comments_on_the_answer_open_once_the_answers_are_published():
    debate = Debate(phase=Phase.ANSWERED)
    refused(debate, "pas encore répondu", topic=Comment.Topic.ANSWER)
    CouncilAnswer.objects.create(
        proposal=debate.proposal,
        decision=CouncilAnswer.Decision.ADOPTED,
        answer="Adoptée.",
        answered_by=debate.moderator,
    )
    debate.proposal.refresh_from_db()
    comment = debate.comment("Merci au conseil.", topic=Comment.Topic.ANSWER)
    assert comment.topic == Comment.Topic.ANSWER

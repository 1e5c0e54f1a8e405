"""votes/debate/services.py: flag, hide with a reason the author sees, restore."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.votes.debate.factories import Debate
from votes.debate.models import Comment, CommentFlag, CommentModeration
from votes.debate.services import comment_flag, comment_hide, comment_restore

pytestmark = pytest.mark.django_db


def test_a_reader_flags_a_comment_once_with_a_reason():
    debate = Debate()
    comment = debate.comment("Insulte.")
    comment_flag(comment=comment, user=debate.author, reason="Injurieux")
    with pytest.raises(ValidationError) as error:
        comment_flag(comment=comment, user=debate.author, reason="Encore")
    assert "déjà signalé" in " ".join(error.value.messages)
    assert list(CommentFlag.objects.values_list("reason", flat=True)) == ["Injurieux"]


def test_a_flag_needs_a_reason():
    debate = Debate()
    comment = debate.comment("Insulte.")
    with pytest.raises(ValidationError) as error:
        comment_flag(comment=comment, user=debate.author, reason="  ")
    assert "Indiquez pourquoi" in " ".join(error.value.messages)
    assert CommentFlag.objects.count() == 0


def test_nobody_flags_their_own_comment():
    debate = Debate()
    comment = debate.comment("Mon avis.")
    with pytest.raises(ValidationError):
        comment_flag(comment=comment, user=debate.reader, reason="Oups")
    assert CommentFlag.objects.count() == 0


def test_a_moderator_hides_with_a_reason_kept_and_mailed_to_the_author(
    mailoutbox, django_capture_on_commit_callbacks
):
    debate = Debate()
    comment = debate.comment("Insulte.")
    comment_flag(comment=comment, user=debate.author, reason="Injurieux")
    with django_capture_on_commit_callbacks(execute=True):
        comment_hide(comment=comment, moderator=debate.moderator, reason="Propos injurieux")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert Comment.objects.with_hidden_reason().get().hidden_reason == "Propos injurieux"
    assert not CommentFlag.objects.open().exists()
    assert [m.to for m in mailoutbox] == [["l@exemple.fr"]]
    assert "Propos injurieux" in mailoutbox[0].body


def test_a_moderator_restores_a_hidden_comment(mailoutbox, django_capture_on_commit_callbacks):
    debate = Debate()
    comment = debate.comment("Ambigu.")
    comment_hide(comment=comment, moderator=debate.moderator, reason="À vérifier")
    with django_capture_on_commit_callbacks(execute=True):
        comment_restore(comment=comment, moderator=debate.moderator, reason="Vérifié")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert list(CommentModeration.objects.values_list("action", "reason")) == [
        ("hide", "À vérifier"),
        ("restore", "Vérifié"),
    ]
    assert "de nouveau publié" in mailoutbox[-1].subject


def test_a_decision_needs_a_reason_and_writes_nothing_without_one():
    debate = Debate()
    comment = debate.comment("Insulte.")
    with pytest.raises(ValidationError) as error:
        comment_hide(comment=comment, moderator=debate.moderator, reason="")
    assert "Indiquez le motif" in " ".join(error.value.messages)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert CommentModeration.objects.count() == 0


def test_hiding_twice_or_restoring_a_published_comment_is_refused():
    debate = Debate()
    comment = debate.comment("Insulte.")
    with pytest.raises(ValidationError):
        comment_restore(comment=comment, moderator=debate.moderator, reason="?")
    comment_hide(comment=comment, moderator=debate.moderator, reason="Injurieux")
    with pytest.raises(ValidationError):
        comment_hide(comment=comment, moderator=debate.moderator, reason="Encore")
    assert CommentModeration.objects.count() == 1


@pytest.mark.parametrize(
    "roles", [(), ("instructor",), ("finance",), ("facilitator",), ("officer",)]
)
def test_nobody_else_moderates(roles):
    debate = Debate()
    comment = debate.comment("Insulte.")
    with pytest.raises(PermissionDenied):
        comment_hide(comment=comment, moderator=make_user(roles=roles), reason="Non")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert CommentModeration.objects.count() == 0


def test_an_administrator_moderates_too():
    debate = Debate()
    comment = debate.comment("Insulte.")
    comment_hide(comment=comment, moderator=make_user(roles=("administrator",)), reason="Non")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN

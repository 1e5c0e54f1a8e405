"""votes/debate/views.py: the moderators' decision page and queue, and every role that must
not reach them."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.debate.factories import Debate
from votes.debate.models import Comment, CommentModeration
from votes.debate.services import comment_flag, comment_hide

pytestmark = pytest.mark.django_db

NOT_MODERATORS = [(), ("instructor",), ("finance",), ("facilitator",), ("officer",)]


def moderate_url(debate: Debate, comment: Comment) -> str:
    return reverse(
        "votes:comment_moderate", args=[debate.campaign.slug, debate.proposal.reference, comment.pk]
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("roles", [("moderator",), ("administrator",)])
def test_a_moderator_hides_a_flagged_comment_from_its_page(client, roles):
    debate = Debate()
    comment = debate.comment("Insulte.")
    comment_flag(comment=comment, user=debate.author, reason="Injurieux")
    client.force_login(make_user(roles=roles))
    page = text(client.get(moderate_url(debate, comment)))
    assert "Injurieux" in page and "Masquer le commentaire" in page
    response = client.post(moderate_url(debate, comment), {"reason": "Propos injurieux"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#{comment.anchor}")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN


def test_the_same_page_restores_a_hidden_comment(client):
    debate = Debate()
    comment = debate.comment("Ambigu.")
    comment_hide(comment=comment, moderator=debate.moderator, reason="À vérifier")
    client.force_login(debate.moderator)
    assert "Rétablir le commentaire" in text(client.get(moderate_url(debate, comment)))
    client.post(moderate_url(debate, comment), {"reason": "Vérifié"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


def test_a_decision_without_reason_is_shown_again_with_the_message(client):
    debate = Debate()
    comment = debate.comment("Insulte.")
    client.force_login(debate.moderator)
    response = client.post(moderate_url(debate, comment), {"reason": ""})
    assert response.status_code == 200
    assert "Indiquez le motif" in text(response)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert CommentModeration.objects.count() == 0


@pytest.mark.parametrize("roles", NOT_MODERATORS)
def test_nobody_else_reaches_the_decision_page(client, roles):
    debate = Debate()
    comment = debate.comment("Insulte.")
    client.force_login(make_user(roles=roles))
    assert client.get(moderate_url(debate, comment)).status_code == 403
    assert client.post(moderate_url(debate, comment), {"reason": "Non"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


def test_anonymous_visitors_are_sent_to_log_in(client):
    debate = Debate()
    comment = debate.comment("Insulte.")
    for response in (
        client.get(moderate_url(debate, comment)),
        client.post(moderate_url(debate, comment), {"reason": "Non"}),
        client.get(reverse("votes:comment_queue")),
    ):
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert CommentModeration.objects.count() == 0


def test_a_comment_of_another_proposal_is_not_found(client):
    debate, other = Debate(), Debate(tag="2")
    elsewhere = other.comment("Ailleurs.")
    client.force_login(debate.moderator)
    assert client.get(moderate_url(debate, elsewhere)).status_code == 404


def test_the_queue_lists_flagged_and_hidden_comments_and_the_decisions(client):
    debate = Debate()
    flagged = debate.comment("Signalé.")
    comment_flag(comment=flagged, user=debate.author, reason="Injurieux")
    hidden = debate.comment("Masqué.")
    comment_hide(comment=hidden, moderator=debate.moderator, reason="Hors sujet")
    client.force_login(debate.moderator)
    page = text(client.get(reverse("votes:comment_queue")))
    assert "Signalé." in page and "Injurieux" in page
    assert "Masqué." in page and "Hors sujet" in page
    assert moderate_url(debate, flagged) in page


@pytest.mark.parametrize("roles", NOT_MODERATORS)
def test_nobody_else_reaches_the_queue(client, roles):
    client.force_login(make_user(roles=roles))
    assert client.get(reverse("votes:comment_queue")).status_code == 403


def test_the_proposal_page_links_moderators_to_each_comment_decision(client):
    debate = Debate()
    comment = debate.comment("Un avis.")
    client.force_login(debate.moderator)
    assert moderate_url(debate, comment) in text(client.get(debate.url))
    client.force_login(debate.author)
    assert moderate_url(debate, comment) not in text(client.get(debate.url))

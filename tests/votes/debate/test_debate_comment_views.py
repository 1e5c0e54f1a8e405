"""votes/debate/views.py: posting, replying and flagging in place (htmx), the thread as each
reader sees it, bad input shown in place with nothing written."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.votes.debate.factories import Debate
from tests.votes.factories import make_proposal
from tests.votes.ratelimit_helpers import assert_refused, small_limits
from votes.campaigns.models import Phase
from votes.debate.models import Comment, CommentFlag
from votes.debate.services import comment_hide

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def post_url(debate: Debate) -> str:
    return reverse("votes:comment_post", args=[debate.campaign.slug, debate.proposal.reference])


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_proposal_page_shows_the_thread_and_its_form(client):
    debate = Debate()
    debate.comment("Bonne **idée**.")
    client.force_login(debate.author)
    page = text(client.get(debate.url))
    assert 'id="debat-proposal"' in page
    assert "Bonne <strong>idée</strong>." in page
    assert "Publier mon commentaire" in page


def test_a_comment_posted_with_htmx_comes_back_in_the_thread(client):
    debate = Debate()
    client.force_login(debate.reader)
    response = client.post(post_url(debate), {"body": "Oui !", "topic": "proposal"}, **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith('<section id="debat-proposal"')
    assert "Votre commentaire est publié." in page and "Oui !" in page
    assert Comment.objects.get().body == "Oui !"


def test_without_htmx_the_reader_goes_back_to_the_thread(client):
    debate = Debate()
    client.force_login(debate.reader)
    response = client.post(post_url(debate), {"body": "Oui !", "topic": "proposal"})
    assert response.status_code == 302
    assert response["Location"].endswith("#debat-proposal")
    assert Comment.objects.count() == 1


def test_an_empty_comment_is_shown_again_in_place_with_the_message(client):
    debate = Debate()
    client.force_login(debate.reader)
    response = client.post(post_url(debate), {"body": "  ", "topic": "proposal"}, **HTMX)
    assert response.status_code == 200
    assert "Écrivez votre commentaire avant de l'envoyer." in text(response)
    assert Comment.objects.count() == 0


def test_a_refusal_of_the_phase_is_shown_in_place_with_nothing_written(client):
    debate = Debate()
    client.force_login(debate.reader)
    debate.campaign.phase = Phase.VOTING
    debate.campaign.save(update_fields=["phase"])
    response = client.post(post_url(debate), {"body": "Trop tard", "topic": "proposal"}, **HTMX)
    page = text(response)
    assert "Impossible de commenter une proposition" in page
    assert 'name="body"' not in page
    assert Comment.objects.count() == 0


def test_an_unknown_topic_is_not_found(client):
    debate = Debate()
    client.force_login(debate.reader)
    response = client.post(post_url(debate), {"body": "Oui", "topic": "autre"}, **HTMX)
    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_a_reply_is_posted_under_its_comment(client):
    debate = Debate()
    first = debate.comment("Où ?")
    client.force_login(debate.author)
    url = reverse(
        "votes:comment_reply", args=[debate.campaign.slug, debate.proposal.reference, first.pk]
    )
    response = client.post(url, {"body": "Place du marché."}, **HTMX)
    assert "Votre réponse est publiée." in text(response)
    assert Comment.objects.get(parent=first).body == "Place du marché."


def test_an_empty_reply_keeps_its_form_open_with_the_message(client):
    debate = Debate()
    first = debate.comment("Où ?")
    client.force_login(debate.author)
    url = reverse(
        "votes:comment_reply", args=[debate.campaign.slug, debate.proposal.reference, first.pk]
    )
    page = text(client.post(url, {"body": ""}, **HTMX))
    assert "Écrivez votre commentaire avant de l'envoyer." in page
    assert f'id="id_reply{first.pk}_body"' in page
    assert Comment.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_written(client):
    debate = Debate()
    response = client.post(post_url(debate), {"body": "Oui", "topic": "proposal"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert Comment.objects.count() == 0
    assert "Connectez-vous pour commenter." in text(client.get(debate.url))


def test_scripts_in_a_comment_are_removed(client):
    debate = Debate()
    debate.comment("<script>alert(1)</script>[lien](javascript:alert(2)) <img src=x onerror=y>")
    page = client.get(debate.url).content.decode()
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page
    assert "onerror" not in page


def test_after_the_phase_the_thread_stays_readable_without_a_form(client):
    debate = Debate()
    debate.comment("Archivé.")
    debate.campaign.phase = Phase.VOTING
    debate.campaign.save(update_fields=["phase"])
    client.force_login(debate.reader)
    page = text(client.get(debate.url))
    assert "Archivé." in page
    assert "ils restent à lire" in page
    assert "Publier mon commentaire" not in page and "Répondre à" not in page


def test_a_hidden_comment_shows_its_reason_to_its_author_and_nothing_to_the_public(client):
    debate = Debate()
    comment = debate.comment("Propos déplacé.")
    comment_hide(comment=comment, moderator=debate.moderator, reason="Hors sujet")
    public = text(client.get(debate.url))
    assert "Propos déplacé." not in public and "Hors sujet" not in public
    client.force_login(debate.reader)
    own = text(client.get(debate.url))
    assert "Propos déplacé." in own
    assert "Commentaire masqué par la modération." in own and "Motif : Hors sujet" in own


def test_a_reader_flags_a_comment_in_place(client):
    debate = Debate()
    comment = debate.comment("Insulte.")
    client.force_login(debate.author)
    url = reverse(
        "votes:comment_flag", args=[debate.campaign.slug, debate.proposal.reference, comment.pk]
    )
    page = text(client.post(url, {"reason": "Injurieux"}, **HTMX))
    assert "votre signalement est transmis à la modération" in page
    assert "Vous avez signalé ce commentaire" in page
    assert CommentFlag.objects.get().reason == "Injurieux"


def test_a_flag_without_reason_is_shown_again_in_place(client):
    debate = Debate()
    comment = debate.comment("Insulte.")
    client.force_login(debate.author)
    url = reverse(
        "votes:comment_flag", args=[debate.campaign.slug, debate.proposal.reference, comment.pk]
    )
    page = text(client.post(url, {"reason": ""}, **HTMX))
    assert "Indiquez pourquoi vous signalez ce commentaire." in page
    assert f'id="id_flag{comment.pk}_reason"' in page
    assert CommentFlag.objects.count() == 0


def test_comments_are_rate_limited_per_account(client, settings):
    small_limits(settings, "comment_create", ip=100, target=2)
    debate = Debate()
    client.force_login(debate.reader)
    for body in ("Un", "Deux"):
        client.post(post_url(debate), {"body": body, "topic": "proposal"}, **HTMX)
    assert_refused(client.post(post_url(debate), {"body": "Trois", "topic": "proposal"}))
    assert Comment.objects.count() == 2


def test_flags_are_rate_limited_per_account(client, settings):
    small_limits(settings, "comment_flag", ip=100, target=1)
    debate = Debate()
    first, second = debate.comment("Un"), debate.comment("Deux")
    client.force_login(debate.author)
    for comment in (first, second):
        url = reverse(
            "votes:comment_flag",
            args=[debate.campaign.slug, debate.proposal.reference, comment.pk],
        )
        response = client.post(url, {"reason": "Abus"})
    assert_refused(response)
    assert CommentFlag.objects.count() == 1


def test_the_list_shows_how_many_comments_each_proposal_has(client):
    debate = Debate()
    debate.comment("Un")
    debate.comment("Deux")
    hidden = debate.comment("Trois")
    comment_hide(comment=hidden, moderator=debate.moderator, reason="Non")
    page = text(client.get(reverse("votes:proposal_list", args=[debate.campaign.slug])))
    assert "2 commentaires" in page


def test_the_counts_cost_no_query_per_card(client):
    debate = Debate()
    url = reverse("votes:proposal_list", args=[debate.campaign.slug])
    debate.comment("Un")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        debate.proposal = make_proposal(debate.campaign, author=debate.author)
        debate.comment(f"Commentaire {n}")
    with CaptureQueriesContext(connection) as five:
        assert text(client.get(url)).count("1 commentaire<") == 5
    assert len(five) == len(one)


def test_without_htmx_a_refused_comment_comes_back_on_the_page_with_its_text(client):
    debate = Debate()
    client.force_login(debate.reader)
    long_text = "x" * 3001
    response = client.post(post_url(debate), {"body": long_text, "topic": "proposal"})
    assert response.status_code == 200
    page = text(response)
    assert "Votre commentaire fait 3001 caractères : 3000 au plus." in page
    assert long_text in page
    assert "Description" in page  # the whole proposal page
    assert Comment.objects.count() == 0

"""The debate and its notifications in a real browser: comment, reply, flag, hide (the author
sees the reason), restore; the e-mail's unsubscribe link followed; following a campaign; axe
finds no serious violation on the new pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.e2e.conftest import RECORD_CSP_VIOLATIONS, assert_accessible, wait_until
from tests.votes.debate.factories import Debate
from votes.debate.models import Comment, CommentFlag
from votes.notifications.models import Follow, Preferences

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def logged_in(browser, live_server, user=None):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    if user is not None:
        session = Client()
        session.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": session.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def test_comment_reply_flag_hide_and_restore(live_server, browser):
    debate = Debate()
    base = live_server.url
    url = base + debate.url
    contexts = []
    try:
        # A reader comments, in place.
        context, reader = logged_in(browser, live_server, debate.reader)
        contexts.append(context)
        reader.goto(url)
        assert_accessible(reader)
        reader.locator("#id_proposal_body").fill("Un banc **près de l'école**, oui.")
        reader.locator("#comment-submit-proposal").click()
        reader.locator("#debat-proposal .message-success").wait_for()
        assert "près de l'école" in reader.locator("#debat-proposal .comment").first.inner_text()
        comment = Comment.objects.get()
        assert_accessible(reader)

        # The thread's count follows the swap.
        wait_until(
            reader,
            "document.querySelector('#debat-proposal-title').textContent"
            ".includes('(1 commentaire)')",
        )

        # The proposal's author is told by e-mail, and replies in place.
        assert [m.to for m in mail.outbox] == [["a@exemple.fr"]]
        context, author = logged_in(browser, live_server, debate.author)
        contexts.append(context)
        author.goto(url)
        author.get_by_text("Répondre à lecteur").click()
        author.locator(f"#id_reply{comment.pk}_body").fill("Merci, c'est l'idée.")
        author.locator(f"#reply-submit-{comment.pk}").click()
        author.locator("#debat-proposal .replies .comment").wait_for()
        assert Comment.objects.get(parent=comment).body == "Merci, c'est l'idée."

        # The author flags the reader's comment; an empty reason is refused in place first.
        author.get_by_text("Signaler ce commentaire").first.click()
        author.locator(f"#flag-submit-{comment.pk}").click()
        author.locator("#debat-proposal .errorlist").filter(
            has_text="Indiquez pourquoi vous signalez ce commentaire."
        ).wait_for()
        assert CommentFlag.objects.count() == 0
        author.locator(f"#id_flag{comment.pk}_reason").fill("Hors sujet")
        author.locator(f"#flag-submit-{comment.pk}").click()
        author.get_by_text("votre signalement est transmis à la modération").wait_for()
        assert CommentFlag.objects.get().reason == "Hors sujet"
        assert_accessible(author)

        # The moderator finds it in the queue and hides it, with a reason.
        context, moderator = logged_in(browser, live_server, debate.moderator)
        contexts.append(context)
        moderator.goto(base + "/moderation/commentaires/")
        assert_accessible(moderator)
        with moderator.expect_navigation():
            moderator.get_by_role("link", name="Examiner et décider").click()
        assert_accessible(moderator)
        moderator.get_by_label(re.compile("^Motif")).fill("Propos hors sujet")
        with moderator.expect_navigation():
            moderator.get_by_role("button", name="Masquer le commentaire").click()
        comment.refresh_from_db()
        assert comment.status == Comment.Status.HIDDEN
        assert "Commentaire masqué ; son auteur voit le motif." in moderator.inner_text("body")

        # The comment's author sees it hidden, with the reason; the public does not see it.
        reader.goto(url)
        hidden = reader.locator(f"#{comment.anchor}")
        assert "Commentaire masqué par la modération." in hidden.inner_text()
        assert "Motif : Propos hors sujet" in hidden.inner_text()
        assert_accessible(reader)
        context, public = logged_in(browser, live_server)
        contexts.append(context)
        public.goto(url)
        assert "près de l'école" not in public.inner_text("main")
        assert "Merci, c'est l'idée." in public.inner_text("main")  # the reply stays in context

        # The moderator restores it.
        moderator.goto(f"{url}commentaires/{comment.pk}/moderation/")
        moderator.get_by_label(re.compile("^Motif")).fill("Vérifié, à sa place")
        with moderator.expect_navigation():
            moderator.get_by_role("button", name="Rétablir le commentaire").click()
        public.goto(url)
        assert "près de l'école" in public.inner_text("main")
    finally:
        for context in contexts:
            context.close()


def test_the_unsubscribe_link_of_the_e_mail_and_the_choices_of_my_account(live_server, browser):
    debate = Debate()
    debate.comment("Bonne idée.")
    (message,) = mail.outbox
    link = re.search(r"Ne plus recevoir ce type de message, en un clic : (\S+)", message.body)
    path = "/" + link.group(1).split("://", 1)[1].split("/", 1)[1]
    context, anonymous = logged_in(browser, live_server)
    try:
        anonymous.goto(live_server.url + path)
        assert "vous ne recevrez plus ces messages" in anonymous.inner_text("main")
        assert_accessible(anonymous)
        assert Preferences.objects.get(user=debate.author).proposal_comment is False
    finally:
        context.close()

    context, author = logged_in(browser, live_server, debate.author)
    try:
        author.goto(live_server.url + "/compte/mes-donnees/")
        assert_accessible(author)
        box = author.get_by_label("Les commentaires sur mes propositions")
        assert not box.is_checked()
        box.check()
        author.get_by_role("button", name="Enregistrer mes choix").click()
        author.get_by_text("Vos choix de notifications sont enregistrés.").wait_for()
        assert Preferences.objects.get(user=debate.author).proposal_comment is True

        # Following the campaign, in place.
        author.goto(live_server.url + debate.campaign.get_absolute_url())
        author.get_by_role("button", name="Suivre cette campagne").click()
        author.get_by_role("button", name="Ne plus suivre cette campagne").wait_for()
        assert Follow.objects.filter(user=debate.author, campaign=debate.campaign).exists()
        assert_accessible(author)
    finally:
        context.close()

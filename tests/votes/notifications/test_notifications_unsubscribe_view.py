"""votes/notifications/views.py: the one-click unsubscribe link of every notification (signed,
no login), per kind or all, and the List-Unsubscribe one-click post of mail clients."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from tests.votes.debate.factories import Debate
from votes.notifications.models import Kind, Preferences
from votes.notifications.sending import ALL, unsubscribe_token
from votes.notifications.services import current_choices

pytestmark = pytest.mark.django_db


def link_in(body: str, label: str) -> str:
    line = next(line for line in body.splitlines() if line.startswith(label))
    return re.search(r"https?://\S+", line).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def mailed(mailoutbox, django_capture_on_commit_callbacks):
    """The author of a proposal got the e-mail about a comment."""
    debate = Debate()
    with django_capture_on_commit_callbacks(execute=True):
        debate.comment("Bonne idée.")
    assert len(mailoutbox) == 1
    return debate, mailoutbox[0]


def test_following_the_link_stops_that_kind_without_logging_in(client, mailed):
    debate, message = mailed
    url = link_in(message.body, "Ne plus recevoir ce type de message")
    response = client.get(path_of(url))
    assert response.status_code == 200
    assert "vous ne recevrez plus ces messages" in html.unescape(response.content.decode())
    choices = current_choices(debate.author)
    assert choices[Kind.PROPOSAL_COMMENT] is False
    assert choices[Kind.VOTE_RECORDED] is True


def test_the_next_comment_is_then_not_mailed(client, mailed, django_capture_on_commit_callbacks):
    debate, message = mailed
    client.get(path_of(link_in(message.body, "Ne plus recevoir ce type de message")))
    with django_capture_on_commit_callbacks(execute=True):
        debate.comment("Encore un.")
    assert len(mail.outbox) == 1


def test_the_other_link_stops_every_notification(client, mailed):
    debate, message = mailed
    debate.author.profile.notify_results = True
    debate.author.profile.save(update_fields=["notify_results"])
    client.get(path_of(link_in(message.body, "Ne plus recevoir aucune notification")))
    debate.author.refresh_from_db()
    debate.author.profile.refresh_from_db()
    assert set(current_choices(debate.author).values()) == {False}


def test_the_list_unsubscribe_header_works_as_a_one_click_post_without_csrf(mailed):
    debate, message = mailed
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    client = Client(enforce_csrf_checks=True)
    response = client.post(path_of(url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preferences.objects.get(user=debate.author).proposal_comment is False


def test_the_page_offers_to_stop_everything(client, mailed):
    debate, message = mailed
    page = client.get(path_of(link_in(message.body, "Ne plus recevoir ce type de message")))
    all_url = reverse(
        "votes:unsubscribe", kwargs={"token": unsubscribe_token(user=debate.author, kind=ALL)}
    )
    assert all_url in page.content.decode()
    response = client.post(all_url, {"page": "1"})
    assert "aucune notification" in html.unescape(response.content.decode())
    assert set(current_choices(debate.author).values()) == {False}


@pytest.mark.parametrize("token", ["abc", "eyJ1IjoxLCJrIjoiYWxsIn0:1abc:forged"])
def test_a_broken_or_forged_link_says_so_and_changes_nothing(client, token):
    debate = Debate()
    response = client.get(reverse("votes:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    assert "lien de désabonnement n'est pas valide" in html.unescape(response.content.decode())
    assert not Preferences.objects.filter(user=debate.author).exists()


def test_a_link_for_an_unknown_kind_is_refused(client):
    debate = Debate()
    token = signing.dumps(
        {"u": debate.author.pk, "k": "spam"}, salt="votes.notifications.unsubscribe"
    )
    response = client.get(reverse("votes:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    assert not Preferences.objects.exists()

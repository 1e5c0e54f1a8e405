"""The moderation decision screen: moderators only, reason required, back to where they were."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal, make_voter
from votes.proposals.models import ModerationAction, Proposal

pytestmark = pytest.mark.django_db


def setup(status=Proposal.Status.PUBLISHED):
    author = make_voter(outside_territory=True, email="auteur@example.org")
    proposal = make_proposal(make_campaign(), author=author, status=status)
    url = reverse(
        "votes:moderation_decide",
        kwargs={"slug": proposal.campaign.slug, "reference": proposal.reference},
    )
    return proposal, url


def status(proposal) -> str:
    proposal.refresh_from_db()
    return proposal.status


def test_anonymous_visitors_are_sent_to_log_in(client):
    proposal, url = setup()

    response = client.post(url, {"reason": "Spam"})

    assert response["Location"].startswith("/connexion/")
    assert status(proposal) == Proposal.Status.PUBLISHED


@pytest.mark.parametrize("roles", [(), ("instructor",), ("finance",)])
def test_a_voter_or_a_service_cannot_moderate(client, roles):
    proposal, url = setup()
    client.force_login(make_user(roles=roles))

    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Spam"}).status_code == 403
    assert status(proposal) == Proposal.Status.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_a_moderator_hides_and_the_author_gets_the_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal, url = setup()
    client.force_login(make_user(roles=("moderator",)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Propos injurieux", "next": "/moderation/"})

    assert response.status_code == 302
    assert response["Location"] == "/moderation/"
    assert status(proposal) == Proposal.Status.HIDDEN
    assert ModerationAction.objects.get().reason == "Propos injurieux"
    assert "Motif : Propos injurieux" in mailoutbox[0].body


def test_a_moderator_restores_a_hidden_proposal(client, django_capture_on_commit_callbacks):
    proposal, url = setup(status=Proposal.Status.HIDDEN)
    client.force_login(make_user(roles=("moderator",)))

    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Signalement infondé"})

    assert "Rétablir la proposition" in page.content.decode()
    assert status(proposal) == Proposal.Status.PUBLISHED


def test_an_empty_reason_is_refused_in_place(client, mailoutbox):
    proposal, url = setup()
    client.force_login(make_user(roles=("moderator",)))

    response = client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Indiquez le motif : il est conservé et envoyé à l'auteur."
    ]
    assert status(proposal) == Proposal.Status.PUBLISHED
    assert not ModerationAction.objects.exists()
    assert mailoutbox == []


def test_an_outside_next_address_is_ignored(client):
    proposal, url = setup()
    client.force_login(make_user(roles=("moderator",)))

    response = client.post(url, {"reason": "Spam", "next": "https://ailleurs.example/"})

    assert response["Location"] == proposal.get_absolute_url()


def test_a_moderator_cannot_hide_a_withdrawn_proposal(client):
    proposal, url = setup(status=Proposal.Status.WITHDRAWN)
    client.force_login(make_user(roles=("moderator",)))

    response = client.post(url, {"reason": "Spam"})

    assert "Seule une proposition publiée peut être masquée." in response.content.decode()
    assert status(proposal) == Proposal.Status.WITHDRAWN

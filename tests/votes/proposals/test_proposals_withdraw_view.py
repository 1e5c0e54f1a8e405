"""The withdrawal screen: a confirmation, then a POST by the author only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal, make_voter
from votes.campaigns.models import Phase
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def setup(**campaign_fields):
    author = make_voter(outside_territory=True)
    campaign = make_campaign(**campaign_fields)
    proposal = make_proposal(campaign, author=author)
    url = reverse(
        "votes:proposal_withdraw", kwargs={"slug": campaign.slug, "reference": proposal.reference}
    )
    return author, proposal, url


def status(proposal) -> str:
    proposal.refresh_from_db()
    return proposal.status


def test_anonymous_visitors_are_sent_to_log_in(client):
    _author, proposal, url = setup()

    response = client.post(url)

    assert response["Location"].startswith("/connexion/")
    assert status(proposal) == Proposal.Status.PUBLISHED


def test_another_user_gets_a_403(client):
    _author, proposal, url = setup()
    client.force_login(make_voter(outside_territory=True))

    assert client.post(url).status_code == 403
    assert status(proposal) == Proposal.Status.PUBLISHED


def test_a_get_only_asks_for_confirmation(client):
    author, proposal, url = setup()
    client.force_login(author)

    response = client.get(url)

    assert "Oui, retirer ma proposition" in response.content.decode()
    assert status(proposal) == Proposal.Status.PUBLISHED


def test_the_author_confirms_and_the_proposal_is_withdrawn(client):
    author, proposal, url = setup()
    client.force_login(author)

    response = client.post(url, follow=True)

    assert status(proposal) == Proposal.Status.WITHDRAWN
    assert "Votre proposition est retirée." in [str(m) for m in response.context["messages"]]


def test_outside_its_phases_the_withdrawal_is_refused_with_the_message(client):
    author, proposal, url = setup(phase=Phase.VOTING)
    client.force_login(author)

    response = client.post(url)

    assert response.status_code == 200
    assert "Impossible de retirer une proposition" in response.content.decode()
    assert status(proposal) == Proposal.Status.PUBLISHED


def test_a_moderator_cannot_withdraw_someone_elses_proposal(client):
    _author, proposal, url = setup()
    client.force_login(make_user(roles=("moderator",)))

    assert client.post(url).status_code == 403
    assert status(proposal) == Proposal.Status.PUBLISHED

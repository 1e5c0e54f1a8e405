"""The support button: login, htmx partial with the new count, phase note."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal
from votes.campaigns.models import Phase
from votes.proposals.models import Support

pytestmark = pytest.mark.django_db


def setup(phase=Phase.SUPPORTS):
    proposal = make_proposal(make_campaign(phase=phase, supports_enabled=True))
    url = reverse(
        "votes:proposal_support",
        kwargs={"slug": proposal.campaign.slug, "reference": proposal.reference},
    )
    return proposal, url


def test_anonymous_visitors_are_sent_to_log_in(client):
    _proposal, url = setup()

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert not Support.objects.exists()


def test_a_get_is_not_allowed(client):
    _proposal, url = setup()
    client.force_login(make_user())

    assert client.get(url).status_code == 405


def test_htmx_gets_the_button_back_with_the_new_count(client):
    proposal, url = setup()
    Support.objects.create(proposal=proposal, user=make_user())
    client.force_login(make_user())

    response = client.post(url, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "<html" not in content
    assert "2 soutiens" in content
    assert "Retirer mon soutien" in content
    assert 'aria-pressed="true"' in content
    assert Support.objects.filter(proposal=proposal).count() == 2


def test_without_htmx_it_returns_to_the_proposal(client):
    proposal, url = setup()
    client.force_login(make_user())

    response = client.post(url)

    assert response["Location"] == proposal.get_absolute_url()
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_outside_the_supports_phase_it_explains_and_writes_nothing(client):
    proposal, url = setup(phase=Phase.INSTRUCTION)
    client.force_login(make_user())

    htmx = client.post(url, headers={"HX-Request": "true"})
    plain = client.post(url, follow=True)

    assert "Impossible de soutenir une proposition" in htmx.content.decode()
    assert any(
        "Impossible de soutenir une proposition" in str(m) for m in plain.context["messages"]
    )
    assert not Support.objects.exists()


def test_the_page_shows_the_button_during_supports_and_a_note_otherwise(client):
    open_proposal, _url = setup()
    closed_proposal, _url = setup(phase=Phase.PROPOSALS)
    client.force_login(make_user())

    open_page = client.get(open_proposal.get_absolute_url()).content.decode()
    closed_page = client.get(closed_proposal.get_absolute_url()).content.decode()

    assert "Soutenir cette proposition" in open_page
    assert "Soutenir cette proposition" not in closed_page
    assert "Les soutiens sont possibles pendant la phase « Soutiens »" in closed_page


def test_anonymous_visitors_see_a_login_link_instead_of_the_button(client):
    proposal, _url = setup()

    content = client.get(proposal.get_absolute_url()).content.decode()

    assert "Connectez-vous pour soutenir cette proposition." in content

"""The edit screen: login, the author only, the phase, errors in place."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_proposal, make_voter
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


def setup(**campaign_fields):
    author = make_voter(outside_territory=True)
    campaign = make_campaign(**campaign_fields)
    proposal = make_proposal(campaign, author=author, title="Avant")
    url = reverse(
        "votes:proposal_edit", kwargs={"slug": campaign.slug, "reference": proposal.reference}
    )
    return author, proposal, url


def data(proposal, **extra) -> dict:
    return {
        "title": "Après",
        "category": proposal.category_id,
        "description": "Nouveau",
        "estimate": "",
        "commune": "",
        "place": "",
        **extra,
    }


def test_anonymous_visitors_are_sent_to_log_in(client):
    _author, proposal, url = setup()

    response = client.post(url, data(proposal))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


@pytest.mark.parametrize("roles", [(), ("moderator",), ("administrator",)])
def test_anyone_but_the_author_gets_a_403(client, roles):
    _author, proposal, url = setup()
    client.force_login(make_user(roles=roles))

    assert client.get(url).status_code == 403
    assert client.post(url, data(proposal)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


def test_the_author_edits_and_returns_to_the_page(client):
    author, proposal, url = setup()
    client.force_login(author)

    form_page = client.get(url)
    response = client.post(url, data(proposal))

    assert form_page.context["form"].initial["title"] == "Avant"
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.title == "Après"


def test_after_the_proposals_phase_the_form_is_replaced_by_the_message(client):
    author, proposal, url = setup(phase=Phase.INSTRUCTION)
    client.force_login(author)

    page = client.get(url)
    refused = client.post(url, data(proposal))

    assert "Impossible de modifier une proposition" in page.content.decode()
    assert "Impossible de modifier une proposition" in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


def test_an_empty_title_and_a_foreign_category_are_refused_in_place(client):
    author, proposal, url = setup()
    foreign = make_category(make_campaign())
    client.force_login(author)

    response = client.post(url, data(proposal, title="", category=foreign.pk))

    errors = response.context["form"].errors
    assert errors["title"] == ["Ce champ est obligatoire."]
    assert errors["category"] == ["Choisissez une rubrique de cette campagne."]
    proposal.refresh_from_db()
    assert proposal.title == "Avant"


def test_the_author_sees_edit_and_withdraw_links_only_while_allowed(client):
    author, proposal, url = setup()
    client.force_login(author)

    open_page = client.get(proposal.get_absolute_url()).content.decode()
    proposal.campaign.phase = Phase.INSTRUCTION
    proposal.campaign.save()
    closed_page = client.get(proposal.get_absolute_url()).content.decode()

    assert url in open_page
    assert url not in closed_page
    assert "Retirer ma proposition" not in closed_page

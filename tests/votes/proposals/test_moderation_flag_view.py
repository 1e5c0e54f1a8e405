"""The flag form on a proposal page: login, reason required, once, htmx in place."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal
from votes.proposals.models import Flag

pytestmark = pytest.mark.django_db


def setup():
    proposal = make_proposal(make_campaign())
    url = reverse(
        "votes:proposal_flag",
        kwargs={"slug": proposal.campaign.slug, "reference": proposal.reference},
    )
    return proposal, url


def test_anonymous_visitors_are_sent_to_log_in(client):
    _proposal, url = setup()

    response = client.post(url, {"reason": "Spam"})

    assert response["Location"].startswith("/connexion/")
    assert not Flag.objects.exists()


def test_a_flag_is_recorded_and_thanked(client):
    proposal, url = setup()
    user = make_user()
    client.force_login(user)

    response = client.post(url, {"reason": "Propos racistes"}, follow=True)

    assert Flag.objects.get().reason == "Propos racistes"
    assert "Merci : votre signalement est transmis à la modération." in [
        str(m) for m in response.context["messages"]
    ]
    assert "Vous avez signalé cette proposition" in response.content.decode()


def test_an_empty_reason_is_refused_in_place(client):
    _proposal, url = setup()
    client.force_login(make_user())

    response = client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert response.context["flag_form"].errors["reason"] == [
        "Indiquez pourquoi vous signalez cette proposition."
    ]
    assert not Flag.objects.exists()


def test_a_second_flag_by_the_same_user_is_refused_in_place(client):
    proposal, url = setup()
    user = make_user()
    Flag.objects.create(proposal=proposal, user=user, reason="Spam")
    client.force_login(user)

    response = client.post(url, {"reason": "Encore"}, headers={"HX-Request": "true"})

    assert "Vous avez déjà signalé cette proposition." in response.content.decode()
    assert Flag.objects.count() == 1


def test_htmx_gets_the_thanks_in_place(client):
    _proposal, url = setup()
    client.force_login(make_user())

    response = client.post(url, {"reason": "Spam"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "<html" not in content
    assert "Merci : votre signalement est transmis à la modération." in content


def test_the_page_offers_the_form_to_logged_in_users_only(client):
    proposal, url = setup()

    anonymous = client.get(proposal.get_absolute_url()).content.decode()
    client.force_login(make_user())
    logged_in = client.get(proposal.get_absolute_url()).content.decode()

    assert "Connectez-vous pour signaler un contenu abusif." in anonymous
    assert f'action="{url}"' not in anonymous
    assert f'action="{url}"' in logged_in

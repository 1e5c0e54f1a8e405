"""votes/notifications/views.py: "suivre cette campagne", in place on the campaign page."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.votes.factories import make_campaign, make_commune, make_voter
from votes.campaigns.models import Phase
from votes.notifications.models import Follow

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def campaign():
    return make_campaign(phase=Phase.PROPOSALS)


@pytest.fixture
def person(campaign):
    return make_voter(commune=make_commune(campaign.authority))


def url(campaign) -> str:
    return reverse("votes:campaign_follow", args=[campaign.slug])


def test_the_campaign_page_offers_to_follow(client, campaign, person):
    client.force_login(person)
    page = html.unescape(client.get(campaign.get_absolute_url()).content.decode())
    assert "Suivre cette campagne" in page


def test_following_and_unfollowing_in_place(client, campaign, person):
    client.force_login(person)
    page = html.unescape(client.post(url(campaign), {"follow": "1"}, **HTMX).content.decode())
    assert page.lstrip().startswith('<div id="follow"')
    assert "Ne plus suivre cette campagne" in page
    assert Follow.objects.filter(user=person, campaign=campaign).exists()
    client.post(url(campaign), {"follow": "1"}, **HTMX)  # a double click: still one row
    assert Follow.objects.count() == 1
    page = html.unescape(client.post(url(campaign), {"follow": "0"}, **HTMX).content.decode())
    assert "Suivre cette campagne" in page
    assert not Follow.objects.exists()


def test_without_htmx_the_page_comes_back(client, campaign, person):
    client.force_login(person)
    response = client.post(url(campaign), {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()


def test_a_draft_campaign_cannot_be_followed(client, person):
    draft = make_campaign(phase=Phase.DRAFT)
    client.force_login(person)
    assert client.post(url(draft), {"follow": "1"}).status_code == 404
    assert not Follow.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, campaign):
    response = client.post(url(campaign), {"follow": "1"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not Follow.objects.exists()
    assert "Connectez-vous pour suivre" in client.get(campaign.get_absolute_url()).content.decode()


def test_following_needs_a_post(client, campaign, person):
    client.force_login(person)
    assert client.get(url(campaign)).status_code == 405

"""The public pages during and after the supports phase: the threshold, each proposal's
supports against it, and the "not retained at the supports stage" status."""

from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_proposal
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import campaign_move
from votes.proposals.models import Proposal, Support

pytestmark = pytest.mark.django_db


def campaign_in_supports() -> Campaign:
    campaign = make_campaign(
        slug="bp-2026", phase=Phase.SUPPORTS, supports_enabled=True, supports_threshold=2
    )
    make_category(campaign)
    return campaign


def supported(campaign: Campaign, count: int, title: str) -> Proposal:
    proposal = make_proposal(campaign, title=title)
    for _n in range(count):
        Support.objects.create(proposal=proposal, user=make_user())
    return proposal


def test_the_campaign_page_announces_the_threshold_and_where_proposals_stand(client):
    campaign = campaign_in_supports()
    supported(campaign, 2, "Assez soutenue")
    supported(campaign, 1, "Pas encore")

    content = client.get(f"/campagnes/{campaign.slug}/").content.decode()

    assert "Une proposition doit réunir au moins 2 soutiens pour être instruite" in content
    assert "Aujourd'hui, 1 proposition sur 2 a atteint le seuil." in content


def test_the_list_shows_each_proposals_supports_against_the_threshold(client):
    campaign = campaign_in_supports()
    supported(campaign, 2, "Assez soutenue")
    supported(campaign, 1, "Pas encore")

    content = client.get(f"/campagnes/{campaign.slug}/propositions/").content.decode()

    assert "Pour être instruite, une proposition doit réunir au moins 2 soutiens" in content
    assert "1 proposition sur 2 a atteint le seuil." in content
    assert "2 soutiens sur 2 requis" in content
    assert "1 soutien sur 2 requis" in content
    assert content.count("seuil atteint") == 1
    assert 'max="2" value="1"' in content


def test_the_proposal_page_shows_its_supports_against_the_threshold(client):
    campaign = campaign_in_supports()
    proposal = supported(campaign, 1, "Pas encore")

    content = client.get(proposal.get_absolute_url()).content.decode()

    assert "1 soutien sur 2 requis" in content


def test_after_the_phase_a_not_retained_proposal_stays_public_with_its_status(client):
    campaign = campaign_in_supports()
    supported(campaign, 2, "Retenue")
    dropped = supported(campaign, 0, "Trop peu soutenue")
    campaign_move(
        campaign=campaign, to_phase=Phase.INSTRUCTION, by=make_user(roles=(ADMINISTRATOR,))
    )

    listing = client.get(f"/campagnes/{campaign.slug}/propositions/").content.decode()
    page = client.get(dropped.get_absolute_url())

    assert "Trop peu soutenue" in listing
    assert "Non retenue à l&#x27;étape des soutiens" in listing
    assert "1 proposition n'a pas atteint le seuil de 2 soutiens" in listing
    assert page.status_code == 200
    assert "Non retenue à l&#x27;étape des soutiens" in page.content.decode()


def test_a_campaign_without_threshold_shows_plain_counts(client):
    campaign = make_campaign(slug="bp-2026", phase=Phase.SUPPORTS, supports_enabled=True)
    supported(campaign, 1, "Soutenue")

    content = client.get(f"/campagnes/{campaign.slug}/propositions/").content.decode()

    assert "1 soutien" in content and "requis" not in content

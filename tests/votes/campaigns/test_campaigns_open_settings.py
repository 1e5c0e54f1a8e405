"""The debate switch and the reminder delay: campaign settings, not promises to voters, so they
stay editable once the vote is open (campaign_update, the management page)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_user
from tests.votes.campaigns.test_campaigns_admin_pages import form_data
from tests.votes.factories import make_campaign
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.services import campaign_update

pytestmark = pytest.mark.django_db


def test_during_the_vote_the_debate_and_the_reminder_can_still_change():
    campaign = make_campaign(phase=Phase.VOTING)
    admin = make_user(roles=("administrator",))
    campaign_update(campaign=campaign, by=admin, comments_enabled=False, reminder_days=5)
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.comments_enabled, saved.reminder_days) == (False, 5)


def test_during_the_vote_the_rules_beside_them_still_do_not():
    campaign = make_campaign(phase=Phase.VOTING, min_voter_age=16)
    admin = make_user(roles=("administrator",))
    with pytest.raises(ValidationError):
        campaign_update(campaign=campaign, by=admin, reminder_days=5, min_voter_age=18)
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.reminder_days, saved.min_voter_age) == (3, 16)


def test_the_management_page_saves_them_while_the_vote_is_open(admin_client):
    campaign = make_campaign(phase=Phase.VOTING, framing="Le texte voté.")
    url = f"/gestion/campagnes/{campaign.slug}/"
    assert "Les commentaires et le rappel de vote restent réglables." in (
        admin_client.get(url).content.decode()
    )
    admin_client.post(url, form_data(campaign, comments_enabled="", reminder_days="7"))
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.comments_enabled, saved.reminder_days) == (False, 7)


def test_a_negative_reminder_is_refused_with_a_message(admin_client):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    url = f"/gestion/campagnes/{campaign.slug}/"
    response = admin_client.post(url, form_data(campaign, reminder_days="-1"))
    assert response.status_code == 200
    assert "supérieure ou égale à 0" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).reminder_days == 3

"""The supports threshold: a number set in the contract, needed to open the supports phase,
frozen once it opens (refused with a message, nothing written)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign
from votes.campaigns.forms import CampaignEditForm
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.services import campaign_update
from votes.campaigns.workflow import campaign_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(username="mission", roles=(ADMINISTRATOR,))


def threshold_in_db(campaign: Campaign) -> int | None:
    return Campaign.objects.get(pk=campaign.pk).supports_threshold


def test_the_supports_phase_does_not_open_without_a_threshold(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=True)

    with pytest.raises(ValidationError) as refusal:
        campaign_move(campaign=campaign, to_phase=Phase.SUPPORTS, by=admin)

    assert "Fixez le seuil de soutiens" in " ".join(refusal.value.messages)
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.PROPOSALS
    assert not PhaseTransition.objects.exists()


def test_the_threshold_is_set_before_the_supports_phase(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=True)

    campaign_update(campaign=campaign, by=admin, supports_threshold=25)
    campaign_move(campaign=campaign, to_phase=Phase.SUPPORTS, by=admin)

    assert threshold_in_db(campaign) == 25
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.SUPPORTS


@pytest.mark.parametrize("phase", [Phase.SUPPORTS, Phase.INSTRUCTION])
def test_the_threshold_is_frozen_once_the_supports_phase_opened(admin, phase):
    campaign = make_campaign(phase=phase, supports_enabled=True, supports_threshold=25)

    with pytest.raises(ValidationError) as refusal:
        campaign_update(campaign=campaign, by=admin, supports_threshold=10, title="Nouveau titre")

    assert refusal.value.message_dict["supports_threshold"] == [
        "Le seuil de soutiens est figé depuis l'ouverture de la phase de soutiens : les "
        "habitants ont soutenu en le connaissant."
    ]
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.supports_threshold, saved.title) == (25, campaign.title)


def test_a_threshold_of_zero_is_refused(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=True)

    with pytest.raises(ValidationError):
        campaign_update(campaign=campaign, by=admin, supports_threshold=0)

    assert threshold_in_db(campaign) is None


def test_the_rules_form_shows_the_frozen_threshold_disabled():
    before = make_campaign(phase=Phase.PROPOSALS, supports_enabled=True)
    during = make_campaign(phase=Phase.SUPPORTS, supports_enabled=True, supports_threshold=5)

    assert not CampaignEditForm(instance=before).fields["supports_threshold"].disabled
    assert CampaignEditForm(instance=during).fields["supports_threshold"].disabled

from __future__ import annotations

import pytest

from tests.votes.factories import make_campaign, make_commune, make_proposal, make_voter
from votes.campaigns.models import Phase
from votes.proposals.models import Support

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("phase", "shown"), [(Phase.SUPPORTS, True), (Phase.VOTING, False)])
def test_support_counts_are_hidden_from_the_list_while_the_vote_is_open(client, phase, shown):
    campaign = make_campaign(phase=phase, supports_enabled=True)
    proposal = make_proposal(campaign)
    Support.objects.create(
        proposal=proposal, user=make_voter(commune=make_commune(campaign.authority))
    )

    body = client.get(f"/campagnes/{campaign.slug}/propositions/").content.decode()

    assert ("1 soutien" in body) is shown

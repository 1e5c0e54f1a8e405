"""The ballot page of a campaign an EPCI shares among its communes says which categories are
reserved to the residents of one commune."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.votes.factories import make_voter
from tests.votes.voting.test_shared_campaign_ballots import shared_campaign

pytestmark = pytest.mark.django_db


def test_each_communes_category_says_whom_it_is_for(client):
    campaign, saran, _ormes, _proposals = shared_campaign()
    client.force_login(make_voter(commune=saran))

    html = client.get(reverse("votes:ballot", args=[campaign.slug])).content.decode()

    assert "Rubrique réservée aux habitants de Saran." in html
    assert "Rubrique réservée aux habitants de Ormes." in html
    assert html.count("Rubrique réservée aux habitants de") == 2  # not the whole territory's

"""The demo (`make run`) gives the API something to show: the demo commune, its budget and
lines, the demo campaign with its categories and public proposals, hidden ones left out."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.votes.api.builders import api
from votes.campaigns.models import Campaign
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = False
    for command in ("load_demo", "load_demo_campaign"):
        call_command(command, stdout=StringIO(), stderr=StringIO())
    return Campaign.objects.get()


def test_the_api_shows_the_demo_campaign_and_its_budget(client, demo):
    campaign = client.get(api("campaign", slug=demo.slug)).json()
    proposals = client.get(api("proposals"), {"campaign": demo.slug, "page_size": 200}).json()
    lines = client.get(api("budget_lines", slug=campaign["budget"])).json()
    public = Proposal.objects.filter(
        campaign=demo, status__in=[Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED]
    )

    assert client.get(api("authorities")).json()["count"] == 1
    assert campaign["phase"] == demo.phase
    assert len(campaign["categories"]) == demo.categories.count() > 0
    assert proposals["count"] == public.count() > 0
    assert Proposal.objects.filter(campaign=demo, status=Proposal.Status.HIDDEN).exists()
    hidden = Proposal.objects.filter(campaign=demo, status=Proposal.Status.HIDDEN)
    assert not {p.title for p in hidden} & {p["title"] for p in proposals["results"]}
    assert lines["count"] > 0

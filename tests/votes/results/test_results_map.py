"""The map of the public results page: the selected proposals with a point, and their table."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from tests.territory_data import give_territory
from tests.votes.results.test_results_services import projects_campaign
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def points(html: str, div_id: str) -> list[str]:
    match = re.search(rf'<div id="{div_id}"[^>]*data-map="([^"]*)"', html)
    assert match, f"no map #{div_id}"
    return [p["label"] for p in json.loads(unescape(match.group(1)))["points"]]


def test_the_results_map_shows_the_selected_proposals_only(client):
    s = projects_campaign()
    give_territory(s.campaign.authority)
    # P1 and P3 are selected, P2 is not (see projects_campaign).
    for proposal, lat in ((s.p1, "47.15"), (s.p2, "47.16"), (s.p3, "47.05")):
        Proposal.objects.filter(pk=proposal.pk).update(
            latitude=Decimal(lat), longitude=Decimal("2.1")
        )

    html = client.get(reverse("votes:results", kwargs={"slug": s.campaign.slug})).content.decode()

    labels = points(html, "results-map")
    assert sorted(labels) == sorted(f"{p.public_reference} · {p.title}" for p in (s.p1, s.p3))
    assert "2 propositions placées sur la carte" in html

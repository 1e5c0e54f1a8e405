"""The map of the public follow-up page: the adopted proposals with a point."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from tests.votes.council.test_follow_ups_services import answered_campaign
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_the_follow_up_map_shows_the_adopted_proposals(client):
    c = answered_campaign()
    # P1 adopted, P2 adopted with changes, P3 deferred (answered_campaign).
    for proposal in (c.p1, c.p2, c.p3):
        Proposal.objects.filter(pk=proposal.pk).update(
            latitude=Decimal("47.1"), longitude=Decimal("2.1")
        )

    html = client.get(reverse("votes:outcomes", kwargs={"slug": c.campaign.slug})).content.decode()

    match = re.search(r'<div id="outcomes-map"[^>]*data-map="([^"]*)"', html)
    labels = [p["label"] for p in json.loads(unescape(match.group(1)))["points"]]
    assert sorted(labels) == sorted(f"{p.public_reference} · {p.title}" for p in (c.p1, c.p2))
    assert "Les propositions adoptées sur la carte" in html

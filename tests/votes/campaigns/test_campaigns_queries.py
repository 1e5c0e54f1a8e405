"""The named reads of campaigns (votes.campaigns.models), on small built data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import make_user
from tests.votes.factories import make_campaign
from votes.campaigns.models import Campaign, Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns() -> dict[str, Campaign]:
    return {
        "draft": make_campaign(phase=Phase.DRAFT),
        "open": make_campaign(phase=Phase.PROPOSALS),
        "answered": make_campaign(phase=Phase.ANSWERED),
    }


def _slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


def test_public_leaves_out_the_drafts(campaigns):
    assert _slugs(Campaign.objects.public()) == {
        campaigns["open"].slug,
        campaigns["answered"].slug,
    }


def test_an_administrator_sees_the_drafts(campaigns):
    administrator = make_user(roles=("administrator",))

    assert _slugs(Campaign.objects.visible_to(administrator)) == {
        c.slug for c in campaigns.values()
    }


@pytest.mark.parametrize("roles", [(), ("moderator",), ("finance",), ("facilitator",)])
def test_everyone_else_sees_the_public_campaigns_only(campaigns, roles):
    user = make_user(roles=roles)

    assert _slugs(Campaign.objects.visible_to(user)) == _slugs(Campaign.objects.public())
    assert _slugs(Campaign.objects.visible_to(AnonymousUser())) == _slugs(Campaign.objects.public())


def test_visible_to_chains_with_other_filters(campaigns):
    administrator = make_user(roles=("administrator",))

    drafts = Campaign.objects.visible_to(administrator).filter(phase=Phase.DRAFT)

    assert _slugs(drafts) == {campaigns["draft"].slug}

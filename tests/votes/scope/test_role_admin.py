"""The roles with a scope are granted in the Django admin, by superusers only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.models import RoleGrant
from budget.roles import FINANCE, MODERATOR
from tests.factories import make_authority, make_user
from tests.votes.factories import make_campaign
from votes.scope.models import CampaignRole

pytestmark = pytest.mark.django_db


def test_a_superuser_grants_a_role_in_an_authority(client):
    authority, user = make_authority(), make_user()
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:budget_rolegrant_add"),
        {"user": user.pk, "role": FINANCE, "authority": authority.pk},
    )

    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=user, role=FINANCE, authority=authority).exists()


def test_a_superuser_grants_a_role_in_a_campaign(client):
    campaign, user = make_campaign(), make_user()
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:votes_campaignrole_add"),
        {"user": user.pk, "role": MODERATOR, "campaign": campaign.pk},
    )

    assert response.status_code == 302
    assert CampaignRole.objects.filter(user=user, role=MODERATOR, campaign=campaign).exists()


@pytest.mark.parametrize("name", ["admin:budget_rolegrant_add", "admin:votes_campaignrole_add"])
def test_a_staff_member_without_superuser_grants_nothing(client, name):
    client.force_login(make_user(is_staff=True))

    response = client.get(reverse(name))

    assert response.status_code == 403
    assert not RoleGrant.objects.exists()
    assert not CampaignRole.objects.exists()

"""A campaign's guarantor, built in code (assigned by an administrator, as in the app)."""

from __future__ import annotations

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from votes.campaigns.models import Campaign
from votes.guarantor.models import Guarantor
from votes.guarantor.services import guarantor_assign


def make_guarantor(campaign: Campaign, *, user=None, title: str = "Garant de la concertation"):
    """Returns the guarantor's account."""
    user = user or make_user(first_name="Claire", last_name="Garant")
    admin = make_user(roles=(ADMINISTRATOR,))
    guarantor_assign(campaign=campaign, user=user, title=title, by=admin)
    return user


def guarantor_of(campaign: Campaign, user) -> Guarantor:
    return Guarantor.objects.get(campaign=campaign, user=user)

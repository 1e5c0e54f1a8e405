"""Small factories for the citizen panel tests: volunteers, quotas, a campaign with a pool."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from budget.roles import FACILITATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign
from votes.panels.models import Quota, Volunteer

_seq = itertools.count(1)


def make_volunteer(campaign, **fields) -> Volunteer:
    n = next(_seq)
    fields.setdefault("name", f"Volontaire {n}")
    fields.setdefault("email", f"volontaire{n}@example.org")
    fields.setdefault("gender", Volunteer.Gender.WOMAN)
    fields.setdefault("age_band", Volunteer.AgeBand.A35)
    fields.setdefault("area", "Centre")
    fields.setdefault("consented_at", timezone.now())
    fields.setdefault("retain_until", timezone.localdate() + dt.timedelta(days=365))
    return Volunteer.objects.create(campaign=campaign, **fields)


def make_quota(campaign, attribute: str, value: str, minimum: int, maximum: int) -> Quota:
    return Quota.objects.create(
        campaign=campaign, attribute=attribute, value=value, minimum=minimum, maximum=maximum
    )


def facilitator():
    return make_user(roles=(FACILITATOR,))


def panel_campaign(*, women: int = 5, men: int = 5, **fields):
    """A campaign whose pool has `women` women then `men` men, areas Nord and Sud alternating,
    and gender quotas 2–2 (a panel of 4)."""
    campaign = make_campaign(**fields)
    for index in range(women + men):
        make_volunteer(
            campaign,
            gender=Volunteer.Gender.WOMAN if index < women else Volunteer.Gender.MAN,
            area="Nord" if index % 2 else "Sud",
        )
    make_quota(campaign, "gender", "woman", 2, 2)
    make_quota(campaign, "gender", "man", 2, 2)
    return campaign

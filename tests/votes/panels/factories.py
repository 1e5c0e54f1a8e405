"""Small factories for the citizen panel tests: volunteers, quotas, a campaign with a pool."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter

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


AGE_WEIGHTS = {"16-17": 1, "18-24": 3, "25-34": 4, "35-49": 5, "50-64": 5, "65+": 5}
AREAS = ["Centre-bourg", "La Gare", "Les Prés", "Hameaux"]


def bulk_pool(campaign, count: int, *, seed: int = 0) -> None:
    """A city's pool in one INSERT (seeded): genders with a few « autre », age bands weighted
    towards adults, the demo's four areas."""
    rng = random.Random(seed)
    now, keep = timezone.now(), timezone.localdate() + dt.timedelta(days=365)
    Volunteer.objects.bulk_create(
        (
            Volunteer(
                campaign=campaign,
                name=f"Volontaire {i}",
                email=f"v{i}@example.org",
                gender=rng.choices(["woman", "man", "other"], weights=[49, 49, 2])[0],
                age_band=rng.choices(list(AGE_WEIGHTS), weights=list(AGE_WEIGHTS.values()))[0],
                area=rng.choice(AREAS),
                consented_at=now,
                retain_until=keep,
            )
            for i in range(count)
        ),
        batch_size=1000,
    )


def proportional_quotas(campaign, size: int) -> list[Quota]:
    """The demo's 12 quotas for a panel of `size`: gender parity within ±2 %, every age band
    and area within ±10 % of its share of the pool."""
    quotas = [
        Quota(campaign=campaign, attribute="gender", value=value, minimum=size * 48 // 100,
              maximum=size * 52 // 100)
        for value in ("woman", "man")
    ]  # fmt: skip
    pool = Volunteer.objects.filter(campaign=campaign)
    for attribute in ("age_band", "area"):
        counts = Counter(pool.values_list(attribute, flat=True))
        total = sum(counts.values())
        for value, count in sorted(counts.items()):
            share = size * count / total
            quotas.append(
                Quota(
                    campaign=campaign,
                    attribute=attribute,
                    value=value,
                    minimum=int(share * 0.9),
                    maximum=int(share * 1.1) + 1,
                )
            )
    return Quota.objects.bulk_create(quotas)

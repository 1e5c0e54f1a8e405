"""A workshop on the small pool budget: a campaign with a 50 000 € target, two measures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from budget.roles import FACILITATOR
from simulator.models import Measure
from tests.factories import make_user
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.factories import make_campaign, make_category
from votes.campaigns.models import Campaign
from votes.workshops.models import Workshop, WorkshopGroup
from votes.workshops.services import group_create, workshop_create


@dataclass
class WorkshopSetup:
    campaign: Campaign
    facilitator: User
    workshop: Workshop
    pool: Measure  # saves 40 500 € a year (45 000 of staff, −4 500 of tickets)
    lights: Measure  # saves 30 000 € a year, from the spring (first year 22 500 €)
    lines: dict


def make_workshop_setup(*, facilitator: User | None = None) -> WorkshopSetup:
    budget, lines = pool_budget(savings_target=Decimal("99999"))
    campaign = make_campaign(budget=budget)
    make_category(campaign, name="Sport", savings_target=Decimal("30000"))
    make_category(campaign, name="Énergie", savings_target=Decimal("20000"))
    pool = make_measure(
        budget,
        lines["pool_staff"],
        slug="piscine-lundi",
        title="Fermer la piscine le lundi",
        policy_area="Sport",
        amount=Decimal("-45000"),
    )
    lights = make_measure(
        budget,
        lines["electricity"],
        slug="eclairage-nuit",
        title="Éteindre l'éclairage la nuit",
        policy_area="Énergie",
        amount=Decimal("-30000"),
        first_year_share=Decimal("0.75"),
    )
    facilitator = facilitator or make_user(roles=(FACILITATOR,))
    workshop = workshop_create(
        campaign=campaign,
        title="Atelier du panel",
        starts_at=timezone.make_aware(dt.datetime(2026, 10, 3, 9, 30)),
        place="Médiathèque",
        by=facilitator,
    )
    return WorkshopSetup(campaign, facilitator, workshop, pool, lights, lines)


def make_group(setup: WorkshopSetup, name: str = "Table 1", **fields) -> WorkshopGroup:
    return group_create(workshop=setup.workshop, name=name, by=setup.facilitator, **fields)

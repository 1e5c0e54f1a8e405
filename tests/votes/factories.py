"""Small factories for campaigns, voters, proposals and instructions (data built in code)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from budget.models import Commune
from tests.factories import make_authority, make_budget, make_user
from votes.accounts.models import Profile
from votes.campaigns.models import Campaign, Category, Phase
from votes.instruction.models import Instruction, Service
from votes.proposals.models import Proposal
from votes.scope.models import CampaignRole

_seq = itertools.count(1)


def grant_campaign_role(user, role: str, campaign: Campaign) -> CampaignRole:
    """The role in this campaign only (votes/scope/)."""
    return CampaignRole.objects.create(user=user, role=role, campaign=campaign)


def make_campaign(**fields) -> Campaign:
    n = next(_seq)
    budget = fields.pop("budget", None)
    authority = fields.pop("authority", None) or (budget.authority if budget else None)
    authority = authority or make_authority()
    if budget is None:
        budget = make_budget(authority=authority)
    fields.setdefault("title", f"Campagne {n}")
    fields.setdefault("slug", f"campagne-{n}")
    fields.setdefault("kind", Campaign.Kind.SAVINGS)
    fields.setdefault("phase", Phase.PROPOSALS)
    return Campaign.objects.create(authority=authority, budget=budget, **fields)


def make_category(campaign: Campaign, **fields) -> Category:
    n = next(_seq)
    fields.setdefault("name", f"Rubrique {n}")
    if campaign.kind == Campaign.Kind.PROJECTS:
        fields.setdefault("envelope", Decimal("100000"))
    else:
        fields.setdefault("savings_target", Decimal("100000"))
    fields.setdefault("vote_cap", 3)
    return Category.objects.create(campaign=campaign, **fields)


def make_commune(authority, **fields) -> Commune:
    n = next(_seq)
    fields.setdefault("insee_code", f"{45000 + n:05d}")
    fields.setdefault("name", f"Commune {n}")
    return Commune.objects.create(authority=authority, **fields)


def make_voter(*, commune: Commune | None = None, confirmed: bool = True, **profile):
    """A citizen account with its profile (residence in the territory unless told)."""
    user = make_user(**{k: profile.pop(k) for k in ("username", "email", "roles") if k in profile})
    profile.setdefault("pseudonym", f"citoyen-{user.pk}")
    profile.setdefault("birth_year", 1980)
    if commune is None and not profile.get("outside_territory"):
        raise ValueError("make_voter needs a commune, or outside_territory=True")
    Profile.objects.create(
        user=user,
        commune=commune,
        email_confirmed_at=timezone.now() if confirmed else None,
        consented_at=timezone.now(),
        **profile,
    )
    return user


def make_proposal(campaign: Campaign, **fields) -> Proposal:
    fields.setdefault("category", campaign.categories.first() or make_category(campaign))
    fields.setdefault(
        "kind",
        Proposal.Kind.PROJECT if campaign.kind == Campaign.Kind.PROJECTS else Proposal.Kind.SAVING,
    )
    last = campaign.proposals.order_by("-reference").values_list("reference", flat=True).first()
    fields.setdefault("reference", (last or 0) + 1)
    fields.setdefault("title", f"Proposition {fields['reference']}")
    fields.setdefault("description", "Une description.")
    fields.setdefault("estimate", Decimal("10000"))
    return Proposal.objects.create(campaign=campaign, **fields)


def make_service(authority, *, members=(), **fields) -> Service:
    fields.setdefault("name", f"Service {next(_seq)}")
    service = Service.objects.create(authority=authority, **fields)
    service.members.add(*members)
    return service


def make_instruction(proposal: Proposal, **fields) -> Instruction:
    fields.setdefault("status", Instruction.Status.FEASIBLE)
    fields.setdefault("public_reasoning", "Instruite.")
    return Instruction.objects.create(proposal=proposal, **fields)

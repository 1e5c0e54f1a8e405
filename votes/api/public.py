"""What of the database the API may read: the site's own visibility rules, started from the
models' QuerySet methods, for an anonymous visitor (the API never shows more to a session)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from budget.models import Authority, Budget, BudgetLine
from votes.campaigns.models import Campaign, Phase
from votes.council.models import FollowUp
from votes.proposals.models import Proposal


def authorities() -> QuerySet[Authority]:
    """The authorities the site shows: those with a published budget or a public campaign."""
    shown = Exists(Budget.objects.published().filter(authority=OuterRef("pk"))) | Exists(
        Campaign.objects.public().filter(authority=OuterRef("pk"))
    )
    return (
        Authority.objects.filter(shown)
        .select_related("member_of")
        .prefetch_related("communes")
        .order_by("name", "pk")
    )


def budgets() -> QuerySet[Budget]:
    # An unpublished budget exists only for the staff who prepare it.
    return Budget.objects.published().select_related("authority").order_by("-year", "slug")


def budget_lines(budget: Budget) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(budget=budget).order_by("position", "pk")


def campaigns() -> QuerySet[Campaign]:
    # A campaign in draft exists only for its administrators.
    return (
        Campaign.objects.public()
        .select_related("authority", "budget")
        .prefetch_related("categories", "schedule")
        .order_by("-created_at", "pk")
    )


def proposals() -> QuerySet[Proposal]:
    """As the public list of a campaign: published, or not retained at the supports stage
    (the council answers those too); never hidden, withdrawn, nor in a draft campaign."""
    listed = Proposal.objects.published() | Proposal.objects.not_retained()
    return (
        listed.filter(campaign__in=Campaign.objects.public())
        .select_related(
            "campaign",
            "category",
            "commune",
            "author__profile",
            "instruction",
            "council_answer",
            "follow_up",
        )
        .prefetch_related("follow_up__milestones")
        .order_by("campaign__slug", "reference")
    )


def follow_ups() -> QuerySet[FollowUp]:
    """The follow-up of the adopted proposals, once the council's answers are published."""
    adopted = proposals().adopted().filter(campaign__phase=Phase.ANSWERED)
    return (
        FollowUp.objects.filter(proposal__in=adopted.values("pk"))
        .select_related("proposal__campaign", "proposal__council_answer")
        .prefetch_related("milestones")
        .order_by("proposal__campaign__slug", "proposal__reference")
    )

"""The end of the supports phase: proposals at or over the campaign's threshold go on to the
instruction, the others are marked "not retained at the supports stage" (domain.md §6).

A not-retained proposal stays public with that status, is not instructed, never reaches the
ballot, and is still among the proposals the council answers (council/services.py). The
screening is one of the steps of the move out of ``supports`` (campaigns/workflow.py); the
move holds the campaign row locked while it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.proposals.models import Proposal


@dataclass
class Screening:
    """What the screening did, for the administrator's message."""

    threshold: int
    retained: list[Proposal] = field(default_factory=list)
    not_retained: list[Proposal] = field(default_factory=list)


def over_threshold(supports: int, threshold: int | None) -> bool:
    """Exactly at the threshold is enough: "30 supports" in the contract means 30 will do."""
    return threshold is None or supports >= threshold


def screened(campaign: Campaign) -> bool:
    """Whether the supports phase of the campaign has ended (its screening ran)."""
    return PhaseTransition.objects.filter(
        campaign=campaign, from_phase=Phase.SUPPORTS, to_phase=Phase.INSTRUCTION
    ).exists()


def restored_status(proposal: Proposal) -> str:
    """The status a hidden proposal gets back from the moderation: once the supports phase
    ended, the frozen threshold decides, as it did for the others (a proposal hidden while
    it was judged is judged on its supports when it comes back)."""
    campaign = proposal.campaign
    if campaign.supports_enabled and screened(campaign):
        supports = proposal.supports.count()
        if not over_threshold(supports, campaign.supports_threshold):
            return Proposal.Status.NOT_RETAINED
    return Proposal.Status.PUBLISHED


@transaction.atomic
def supports_screen(*, campaign: Campaign) -> Screening:
    """Mark the published proposals below the threshold as not retained (reads the frozen
    threshold of the campaign). Hidden and withdrawn proposals are left as they are."""
    threshold = campaign.supports_threshold or 0
    # Locked: a support toggled at this instant (support_toggle locks the same proposal row,
    # then reads the phase again) either counts here or finds the phase closed; without the
    # lock it could land after the count and leave a proposal judged on a stale number.
    ids = list(
        Proposal.objects.select_for_update()
        .filter(campaign=campaign, status=Proposal.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    proposals = (
        Proposal.objects.filter(pk__in=ids)
        .annotate(support_count=Count("supports"))
        .order_by("reference")
    )
    screening = Screening(threshold=threshold)
    for proposal in proposals:
        if over_threshold(proposal.support_count, threshold):
            screening.retained.append(proposal)
        else:
            screening.not_retained.append(proposal)
    Proposal.objects.filter(pk__in=[p.pk for p in screening.not_retained]).update(
        status=Proposal.Status.NOT_RETAINED, updated_at=timezone.now()
    )
    for proposal in screening.not_retained:
        proposal.status = Proposal.Status.NOT_RETAINED
    return screening


@dataclass(frozen=True)
class Standing:
    """Where the published proposals stand against the threshold (the public pages)."""

    threshold: int
    reached: int
    total: int
    not_retained: int


def supports_standing(campaign: Campaign) -> Standing | None:
    """None when the campaign has no supports phase or no threshold yet; reads only."""
    if not (campaign.supports_enabled and campaign.supports_threshold):
        return None
    counts = list(
        Proposal.objects.filter(campaign=campaign)
        .published()
        .annotate(support_count=Count("supports"))
        .values_list("support_count", flat=True)
    )
    threshold = campaign.supports_threshold
    return Standing(
        threshold=threshold,
        reached=sum(1 for count in counts if over_threshold(count, threshold)),
        total=len(counts),
        not_retained=Proposal.objects.filter(campaign=campaign).not_retained().count(),
    )

"""The rows of a metropolis's consolidated table, read from what the public may see (reads only).

The campaigns are the public ones (``Campaign.objects.public()``: never a draft) of the EPCI and
of its member communes (``Authority.member_of``). Participation is counted by
``votes.voting.ballots.counted_ballots`` once the vote is closed (as the statistics page shows
it); the adopted proposals are the published ones the council adopted, once its answers are
published (``Phase.ANSWERED``), so an answer recorded but not yet published is never counted.

A campaign of the EPCI shared among its communes (categories with a ``commune``) is broken down
per commune: each commune's part holds its categories, and the ballots holding a choice in them
(a ballot holds one commune's categories at most: votes/voting/shared.py); the whole
territory's part holds the other categories and ballots.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from budget.models import Authority, Commune
from votes.campaigns.models import Campaign, Category, Phase
from votes.metropolis.consolidation import ZERO, CampaignPart
from votes.proposals.models import Proposal
from votes.voting.ballots import counted_ballots, proposal_cost
from votes.voting.models import BallotLine


def metropolis_of(authority: Authority) -> Authority | None:
    """The EPCI whose consolidated view shows this authority (itself for an EPCI)."""
    if authority.kind == Authority.Kind.EPCI:
        return authority
    return authority.member_of


def _ballots_by_commune(campaign: Campaign) -> Counter:
    """Counted ballots by the commune of their commune's categories (None: the whole territory)."""
    commune_of = BallotLine.objects.filter(
        ballot=OuterRef("pk"), category__commune__isnull=False
    ).values("category__commune_id")[:1]
    rows = (
        counted_ballots(campaign)
        .annotate(commune=Subquery(commune_of))
        .values("commune")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({row["commune"]: row["n"] for row in rows})


def _adopted_by_category(campaign: Campaign) -> dict[int, list[Proposal]]:
    adopted = (
        Proposal.objects.filter(campaign=campaign)
        .published()
        .adopted()
        .select_related("instruction")
    )
    by_category: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in adopted:
        by_category[proposal.category_id].append(proposal)
    return by_category


def _part(
    campaign: Campaign,
    categories: list[Category],
    *,
    group: str,
    part: str,
    ballots: int | None,
    adopted: dict[int, list[Proposal]] | None,
) -> CampaignPart:
    chosen = [p for c in categories for p in adopted.get(c.pk, [])] if adopted is not None else []
    costs = [proposal_cost(p) for p in chosen if p.kind == Proposal.Kind.PROJECT]
    savings = [proposal_cost(p) for p in chosen if p.kind == Proposal.Kind.SAVING]
    return CampaignPart(
        group=group,
        campaign=campaign.title,
        slug=campaign.slug,
        part=part,
        phase=str(campaign.get_phase_display()),
        ballots=ballots,
        envelope=sum((c.envelope or ZERO for c in categories), ZERO),
        target=sum((c.savings_target or ZERO for c in categories), ZERO),
        adopted_count=len(chosen) if adopted is not None else None,
        adopted_cost=sum(costs, ZERO) if adopted is not None else None,
        adopted_saving=sum(savings, ZERO) if adopted is not None else None,
    )


def consolidation_rows(epci: Authority) -> list[CampaignPart]:
    members = list(epci.members.all())
    # A commune row of the EPCI's territory counts for the member authority of the same INSEE
    # code, so a shared campaign's part lands in that commune's group.
    member_by_insee = {
        commune.insee_code: commune.authority.name
        for commune in Commune.objects.filter(authority__in=members).select_related("authority")
    }
    campaigns = (
        Campaign.objects.public()
        .filter(authority__in=[epci, *members])
        .select_related("authority")
        .prefetch_related("categories__commune")
        .order_by("authority__name", "created_at", "pk")
    )
    rows: list[CampaignPart] = []
    for campaign in campaigns:
        categories = list(campaign.categories.all())
        closed = campaign.reached(Phase.TALLY)
        ballots = _ballots_by_commune(campaign) if closed else None
        adopted = _adopted_by_category(campaign) if campaign.phase == Phase.ANSWERED else None
        shared = sorted(
            {c.commune for c in categories if c.commune is not None}, key=lambda c: c.name
        )
        if not shared:
            rows.append(
                _part(
                    campaign,
                    categories,
                    group=campaign.authority.name,
                    part="",
                    ballots=sum(ballots.values()) if ballots is not None else None,
                    adopted=adopted,
                )
            )
            continue
        rows.append(
            _part(
                campaign,
                [c for c in categories if c.commune_id is None],
                group=campaign.authority.name,
                part=_("tout le territoire"),
                ballots=ballots[None] if ballots is not None else None,
                adopted=adopted,
            )
        )
        for commune in shared:
            rows.append(
                _part(
                    campaign,
                    [c for c in categories if c.commune_id == commune.pk],
                    group=member_by_insee.get(commune.insee_code, commune.name),
                    part=commune.name,
                    ballots=ballots[commune.pk] if ballots is not None else None,
                    adopted=adopted,
                )
            )
    return rows

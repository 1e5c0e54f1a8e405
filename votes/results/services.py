"""Results of a campaign (issue 5 §4) and the pabulib interchange (§5), on the database side.

The tally is never stored: it is recomputed from the ballots every time (``campaign_tally``),
by the pure rules of ``votes.tally``. The database does what it is good at (one GROUP BY for
the approvals, one query for the ballots when ``mes`` needs them); Python does the rest.
The CSV and XLSX of the results are in ``votes.results.exports``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign, Category
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.results import tally as rules
from votes.voting.models import Ballot, BallotLine

# Import in batches: Amsterdam 285 alone has 5,510 ballots and 27,550 lines.
BATCH = 2000


def status_label(status: rules.Status) -> str:
    # Looked up at call time so that the active language applies, not the import-time one.
    return {
        rules.Status.SELECTED: _("retenu"),
        rules.Status.DOES_NOT_FIT: _("non retenu — ne tient pas dans l'enveloppe restante"),
        rules.Status.BELOW_THRESHOLD: _("non retenu — sous le seuil"),
        rules.Status.TARGET_REACHED: _("non retenu — objectif déjà atteint"),
    }[rules.Status(status)]


# --- reading the ballots ---------------------------------------------------------------------


@dataclass(frozen=True)
class BallotProposal:
    """What the results show of a proposal on the ballot."""

    id: int
    reference: int
    title: str
    source_id: str
    category_id: int
    kind: str
    # Instructed cost (projects) or instructed saving (savings), else the author's estimate.
    amount: Decimal

    @property
    def public_reference(self) -> str:
        return f"P-{self.reference:04d}"


@dataclass(frozen=True)
class Participation:
    """Ballots per channel; void paper ballots are counted apart, never dropped."""

    by_channel: dict[str, int]
    void: int

    @property
    def valid(self) -> int:
        return sum(self.by_channel.values())

    @property
    def total(self) -> int:
        return self.valid + self.void


@dataclass(frozen=True)
class CategoryOutcome:
    category: Category
    result: rules.CategoryResult
    proposals: dict[int, BallotProposal]  # by reference


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    method: str
    categories: list[CategoryOutcome]
    participation: Participation


def category_kind(campaign: Campaign, category: Category) -> str:
    if campaign.kind == Campaign.Kind.PROJECTS:
        return rules.PROJECTS
    if campaign.kind == Campaign.Kind.SAVINGS:
        return rules.SAVINGS
    return rules.SAVINGS if category.savings_target is not None else rules.PROJECTS


def ballot_proposals(campaign: Campaign) -> list[BallotProposal]:
    """The proposals on the ballot, in one query: validated feasible and published, plus the
    validated-feasible proposals of an imported election (whatever their publication)."""
    mine = Proposal.objects.filter(campaign=campaign)
    imported = mine.filter(
        ~Q(source_id=""),
        instruction__validation=Instruction.Validation.VALIDATED,
        instruction__status__in=Instruction.FEASIBLE,
    )
    rows = (
        (mine.on_ballot() | imported)
        .order_by("reference")
        .values(
            "id",
            "reference",
            "title",
            "source_id",
            "category_id",
            "kind",
            "estimate",
            "instruction__instructed_cost",
            "instruction__instructed_saving",
        )
    )
    proposals = []
    for row in rows:
        instructed = (
            row["instruction__instructed_saving"]
            if row["kind"] == Proposal.Kind.SAVING
            else row["instruction__instructed_cost"]
        )
        amount = instructed if instructed is not None else row["estimate"]
        proposals.append(
            BallotProposal(
                id=row["id"],
                reference=row["reference"],
                title=row["title"],
                source_id=row["source_id"],
                category_id=row["category_id"],
                kind=row["kind"],
                amount=Decimal(0) if amount is None else amount,
            )
        )
    return proposals


def counted_lines(campaign: Campaign):
    """The lines that count: not on a void ballot, and in a category where the ballot reaches
    the category's minimum (min_votes). A code or paper ballot under a minimum is refused or
    void when it is recorded; an online ballot is saved choice by choice and stays open until
    the vote closes, so its choices in a category left under the minimum are not counted (the
    ballot and its review say so)."""
    in_category = (
        BallotLine.objects.filter(ballot=OuterRef("ballot"), category=OuterRef("category"))
        .order_by()
        .values("ballot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # No extra query to learn whether a category has a minimum: the count is asked only for
    # lines of such a category (the database stops at the first true side of the OR).
    return (
        BallotLine.objects.filter(ballot__campaign=campaign, ballot__is_void=False)
        .alias(in_category=Subquery(in_category))
        .filter(Q(category__min_votes=0) | Q(in_category__gte=F("category__min_votes")))
    )


def approvals_by_channel(campaign: Campaign) -> dict[int, dict[str, int]]:
    """Approvals per proposal id and channel, void ballots excluded: one GROUP BY."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        counted_lines(campaign)
        .values_list("proposal_id", "ballot__channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for proposal_id, channel, n in rows:
        counts[proposal_id][channel] = n
    return dict(counts)


def participation(campaign: Campaign) -> Participation:
    """Turnout per channel: what the team may see while the vote is open (no counts per
    proposal)."""
    by_channel = {channel: 0 for channel in rules.CHANNELS}
    void = 0
    rows = (
        Ballot.objects.filter(campaign=campaign)
        .values_list("channel", "is_void")
        .annotate(n=Count("id"))
        .order_by()
    )
    for channel, is_void, n in rows:
        if is_void:
            void += n
        else:
            by_channel[channel] = by_channel.get(channel, 0) + n
    return Participation(by_channel=by_channel, void=void)


def ballots_approving(campaign: Campaign, proposal_ids: dict[int, int]) -> list[list[int]]:
    """Each counted ballot as the references it approves among ``proposal_ids`` (id →
    reference): one query, grouped here (``mes`` reads whole ballots, not counts)."""
    ballots: dict[int, list[int]] = defaultdict(list)
    for ballot_id, proposal_id in (
        counted_lines(campaign).values_list("ballot_id", "proposal_id").order_by()
    ):
        reference = proposal_ids.get(proposal_id)
        if reference is not None:
            ballots[ballot_id].append(reference)
    return list(ballots.values())


def expressed_ballots(campaign: Campaign, proposal_ids: list[int]) -> dict[int, int]:
    """Per category id, the counted ballots approving at least one of ``proposal_ids`` in it
    (the base of a savings threshold in %): one GROUP BY."""
    rows = (
        counted_lines(campaign)
        .filter(proposal_id__in=proposal_ids)
        .values_list("category_id")
        .annotate(n=Count("ballot_id", distinct=True))
        .order_by()
    )
    return dict(rows)


def savings_threshold_percent(campaign: Campaign, category: Category) -> Decimal | None:
    """T for a savings category: its own, else the campaign's (None: at least one approval)."""
    if category.savings_threshold is not None:
        return category.savings_threshold
    return campaign.savings_threshold


def campaign_results(*, campaign: Campaign, rule: str | None = None) -> CampaignResults:
    """Every category's tally, recomputed from the ballots, with what the page shows."""
    method = rule or campaign.tally_rule
    if method not in rules.METHODS:
        raise ValidationError(
            _("Règle de dépouillement inconnue : %(rule)s (attendu : %(expected)s).")
            % {"rule": method, "expected": ", ".join(rules.METHODS)}
        )
    categories = list(campaign.categories.all())
    proposals = ballot_proposals(campaign)
    counts = approvals_by_channel(campaign)
    name_of = {category.id: category.name for category in categories}
    percent = {
        category.id: savings_threshold_percent(campaign, category)
        for category in categories
        if category_kind(campaign, category) == rules.SAVINGS
    }
    expressed = (
        expressed_ballots(campaign, [p.id for p in proposals])
        if any(value is not None for value in percent.values())
        else {}
    )
    category_rules = []
    for category in categories:
        kind = category_kind(campaign, category)
        with_percent = percent.get(category.id) is not None
        category_rules.append(
            rules.CategoryRule(
                name=category.name,
                kind=kind,
                # A category left without its amount selects nothing rather than failing the
                # whole page; the campaign's phase checks are where it should have been caught.
                envelope=(category.envelope or Decimal(0)) if kind == rules.PROJECTS else None,
                target=(category.savings_target or Decimal(0)) if kind == rules.SAVINGS else None,
                threshold=category.min_approvals,
                threshold_percent=percent.get(category.id),
                ballots=expressed.get(category.id, 0) if with_percent else None,
                knapsack=category.knapsack,
            )
        )
    pure = [
        rules.Proposal(
            reference=p.reference,
            amount=p.amount,
            category=name_of[p.category_id],
            source_id=p.source_id or None,
        )
        for p in proposals
    ]
    approvals = {p.reference: counts.get(p.id, {}) for p in proposals}
    ballots = None
    if method == rules.MES:
        ballots = ballots_approving(campaign, {p.id: p.reference for p in proposals})
    results = rules.tally(
        proposals=pure, approvals=approvals, rules=category_rules, method=method, ballots=ballots
    )
    by_category: dict[int, dict[int, BallotProposal]] = defaultdict(dict)
    for proposal in proposals:
        by_category[proposal.category_id][proposal.reference] = proposal
    outcomes = [
        CategoryOutcome(category=category, result=result, proposals=by_category[category.id])
        for category, result in zip(categories, results, strict=True)
    ]
    return CampaignResults(
        campaign=campaign,
        method=method,
        categories=outcomes,
        participation=participation(campaign),
    )


def campaign_tally(*, campaign: Campaign, rule: str | None = None) -> list[rules.CategoryResult]:
    """The tally of every category (in their order), by the campaign's rule or ``rule``."""
    return [outcome.result for outcome in campaign_results(campaign=campaign, rule=rule).categories]


def tally_json(results: CampaignResults) -> dict:
    """What ``manage.py tally --json`` prints (§5)."""
    categories = []
    for outcome in results.categories:
        result, category = outcome.result, outcome.category
        by_reference = {row.reference: row for row in result.rows}
        categories.append(
            {
                "name": result.name,
                "envelope": _number(result.envelope),
                "target": _number(result.target),
                "cap": None if category.knapsack else category.vote_cap,
                "knapsack": category.knapsack,
                "kind": result.kind,
                "method": result.method,
                "threshold": result.threshold,
                "threshold_percent": _number(result.threshold_percent),
                "ballots": result.ballots,
                "voters": result.voters,
                "min_votes": category.min_votes,
                "saved": _number(result.saved),
                "target_met": result.target_met,
                "gap": _number(result.gap),
                "selected": [
                    by_reference[reference].source_id or reference for reference in result.selected
                ],
                "rows": [
                    {
                        "reference": row.reference,
                        "source_id": row.source_id,
                        "approvals": row.approvals,
                        "amount": _number(row.amount),
                        "status": str(row.status),
                        "stage": str(row.stage) if row.stage else None,
                    }
                    for row in result.rows
                ],
            }
        )
    return {"campaign": results.campaign.slug, "rule": results.method, "categories": categories}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)

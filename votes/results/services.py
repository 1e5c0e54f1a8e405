"""Results of a campaign (issue 5 §4) and the pabulib interchange (§5), on the database side.

The tally is never stored: it is recomputed from the ballots every time (``campaign_tally``),
by the pure rules of ``votes.tally``. The database does what it is good at (one GROUP BY for
the approvals, one query for the ballots when ``mes`` needs them); Python does the rest.
The CSV and XLSX of the results are in ``votes.results.exports``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from budget.models import Authority
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign, Category, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.results import tally as rules
from votes.results.pabulib import PbElection, PbProject, PbVote, categories_from_meta, check_ballots
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


def _counted_lines(campaign: Campaign):
    return BallotLine.objects.filter(ballot__campaign=campaign, ballot__is_void=False)


def approvals_by_channel(campaign: Campaign) -> dict[int, dict[str, int]]:
    """Approvals per proposal id and channel, void ballots excluded: one GROUP BY."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        _counted_lines(campaign)
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
        _counted_lines(campaign).values_list("ballot_id", "proposal_id").order_by()
    ):
        reference = proposal_ids.get(proposal_id)
        if reference is not None:
            ballots[ballot_id].append(reference)
    return list(ballots.values())


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
    category_rules = []
    for category in categories:
        kind = category_kind(campaign, category)
        category_rules.append(
            rules.CategoryRule(
                name=category.name,
                kind=kind,
                # A category left without its amount selects nothing rather than failing the
                # whole page; the campaign's phase checks are where it should have been caught.
                envelope=(category.envelope or Decimal(0)) if kind == rules.PROJECTS else None,
                target=(category.savings_target or Decimal(0)) if kind == rules.SAVINGS else None,
                threshold=category.min_approvals,
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
    if method == rules.MES and any(r.kind == rules.PROJECTS for r in category_rules):
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
                "threshold": result.threshold,
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


# --- pabulib interchange ---------------------------------------------------------------------


@dataclass
class PabulibImport:
    campaign: Campaign
    created: bool
    categories: list[Category]
    projects: int
    ballots: int
    rejected_by_cap: dict[str, int]
    duplicates_removed: int
    # META keys the campaign has no field for, kept as read (printed by the command).
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(self.rejected_by_cap.values())


def pabulib_authority(election: PbElection) -> Authority:
    """The authority an imported election belongs to, created once per META country and unit
    ("Amsterdam (Netherlands)", slug ``pabulib-netherlands-amsterdam``), reused after."""
    unit = election.meta.get("unit", "").strip() or _("Collectivité importée")
    country = election.meta.get("country", "").strip()
    name = f"{unit} ({country})" if country else unit
    slug = slugify(f"pabulib {country} {unit}")[:100] or "pabulib"
    authority, _created = Authority.objects.get_or_create(slug=slug, defaults={"name": name})
    return authority


def pabulib_title(election: PbElection, fallback: str) -> str:
    title = election.description or fallback
    instance = election.meta.get("instance", "").strip()
    if instance and instance not in title:
        title = f"{title} ({instance})"
    return title[:200]


def _framing(election: PbElection) -> str:
    lines = [
        _(
            "Élection importée du format ouvert pabulib. Les bulletins sont anonymes ; les "
            "résultats sont recalculés par la règle publiée de la campagne (la règle du "
            "fichier est gardée pour information, non appliquée)."
        ),
        "",
    ]
    lines += [f"- `{key}` : {value}" for key, value in election.meta.items()]
    return "\n".join(lines)


@transaction.atomic
def pabulib_import(*, election: PbElection, slug: str, title: str | None = None) -> PabulibImport:
    """Create the projects campaign ``slug`` in phase ``tally`` from a parsed election, or add
    the election's categories to it if it exists (§5). Nothing is written on any error."""
    categories = categories_from_meta(election)
    check = check_ballots(election)
    # Locked: two imports into one campaign at once would number their proposals alike.
    campaign = Campaign.objects.select_for_update().filter(slug=slug).first()
    created = campaign is None
    if campaign is None:
        campaign = Campaign(
            authority=pabulib_authority(election),
            kind=Campaign.Kind.PROJECTS,
            title=title or pabulib_title(election, slug),
            slug=slug,
            phase=Phase.TALLY,
            framing=_framing(election),
        )
        campaign.full_clean()
        campaign.save()
    else:
        require_not_frozen(campaign)
        if campaign.kind != Campaign.Kind.PROJECTS or campaign.phase != Phase.TALLY:
            raise ValidationError(
                _(
                    "La campagne « %(slug)s » existe déjà et n'est pas une campagne de projets "
                    "en phase de dépouillement : une élection importée ne peut s'y ajouter."
                )
                % {"slug": slug}
            )
        taken = set(campaign.categories.values_list("name", flat=True))
        clash = [c.name for c in categories if c.name[:120] in taken]
        if clash:
            raise ValidationError(
                _("La campagne « %(slug)s » a déjà une rubrique « %(name)s ».")
                % {"slug": slug, "name": clash[0]}
            )
    position = campaign.categories.aggregate(m=Max("position"))["m"]
    position = -1 if position is None else position
    made: dict[str, Category] = {}
    created_categories: list[Category] = []
    for offset, pb_category in enumerate(categories, start=1):
        category = Category(
            campaign=campaign,
            name=pb_category.name[:120],
            envelope=pb_category.envelope,
            # A cap of 0 approvals would forbid voting at all: the file means "no cap" there.
            vote_cap=pb_category.max_approvals or None,
            knapsack=pb_category.knapsack,
            min_approvals=pb_category.threshold,
            position=position + offset,
        )
        category.full_clean(exclude=["campaign"])
        category.save()
        created_categories.append(category)
        for project_id in pb_category.project_ids:
            made[project_id] = category

    last = campaign.proposals.aggregate(m=Max("reference"))["m"] or 0
    proposals = Proposal.objects.bulk_create(
        [
            _proposal(campaign, made[project.project_id], project, last + index)
            for index, project in enumerate(election.projects, start=1)
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    bulk_create_with_history(
        [
            Instruction(
                proposal=proposal,
                status=Instruction.Status.FEASIBLE,
                validation=Instruction.Validation.VALIDATED,
                instructed_cost=proposal.estimate,
                public_reasoning=_("Projet déclaré par le fichier pabulib importé."),
                validated_at=now,
                published_at=now,
            )
            for proposal in proposals
        ],
        Instruction,
        batch_size=BATCH,
    )
    by_project_id = {proposal.source_id: proposal for proposal in proposals}
    accepted = check.accepted
    for start in range(0, len(accepted), BATCH):
        chunk = accepted[start : start + BATCH]
        ballots = Ballot.objects.bulk_create(
            [
                Ballot(
                    campaign=campaign,
                    channel=Ballot.Channel.IMPORT,
                    source_voter_id=vote.voter_id[:64],
                    confirmed_at=now,
                )
                for vote in chunk
            ]
        )
        BallotLine.objects.bulk_create(
            [
                BallotLine(
                    ballot=ballot,
                    proposal=by_project_id[project_id],
                    category_id=by_project_id[project_id].category_id,
                )
                for ballot, vote in zip(ballots, chunk, strict=True)
                for project_id in vote.projects
            ],
            batch_size=BATCH * 5,
        )
    return PabulibImport(
        campaign=campaign,
        created=created,
        categories=created_categories,
        projects=len(proposals),
        ballots=len(accepted),
        rejected_by_cap=check.rejected_by_cap,
        duplicates_removed=check.duplicates_removed,
        meta=dict(election.meta),
    )


def _proposal(campaign: Campaign, category: Category, project: PbProject, reference: int):
    return Proposal(
        campaign=campaign,
        category=category,
        reference=reference,
        kind=Proposal.Kind.PROJECT,
        title=(project.name or _("Projet %(id)s") % {"id": project.project_id})[:200],
        description=_("Projet %(id)s importé d'un fichier pabulib.") % {"id": project.project_id},
        estimate=project.cost,
        source_id=project.project_id[:64],
        status=Proposal.Status.PUBLISHED,
    )


def pabulib_export(*, campaign: Campaign, category: str | None = None) -> PbElection:
    """The campaign's projects categories (or one of them) as a pabulib election.

    Projects are the proposals on the ballot; their id is the pabulib ``project_id`` they were
    imported with when every exported proposal has one, else their reference. Ballots are the
    counted ones (void paper ballots left out), restricted to the exported projects; a ballot
    left empty is not written (pabulib has no empty ballot).
    """
    chosen = [
        c
        for c in campaign.categories.all()
        if category_kind(campaign, c) == rules.PROJECTS and (category is None or c.name == category)
    ]
    if category is not None and not chosen:
        raise ValidationError(
            _("La campagne « %(slug)s » n'a pas de rubrique de projets « %(name)s ».")
            % {"slug": campaign.slug, "name": category}
        )
    if not chosen:
        raise ValidationError(
            _("La campagne « %(slug)s » n'a aucune rubrique de projets à exporter.")
            % {"slug": campaign.slug}
        )
    wanted = {c.id for c in chosen}
    proposals = [p for p in ballot_proposals(campaign) if p.category_id in wanted]
    use_source = bool(proposals) and all(p.source_id for p in proposals)
    project_id = {p.id: (p.source_id if use_source else str(p.reference)) for p in proposals}
    # pabulib lists categories comma-separated: a comma inside a name would split it.
    name_of = {c.id: c.name.replace(",", " ") for c in chosen}
    meta = {
        "description": campaign.title if category is None else f"{campaign.title} — {category}",
        "unit": campaign.authority.name,
        "instance": campaign.slug,
        "budget": format(_whole(sum((c.envelope or Decimal(0)) for c in chosen)), "f"),
        "vote_type": "approval",
        "rule": "equalshares" if campaign.tally_rule == rules.MES else "greedy",
    }
    caps = [c.vote_cap for c in chosen]
    if len(chosen) == 1:
        if caps[0] is not None and not chosen[0].knapsack:
            meta["max_length"] = str(caps[0])
        if chosen[0].knapsack:
            meta["max_sum_cost"] = meta["budget"]
    else:
        meta["categories"] = ",".join(name_of[c.id] for c in chosen)
        meta["budget_per_category"] = ",".join(
            format(_whole(c.envelope or Decimal(0)), "f") for c in chosen
        )
        if all(cap is not None for cap in caps) and not any(c.knapsack for c in chosen):
            meta["max_length_per_category"] = ",".join(str(cap) for cap in caps)
        if all(c.knapsack for c in chosen):
            meta["max_sum_cost_per_category"] = meta["budget_per_category"]
    if chosen[0].min_approvals is not None and all(
        c.min_approvals == chosen[0].min_approvals for c in chosen
    ):
        meta["min_project_score_threshold"] = str(chosen[0].min_approvals)
    projects = [
        PbProject(
            project_id=project_id[p.id],
            cost=_whole(p.amount),
            name=p.title,
            categories=[name_of[p.category_id]] if len(chosen) > 1 else [],
        )
        for p in proposals
    ]
    votes: dict[int, PbVote] = {}
    voter_ids = dict(
        Ballot.objects.filter(campaign=campaign, is_void=False).values_list("id", "source_voter_id")
    )
    for ballot_id, proposal_id in (
        _counted_lines(campaign)
        .filter(proposal_id__in=project_id.keys())
        .values_list("ballot_id", "proposal_id")
        .order_by("ballot_id", "proposal__reference")
    ):
        vote = votes.get(ballot_id)
        if vote is None:
            vote = votes[ballot_id] = PbVote(voter_id=voter_ids[ballot_id] or str(ballot_id))
        vote.projects.append(project_id[proposal_id])
    columns = ["project_id", "cost", "name"] + (["category"] if len(chosen) > 1 else [])
    return PbElection(
        meta=meta,
        projects=projects,
        votes=list(votes.values()),
        project_columns=columns,
        vote_columns=["voter_id", "vote"],
    )


def _whole(value: Decimal) -> Decimal:
    """40000.00 → 40000: pabulib files write whole amounts without decimals."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()

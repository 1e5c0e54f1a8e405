"""The pabulib interchange on the database side (issue 5 §5, issue 14): a ``.pb`` election as a
campaign in phase ``tally`` and back. The file format itself is in ``votes.results.pabulib``.

A savings campaign is written as an ordinary election whose costs are the instructed savings
(positive amounts) and whose budget is the savings target; META ``comment`` says it is an
inverse budget, and the import recognises that comment to create a savings campaign again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
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
from votes.results.services import (
    ballot_proposals,
    category_kind,
    counted_lines,
    savings_threshold_percent,
)
from votes.voting.models import Ballot, BallotLine

# Import in batches: Amsterdam 285 alone has 5,510 ballots and 27,550 lines.
BATCH = 2000

# META ``comment`` of an inverse budget. pabulib has no key for it; its free ``comment`` field
# says it in words, and the import recognises the marker (case aside) to read it back.
INVERSE_MARKER = "inverse budget"
INVERSE_COMMENT = (
    "inverse budget (budget participatif inversé): each cost is a yearly saving (a positive "
    "amount) and the budget is the savings target"
)
# Not a pabulib key (pabulib keeps unknown keys): T, the savings threshold in % of the
# category's expressed ballots, one value, or one per category when they differ.
SAVINGS_THRESHOLD = "savings_threshold_percent"
SAVINGS_THRESHOLD_PER_CATEGORY = "savings_threshold_percent_per_category"


def is_inverse(election: PbElection) -> bool:
    return INVERSE_MARKER in election.meta.get("comment", "").lower()


def _savings_thresholds(election: PbElection, names: list[str]) -> dict[str, Decimal | None]:
    """T per category name, read from the file (None: no threshold in %)."""
    meta = election.meta
    raw = meta.get(SAVINGS_THRESHOLD_PER_CATEGORY)
    values = [part.strip() for part in raw.split(",")] if raw else None
    if values is not None and len(values) != len(names):
        raise ValidationError(
            _("META « %(key)s » : %(n)d valeurs pour %(count)d rubriques.")
            % {"key": SAVINGS_THRESHOLD_PER_CATEGORY, "n": len(values), "count": len(names)}
        )
    if values is None:
        values = [meta.get(SAVINGS_THRESHOLD, "").strip()] * len(names)
    found: dict[str, Decimal | None] = {}
    for name, value in zip(names, values, strict=True):
        if not value or value.lower() == "none":
            found[name] = None
            continue
        try:
            found[name] = Decimal(value)
        except ArithmeticError:
            raise ValidationError(
                _("META « %(key)s » : « %(value)s » n'est pas un pourcentage.")
                % {"key": SAVINGS_THRESHOLD, "value": value}
            ) from None
    return found


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
    """Create the campaign ``slug`` in phase ``tally`` from a parsed election, or add the
    election's categories to it if it exists (§5). An inverse budget (META ``comment``) makes
    a savings campaign. Nothing is written on any error."""
    categories = categories_from_meta(election)
    check = check_ballots(election)
    savings = is_inverse(election)
    kind = Campaign.Kind.SAVINGS if savings else Campaign.Kind.PROJECTS
    percents = _savings_thresholds(election, [c.name for c in categories]) if savings else {}
    # Locked: two imports into one campaign at once would number their proposals alike.
    campaign = Campaign.objects.select_for_update().filter(slug=slug).first()
    created = campaign is None
    if campaign is None:
        campaign = Campaign(
            authority=pabulib_authority(election),
            kind=kind,
            title=title or pabulib_title(election, slug),
            slug=slug,
            phase=Phase.TALLY,
            framing=_framing(election),
        )
        campaign.full_clean()
        campaign.save()
    else:
        require_not_frozen(campaign)
        if campaign.kind != kind or campaign.phase != Phase.TALLY:
            raise ValidationError(
                _(
                    "La campagne « %(slug)s » existe déjà et n'est pas une campagne « %(kind)s » "
                    "en phase de dépouillement : une élection importée ne peut s'y ajouter."
                )
                % {"slug": slug, "kind": Campaign.Kind(kind).label}
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
            # An inverse budget's budget is the savings target; a saving has no envelope.
            envelope=None if savings else pb_category.envelope,
            savings_target=pb_category.envelope if savings else None,
            savings_threshold=percents.get(pb_category.name),
            # A cap of 0 approvals would forbid voting at all: the file means "no cap" there.
            vote_cap=pb_category.max_approvals or None,
            knapsack=pb_category.knapsack and not savings,
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
            _proposal(campaign, made[project.project_id], project, last + index, savings=savings)
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
                instructed_cost=None if savings else proposal.estimate,
                instructed_saving=proposal.estimate if savings else None,
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


def _proposal(
    campaign: Campaign, category: Category, project: PbProject, reference: int, *, savings: bool
):
    return Proposal(
        campaign=campaign,
        category=category,
        reference=reference,
        kind=Proposal.Kind.SAVING if savings else Proposal.Kind.PROJECT,
        title=(project.name or _("Projet %(id)s") % {"id": project.project_id})[:200],
        description=_("Projet %(id)s importé d'un fichier pabulib.") % {"id": project.project_id},
        estimate=project.cost,
        source_id=project.project_id[:64],
        status=Proposal.Status.PUBLISHED,
    )


def pabulib_export(
    *, campaign: Campaign, category: str | None = None, kind: str | None = None
) -> PbElection:
    """The campaign's projects categories, or its savings ones, (or one of them) as a pabulib
    election. One file holds one kind: ``kind`` (``rules.PROJECTS`` or ``rules.SAVINGS``)
    chooses, else the category named, else projects when the campaign has any.

    Savings are written as an inverse budget: the instructed saving as a positive cost, the
    target as the budget, META ``comment`` saying so and the threshold in % in a key of ours.

    Projects are the proposals on the ballot; their id is the pabulib ``project_id`` they were
    imported with when every exported proposal has one, else their reference. Ballots are the
    counted ones (void paper ballots left out), restricted to the exported projects; a ballot
    left empty is not written (pabulib has no empty ballot).
    """
    every = list(campaign.categories.all())
    named = [c for c in every if category is None or c.name == category]
    if category is not None and not named:
        raise ValidationError(
            _("La campagne « %(slug)s » n'a pas de rubrique « %(name)s ».")
            % {"slug": campaign.slug, "name": category}
        )
    if kind is None:
        kinds = {category_kind(campaign, c) for c in named}
        kind = rules.PROJECTS if rules.PROJECTS in kinds or not kinds else rules.SAVINGS
    savings = kind == rules.SAVINGS
    chosen = [c for c in named if category_kind(campaign, c) == kind]
    if category is not None and not chosen:
        raise ValidationError(
            _(
                "La rubrique « %(name)s » de la campagne « %(slug)s » n'est pas une rubrique "
                "%(kind)s."
            )
            % {
                "slug": campaign.slug,
                "name": category,
                "kind": _("d'économies") if savings else _("de projets"),
            }
        )
    if not chosen:
        raise ValidationError(
            _("La campagne « %(slug)s » n'a aucune rubrique %(kind)s à exporter.")
            % {"slug": campaign.slug, "kind": _("d'économies") if savings else _("de projets")}
        )

    def budget_of(c: Category) -> Decimal:
        return (c.savings_target if savings else c.envelope) or Decimal(0)

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
        "budget": format(_whole(sum((budget_of(c) for c in chosen), Decimal(0))), "f"),
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
        meta["budget_per_category"] = ",".join(format(_whole(budget_of(c)), "f") for c in chosen)
        if all(cap is not None for cap in caps) and not any(c.knapsack for c in chosen):
            meta["max_length_per_category"] = ",".join(str(cap) for cap in caps)
        if all(c.knapsack for c in chosen):
            meta["max_sum_cost_per_category"] = meta["budget_per_category"]
    if chosen[0].min_approvals is not None and all(
        c.min_approvals == chosen[0].min_approvals for c in chosen
    ):
        meta["min_project_score_threshold"] = str(chosen[0].min_approvals)
    if savings:
        meta["comment"] = INVERSE_COMMENT
        percents = [savings_threshold_percent(campaign, c) for c in chosen]
        if len(set(percents)) == 1:
            if percents[0] is not None:
                meta[SAVINGS_THRESHOLD] = format(percents[0].normalize(), "f")
        else:
            meta[SAVINGS_THRESHOLD_PER_CATEGORY] = ",".join(
                "none" if p is None else format(p.normalize(), "f") for p in percents
            )
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
        counted_lines(campaign)
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

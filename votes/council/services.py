"""Sending the results to the council (issue 6 §1): the snapshot, its fingerprint, the freeze.

The snapshot is a plain JSON document built from the database at the moment of sending:
campaign rules, categories, every public proposal with its public instruction, approvals per
proposal and channel, the results, and the participation statistics. It is stored exactly as
it is downloaded (``CouncilSnapshot.content``), so ``sha256sum`` of the downloaded file gives
the fingerprint printed on the report and on the public results page.

Money is written as strings with two decimals ("12500.00"), never as floats.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budget.events import log_event
from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilSnapshot
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.results import tally as rules
from votes.voting.models import PollingStation, VotingCodeBatch

logger = logging.getLogger(__name__)

FORMAT = "arbitrages.council-snapshot"
VERSION = 1
CHANNELS = tuple(rules.CHANNELS)

User = AbstractBaseUser | AnonymousUser


# --- building the snapshot -------------------------------------------------------------------


def money(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _instruction(instruction: Instruction | None) -> dict[str, Any] | None:
    """The public part of an instruction (never the internal notes)."""
    if instruction is None or not instruction.is_validated:
        return None
    return {
        "status": instruction.status,
        "status_label": str(instruction.get_status_display()),
        "instructed_cost": money(instruction.instructed_cost),
        "induced_operating_cost": money(instruction.induced_operating_cost),
        "instructed_saving": money(instruction.instructed_saving),
        "direct_saving": money(instruction.direct_saving),
        "induced_saving": money(instruction.induced_saving),
        "duration": instruction.duration,
        "conditions": instruction.conditions,
        "public_reasoning": instruction.public_reasoning,
        "validated_at": _when(instruction.validated_at),
    }


def _approvals(counts: dict[str, int]) -> dict[str, int]:
    row = {channel: counts.get(channel, 0) for channel in CHANNELS}
    row["total"] = sum(row.values())
    return row


def snapshot_proposals(campaign: Campaign) -> list[Proposal]:
    """The proposals the council answers: every proposal still public (not hidden, not
    withdrawn), plus those of an imported election. Those not retained at the supports stage
    are among them: the contract promises an answer to every proposal."""
    return list(
        Proposal.objects.filter(
            campaign=campaign,
            status__in=(Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED),
        )
        .select_related("category", "commune", "author__profile")
        .prefetch_related(Prefetch("instruction", queryset=Instruction.objects.all()))
        .order_by("reference")
    )


def snapshot_build(campaign: Campaign, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the council receives, as JSON-ready data (reads only)."""
    from votes.council.consequences import consequences_build
    from votes.evaluation.results import evaluation_counts
    from votes.results.services import (
        approvals_by_channel,
        campaign_results,
        category_kind,
        savings_threshold_percent,
    )
    from votes.statistics.counts import campaign_statistics

    computed = campaign_results(campaign=campaign)
    counts = approvals_by_channel(campaign)
    on_ballot = {
        proposal.id for outcome in computed.categories for proposal in outcome.proposals.values()
    }
    status_of: dict[int, str] = {}
    for outcome in computed.categories:
        for row in outcome.result.rows:
            proposal = outcome.proposals[row.reference]
            status_of[proposal.id] = str(row.status)
    proposals = []
    for proposal in snapshot_proposals(campaign):
        instruction = getattr(proposal, "instruction", None)
        proposals.append(
            {
                "reference": proposal.public_reference,
                "number": proposal.reference,
                "source_id": proposal.source_id or None,
                "title": proposal.title,
                "kind": proposal.kind,
                "category": proposal.category.name,
                "author": proposal.author_display,
                "estimate": money(proposal.estimate),
                "commune": proposal.commune.name if proposal.commune_id else None,
                "place": proposal.place,
                "instruction": _instruction(instruction),
                "on_ballot": proposal.id in on_ballot,
                "not_retained": proposal.status == Proposal.Status.NOT_RETAINED,
                "approvals": _approvals(counts.get(proposal.id, {})),
                "result": status_of.get(proposal.id),
            }
        )
    reference_of = {
        p.reference: p.public_reference
        for outcome in computed.categories
        for p in outcome.proposals.values()
    }
    categories = []
    results = []
    for outcome in computed.categories:
        category, result = outcome.category, outcome.result
        categories.append(
            {
                "name": category.name,
                "description": category.description,
                "kind": category_kind(campaign, category),
                "envelope": money(category.envelope),
                "savings_target": money(category.savings_target),
                "vote_cap": category.vote_cap,
                "knapsack": category.knapsack,
                "min_approvals": category.min_approvals,
                "min_votes": category.min_votes,
                "savings_threshold": _percent(savings_threshold_percent(campaign, category))
                if category_kind(campaign, category) == rules.SAVINGS
                else None,
            }
        )
        results.append(
            {
                "category": result.name,
                "kind": result.kind,
                "method": result.method,
                "envelope": money(result.envelope),
                "target": money(result.target),
                "threshold": result.threshold,
                "threshold_percent": _percent(result.threshold_percent),
                "ballots": result.ballots,
                "spent": money(result.spent),
                "envelope_left": money(result.envelope_left),
                "saved": money(result.saved),
                "target_met": result.target_met,
                "gap": money(result.gap),
                "voters": result.voters,
                "selected": [reference_of[r] for r in result.selected],
                "rows": [
                    {
                        "rank": row.rank,
                        "reference": reference_of[row.reference],
                        "approvals": row.approvals,
                        "approvals_by_channel": _approvals(row.approvals_by_channel),
                        "amount": money(row.amount),
                        "status": str(row.status),
                        "envelope_left": money(row.envelope_left),
                        "cumulative_saving": money(row.cumulative_saving),
                        "stage": str(row.stage) if row.stage else None,
                    }
                    for row in result.rows
                ],
            }
        )
    turnout = computed.participation
    schedule = {entry.phase: entry for entry in campaign.schedule.all()}
    return {
        "format": FORMAT,
        "version": VERSION,
        "sent_at": _when(now or timezone.now()),
        "campaign": {
            "slug": campaign.slug,
            "title": campaign.title,
            "authority": campaign.authority.name,
            "budget": campaign.budget.slug if campaign.budget_id else None,
            "kind": campaign.kind,
            "tally_rule": campaign.tally_rule,
            "min_voter_age": campaign.min_voter_age,
            "max_categories_per_voter": campaign.max_categories_per_voter,
            "supports_enabled": campaign.supports_enabled,
            "framing": campaign.framing,
            "tie_rule": "approvals desc, amount asc, reference asc",
            "schedule": [
                {
                    "phase": phase,
                    "starts_on": _when(schedule[phase].starts_on) if phase in schedule else None,
                    "ends_on": _when(schedule[phase].ends_on) if phase in schedule else None,
                }
                for phase in (p.value for p in Phase)
            ],
            "transitions": [
                {"from": t.from_phase, "to": t.to_phase, "at": _when(t.at)}
                for t in campaign.transitions.all()
            ],
        },
        "categories": categories,
        "proposals": proposals,
        "participation": {
            "by_channel": {c: turnout.by_channel.get(c, 0) for c in CHANNELS},
            "valid": turnout.valid,
            "void": turnout.void,
            "total": turnout.total,
        },
        "results": results,
        "statistics": campaign_statistics(campaign),
        "evaluation": evaluation_counts(campaign),
        # Issue 16 §7: the ratios before/after the winners, so that the council votes on the
        # consequences (votes/council/consequences.py).
        "consequences": consequences_build(campaign),
    }


def snapshot_text(data: dict[str, Any]) -> str:
    """The one serialisation: what is stored, downloaded and fingerprinted."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def council_data(campaign: Campaign) -> tuple[dict[str, Any], CouncilSnapshot | None]:
    """What the report, the statistics and the open data show: the stored snapshot once the
    results went to the council (so they never drift from it), else a live draft."""
    snapshot = CouncilSnapshot.objects.filter(campaign_id=campaign.pk).first()
    if snapshot is not None:
        return snapshot.data(), snapshot
    return snapshot_build(campaign), None


# --- before sending: the preconditions -------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One precondition of the sending, as the administrator reads it (pass or fail, and why)."""

    label: str
    ok: bool
    reason: str


def _names(names: list[str]) -> str:
    return ", ".join(f"« {name} »" for name in names)


def _tally_checks(campaign: Campaign) -> tuple[Check, Check]:
    """(a) the tally runs and counts at least one ballot; (b) what it selects is validated."""
    from votes.results.services import campaign_results

    tally_label = _("Dépouillement calculé")
    selected_label = _("Instruction validée de chaque proposition retenue")
    try:
        computed = campaign_results(campaign=campaign)
    except ValidationError as error:
        reason = _("Le dépouillement échoue : %(error)s") % {"error": " ".join(error.messages)}
        return (
            Check(tally_label, False, reason),
            Check(
                selected_label,
                False,
                _("Sans dépouillement, les propositions retenues ne sont pas connues."),
            ),
        )
    from votes.results.services import counted_lines

    counted = counted_lines(campaign).values("ballot_id").distinct().count()
    if counted:
        tally = Check(
            tally_label,
            True,
            ngettext(
                "Le dépouillement compte %(count)s bulletin exprimé.",
                "Le dépouillement compte %(count)s bulletins exprimés.",
                counted,
            )
            % {"count": counted},
        )
    else:
        tally = Check(
            tally_label,
            False,
            _("Aucun bulletin exprimé n'a été compté : il n'y a pas de résultat à transmettre."),
        )
    selected = {
        outcome.proposals[reference].id: outcome.proposals[reference].public_reference
        for outcome in computed.categories
        for reference in outcome.result.selected
    }
    # The tally reads the ballot from validated instructions; checked here again on the rows
    # themselves, because this is the promise made to the council (domain.md §2).
    validated = set(
        Instruction.objects.filter(
            proposal_id__in=selected, validation=Instruction.Validation.VALIDATED
        ).values_list("proposal_id", flat=True)
    )
    missing = sorted(reference for pk, reference in selected.items() if pk not in validated)
    if missing:
        return tally, Check(
            selected_label,
            False,
            _(
                "Ces propositions retenues n'ont pas d'instruction validée par la direction des "
                "finances : %(references)s."
            )
            % {"references": ", ".join(missing)},
        )
    return tally, Check(
        selected_label,
        True,
        ngettext(
            "La proposition retenue a une instruction validée.",
            "Les %(count)s propositions retenues ont une instruction validée.",
            len(selected),
        )
        % {"count": len(selected)}
        if selected
        else _("Aucune proposition n'est retenue : aucune instruction à vérifier."),
    )


def _stations_check(campaign: Campaign) -> Check:
    label = _("Bulletins papier arrêtés")
    open_names = list(
        PollingStation.objects.filter(campaign=campaign, closed_at__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)
    )
    if not open_names:
        return Check(label, True, _("Tous les bureaux de vote sont clos (ou il n'y en a aucun)."))
    if len(open_names) == 1:
        reason = _(
            "Le bureau « %(name)s » n'est pas clos : ses bulletins papier ne sont pas arrêtés."
        ) % {"name": open_names[0]}
    else:
        reason = _(
            "Ces bureaux ne sont pas clos : %(names)s ; leurs bulletins papier ne sont pas arrêtés."
        ) % {"names": _names(open_names)}
    return Check(label, False, reason)


def _batches_check(campaign: Campaign) -> Check:
    label = _("Lots de codes de vote clos")
    open_labels = list(
        VotingCodeBatch.objects.filter(
            campaign=campaign, closed_at__isnull=True, revoked_at__isnull=True
        )
        .order_by("label", "pk")
        .values_list("label", flat=True)
    )
    if not open_labels:
        return Check(label, True, _("Tous les lots de codes sont clos ou révoqués (ou aucun)."))
    if len(open_labels) == 1:
        reason = _(
            "Le lot de codes « %(label)s » n'est pas clos : ses codes inutilisés ne sont pas "
            "retirés."
        ) % {"label": open_labels[0]}
    else:
        reason = _(
            "Ces lots de codes ne sont pas clos : %(labels)s ; leurs codes inutilisés ne sont pas "
            "retirés."
        ) % {"labels": _names(open_labels)}
    return Check(label, False, reason)


def council_preconditions(campaign: Campaign) -> list[Check]:
    """What must hold before the results go to the council (issue 6 §1); reads only."""
    return [*_tally_checks(campaign), _stations_check(campaign), _batches_check(campaign)]


def council_problems(campaign: Campaign) -> list[str]:
    """The reasons of the failing preconditions (the phase move's precondition to council)."""
    return [check.reason for check in council_preconditions(campaign) if not check.ok]


# --- sending ---------------------------------------------------------------------------------


def snapshot_store(*, campaign: Campaign, by: User, now: datetime) -> CouncilSnapshot:
    """Build and store the snapshot; a step of the move into council (campaigns/workflow.py),
    run under the campaign's row lock, so no way to council skips it."""
    content = snapshot_text(snapshot_build(campaign, now=now))
    snapshot = CouncilSnapshot(
        campaign=campaign,
        content=content,
        sha256=CouncilSnapshot.fingerprint(content),
        created_by=by,
    )
    snapshot.full_clean()
    snapshot.save()
    log_event(
        logger,
        "snapshot_frozen",
        campaign=campaign.slug,
        snapshot=snapshot.pk,
        sha256=snapshot.sha256,
    )
    return snapshot

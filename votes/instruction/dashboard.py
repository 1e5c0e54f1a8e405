"""The instruction dashboard (reads only): counts by verdict, by validation state and by
service; what waits for the finance service and what is late.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign
from votes.instruction.models import Instruction
from votes.instruction.publication import published_instruction_ids

Status = Instruction.Status
Validation = Instruction.Validation


@dataclass
class ServiceRow:
    name: str
    counts: dict[str, int]
    total: int
    overdue: int


@dataclass
class Dashboard:
    total: int
    unassigned: int
    by_status: list[tuple[str, int]]
    by_validation: list[tuple[str, int]]
    services: list[ServiceRow]
    waiting: list[Instruction]
    overdue: list[Instruction]
    published: int


def instruction_dashboard(campaign: Campaign, *, today: date | None = None) -> Dashboard:
    """Counts by verdict, by validation state and by service; what waits and what is late."""
    today = today or timezone.localdate()
    proposals = campaign.proposals.instructable()
    instructions = list(
        Instruction.objects.filter(proposal__in=proposals)
        .select_related("proposal__service", "proposal__category")
        .order_by("proposal__reference")
    )
    by_status = Counter(instruction.status for instruction in instructions)
    by_validation = Counter(instruction.validation for instruction in instructions)
    services: dict[str, ServiceRow] = {}
    overdue = [
        instruction
        for instruction in instructions
        if instruction.due_on is not None
        and instruction.due_on < today
        and instruction.validation != Validation.VALIDATED
    ]
    late = {instruction.pk for instruction in overdue}
    for instruction in instructions:
        service = instruction.proposal.service
        name = service.name if service else _("(sans service)")
        row = services.setdefault(
            name,
            ServiceRow(name=name, counts=dict.fromkeys(Validation.values, 0), total=0, overdue=0),
        )
        row.counts[instruction.validation] += 1
        row.total += 1
        row.overdue += instruction.pk in late
    return Dashboard(
        total=proposals.count(),
        unassigned=proposals.filter(service__isnull=True).count(),
        by_status=[(str(label), by_status[value]) for value, label in Status.choices],
        by_validation=[(str(label), by_validation[value]) for value, label in Validation.choices],
        services=sorted(services.values(), key=lambda row: row.name),
        waiting=[i for i in instructions if i.validation == Validation.SUBMITTED],
        overdue=overdue,
        published=len(published_instruction_ids(campaign)),
    )

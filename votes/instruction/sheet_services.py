"""The instruction's Excel sheet as services: export (one row per proposal) and import
(every row or none), with the same checks as the instruction screen.

The workbook itself (columns, reading, writing) is sheet.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from budget.spreadsheets.cells import RowError, located
from simulator.inputs import prepared_budget
from votes import access
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign
from votes.campaigns.phases import require_phase
from votes.instruction import sheet
from votes.instruction.figures import checked_figures, proposal_adjustments
from votes.instruction.history import REASON_IMPORT, history_save
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal

Status = Instruction.Status
Validation = Instruction.Validation


def _sheet_proposals(campaign: Campaign, by):
    proposals = (
        campaign.proposals.instructable()
        .select_related("category", "service", "instruction")
        .order_by("reference")
    )
    if not (access.is_administrator(by, campaign) or access.is_finance(by, campaign)):
        proposals = proposals.filter(service__members=by)
    return proposals


def instruction_sheet_export(*, campaign: Campaign, by, file_format: str = writer.XLSX) -> bytes:
    """One row per proposal; an instructor gets only their services' proposals."""
    access.require(
        access.is_administrator(by, campaign)
        or access.is_finance(by, campaign)
        or access.is_instructor(by, campaign)
    )
    rows = []
    for proposal in _sheet_proposals(campaign, by):
        instruction = getattr(proposal, "instruction", None) or Instruction(proposal=proposal)
        rows.append(
            sheet.SheetRow(
                reference=proposal.public_reference,
                title=proposal.title,
                category=proposal.category.name,
                kind=str(proposal.get_kind_display()),
                service=proposal.service.name if proposal.service else "",
                validation=str(instruction.get_validation_display()),
                due_on=instruction.due_on,
                status=str(instruction.get_status_display()),
                instructed_cost=instruction.instructed_cost,
                cost_schedule=instruction.cost_schedule or {},
                induced_operating_cost=instruction.induced_operating_cost,
                instructed_saving=instruction.instructed_saving,
                direct_saving=instruction.direct_saving,
                induced_saving=instruction.induced_saving,
                duration=instruction.duration,
                conditions=instruction.conditions,
                public_reasoning=instruction.public_reasoning,
                internal_notes=instruction.internal_notes,
            )
        )
    return sheet.build_sheet(rows, title=campaign.title, file_format=file_format)


@dataclass
class SheetImportReport:
    errors: list[RowError] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: str) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _current(instruction: Instruction) -> dict:
    return {
        "status": instruction.status,
        "instructed_cost": instruction.instructed_cost,
        "cost_schedule": {
            int(year): Decimal(str(amount))
            for year, amount in (instruction.cost_schedule or {}).items()
        },
        "induced_operating_cost": instruction.induced_operating_cost,
        "instructed_saving": instruction.instructed_saving,
        "duration": _text(instruction.duration),
        "conditions": _text(instruction.conditions),
        "public_reasoning": _text(instruction.public_reasoning),
        "internal_notes": _text(instruction.internal_notes),
    }


def instruction_sheet_import(*, campaign: Campaign, data: bytes, by) -> SheetImportReport:
    """Apply an edited sheet: every row or none; rows left as exported are skipped."""
    require_not_frozen(campaign)
    access.require(access.is_administrator(by, campaign) or access.is_instructor(by, campaign))
    require_phase(campaign, "instruct")
    report = SheetImportReport()
    parsed, errors = sheet.read_sheet(
        data,
        statuses={value: str(label) for value, label in Status.choices},
        max_bytes=settings.BUDGET_IMPORT_MAX_BYTES,
    )
    if errors:
        report.errors = errors
        return report
    _sheet_write(campaign=campaign, rows=parsed, by=by, report=report)
    return report


@transaction.atomic
def _sheet_write(
    *, campaign: Campaign, rows: list[sheet.ParsedRow], by, report: SheetImportReport
) -> None:
    proposals = {
        proposal.reference: proposal
        for proposal in campaign.proposals.filter(
            reference__in=[row.reference for row in rows]
        ).select_related("campaign", "service")
    }
    # A finance validation landing while the sheet is applied would validate figures the
    # import is about to change: lock the instructions first.
    locked = {
        instruction.proposal_id: instruction
        for instruction in Instruction.objects.select_for_update().filter(
            proposal__in=proposals.values()
        )
    }
    administrator = access.is_administrator(by, campaign)
    prepared = None
    errors: list[RowError] = []
    writes: list[tuple[Instruction, dict]] = []
    for row in rows:
        reference = f"P-{row.reference:04d}"
        proposal = proposals.get(row.reference)
        if proposal is None:
            errors.append(
                located(
                    row.row,
                    "reference",
                    reference,
                    _("la proposition %(ref)s n'existe pas dans cette campagne.")
                    % {"ref": reference},
                )
            )
            continue
        instruction = locked.get(proposal.pk) or Instruction(proposal=proposal)
        current = _current(instruction)
        wanted = {**current, **row.values}
        # A project has no saving, and a simulator-built saving gets it from the engine: what
        # the sheet says there is not read.
        saving_ignored = proposal.kind == Proposal.Kind.PROJECT or bool(
            proposal_adjustments(proposal)
        )
        compared = [
            name for name in current if not (saving_ignored and name == "instructed_saving")
        ]
        if all(wanted[name] == current[name] for name in compared):
            report.unchanged += 1
            continue

        def refuse(
            message: str, column: str = "reference", value: str = reference, line: int = row.row
        ) -> None:
            errors.append(located(line, column, value, message))

        if proposal.service_id is None:
            refuse(
                _("la proposition %(ref)s n'est attribuée à aucun service.") % {"ref": reference}
            )
            continue
        if not (administrator or access.can_instruct(by, proposal)):
            refuse(
                _(
                    "la proposition %(ref)s est attribuée au service « %(service)s », dont vous "
                    "n'êtes pas membre : seuls ses instructeurs peuvent la modifier."
                )
                % {"ref": reference, "service": proposal.service.name}
            )
            continue
        if proposal.status == Proposal.Status.WITHDRAWN:
            refuse(_("la proposition %(ref)s a été retirée par son auteur.") % {"ref": reference})
            continue
        if proposal.status == Proposal.Status.NOT_RETAINED:
            refuse(
                _("la proposition %(ref)s n'a pas atteint le seuil de soutiens.")
                % {"ref": reference}
            )
            continue
        if instruction.validation == Validation.VALIDATED:
            refuse(
                _(
                    "l'instruction de %(ref)s est déjà validée par la direction des finances : "
                    "elle ne peut plus être modifiée."
                )
                % {"ref": reference}
            )
            continue
        if instruction.validation == Validation.SUBMITTED:
            refuse(
                _(
                    "l'instruction de %(ref)s est soumise à la direction des finances : "
                    "attendez sa validation ou son renvoi."
                )
                % {"ref": reference}
            )
            continue
        engine = saving_ignored and proposal.kind == Proposal.Kind.SAVING
        if engine and prepared is None and campaign.budget is not None:
            prepared = prepared_budget(campaign.budget)
        try:
            values = checked_figures(
                proposal=proposal,
                cost_schedule={str(y): str(a) for y, a in wanted["cost_schedule"].items()},
                prepared=prepared,
                **{k: v for k, v in wanted.items() if k != "cost_schedule"},
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = sheet.FIELD_COLUMNS.get(name, "")
                for message in messages:
                    refuse(message, column, str(row.values.get(name, "")))
            continue
        writes.append((instruction, values))
    if errors:
        report.errors = errors
        return
    for instruction, values in writes:
        for name, value in values.items():
            setattr(instruction, name, value)
        instruction.instructed_by = by
        history_save(instruction, by=by, reason=REASON_IMPORT)
        report.updated.append(instruction.proposal.public_reference)

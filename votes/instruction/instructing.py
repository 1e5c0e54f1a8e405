"""Instructing a proposal: the assigned service's instructor records the verdict and the
figures, then submits them to the finance service (finance.py validates or returns them).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from votes import access
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.phases import require_phase
from votes.instruction.figures import checked_figures
from votes.instruction.history import REASON_SAVE, REASON_SUBMIT, history_save, locked_instruction
from votes.instruction.models import Instruction

Status = Instruction.Status
Validation = Instruction.Validation


def _require_editable(instruction: Instruction) -> None:
    if instruction.validation == Validation.VALIDATED:
        raise ValidationError(
            _(
                "Cette instruction est validée par la direction des finances : "
                "elle ne peut plus être modifiée."
            )
        )
    if instruction.validation == Validation.SUBMITTED:
        raise ValidationError(
            _(
                "Cette instruction est soumise à la direction des finances : attendez sa "
                "validation ou son renvoi pour la modifier."
            )
        )


@transaction.atomic
def instruction_save(
    *,
    instruction: Instruction,
    by,
    status: str,
    instructed_cost: Decimal | None = None,
    cost_schedule: dict | None = None,
    induced_operating_cost: Decimal | None = None,
    instructed_saving: Decimal | None = None,
    duration: str = "",
    conditions: str = "",
    public_reasoning: str = "",
    internal_notes: str = "",
) -> Instruction:
    """The assigned service's instructor records the verdict and figures.

    A saving built from the simulator gets its yearly net saving from the engine (any typed
    `instructed_saving` is ignored); other savings take the typed figure.
    """
    require_not_frozen(instruction.proposal.campaign)
    # The finance validator and the instructor acting at once: the row lock makes the
    # validation see either the figures before this save or after it, never half of them,
    # and the save sees a validation that happened first (and then refuses).
    instruction = locked_instruction(instruction)
    proposal = instruction.proposal
    access.require(access.can_instruct(by, proposal))
    require_phase(proposal.campaign, "instruct")
    _require_editable(instruction)
    values = checked_figures(
        proposal=proposal,
        status=status,
        instructed_cost=instructed_cost,
        cost_schedule=cost_schedule,
        induced_operating_cost=induced_operating_cost,
        instructed_saving=instructed_saving,
        duration=duration,
        conditions=conditions,
        public_reasoning=public_reasoning,
        internal_notes=internal_notes,
    )
    for name, value in values.items():
        setattr(instruction, name, value)
    instruction.instructed_by = by
    history_save(instruction, by=by, reason=REASON_SAVE)
    return instruction


@transaction.atomic
def instruction_submit(*, instruction: Instruction, by) -> Instruction:
    """The instructor hands the instruction to the finance service."""
    require_not_frozen(instruction.proposal.campaign)
    instruction = locked_instruction(instruction)
    access.require(access.can_instruct(by, instruction.proposal))
    require_phase(instruction.proposal.campaign, "instruct")
    _require_editable(instruction)
    if instruction.status == Status.TO_INSTRUCT:
        raise ValidationError(_("Choisissez un avis avant de soumettre l'instruction."))
    instruction.validation = Validation.SUBMITTED
    history_save(instruction, by=by, reason=REASON_SUBMIT)
    return instruction

"""The finance service's side: it validates a submitted instruction (only validated
instructions count: the ballot, the tally, the council) or returns it to its service.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from votes import access
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.phases import require_phase
from votes.instruction.history import (
    REASON_RETURN,
    REASON_VALIDATE,
    history_save,
    locked_instruction,
)
from votes.instruction.models import Instruction

Status = Instruction.Status
Validation = Instruction.Validation


def _require_submitted(instruction: Instruction) -> None:
    if instruction.validation != Validation.SUBMITTED:
        raise ValidationError(
            _(
                "Seule une instruction soumise par son service peut être validée ou renvoyée "
                "(celle-ci est « %(state)s »)."
            )
            % {"state": instruction.get_validation_display()}
        )


@transaction.atomic
def instruction_validate(*, instruction: Instruction, by) -> Instruction:
    """The finance service validates the figures: only validated instructions count."""
    require_not_frozen(instruction.proposal.campaign)
    access.require(access.is_finance(by, instruction))
    # See instruction_save: the lock guarantees the figures validated are the ones read.
    instruction = locked_instruction(instruction)
    require_phase(instruction.proposal.campaign, "validate_instruction")
    _require_submitted(instruction)
    if instruction.status == Status.TO_INSTRUCT:
        raise ValidationError(_("Une instruction sans avis ne peut pas être validée."))
    if instruction.instructed_by_id is not None and instruction.instructed_by_id == by.pk:
        raise ValidationError(
            _("Vous avez instruit cette proposition : une autre personne doit la valider.")
        )
    instruction.validation = Validation.VALIDATED
    instruction.validated_by = by
    instruction.validated_at = timezone.now()
    history_save(instruction, by=by, reason=REASON_VALIDATE)
    return instruction


@transaction.atomic
def instruction_return(*, instruction: Instruction, by, comment: str) -> Instruction:
    """The finance service sends the instruction back to its service, saying why."""
    require_not_frozen(instruction.proposal.campaign)
    access.require(access.is_finance(by, instruction))
    instruction = locked_instruction(instruction)
    require_phase(instruction.proposal.campaign, "validate_instruction")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Expliquez au service pourquoi l'instruction lui est renvoyée.")}
        )
    _require_submitted(instruction)
    instruction.validation = Validation.RETURNED
    instruction.return_comment = comment
    history_save(instruction, by=by, reason=REASON_RETURN)
    return instruction

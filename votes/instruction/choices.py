"""The choices of an instruction, apart from its model.

proposals/models.py filters on them (the ballot: validated feasible instructions) while
instruction/models.py imports Proposal for its foreign key: both read them here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstructionStatus(models.TextChoices):
    """The instruction's verdict (Instruction.Status)."""

    TO_INSTRUCT = "to_instruct", _("À instruire")
    FEASIBLE = "feasible", _("Faisable")
    FEASIBLE_CONDITIONS = "conditions", _("Faisable sous conditions")
    NOT_FEASIBLE = "not_feasible", _("Non faisable")
    OUT_OF_POWERS = "out_of_powers", _("Hors compétence de la collectivité")


class InstructionValidation(models.TextChoices):
    """Where the finance validation stands (Instruction.Validation)."""

    DRAFT = "draft", _("En cours d'instruction")
    SUBMITTED = "submitted", _("Soumise à la direction des finances")
    VALIDATED = "validated", _("Validée par la direction des finances")
    RETURNED = "returned", _("Renvoyée au service")


# The verdicts that put a validated proposal on the ballot (Instruction.FEASIBLE).
FEASIBLE = (InstructionStatus.FEASIBLE, InstructionStatus.FEASIBLE_CONDITIONS)

# Submitted or validated: out of the service's hands (no edit, no change of service).
FROZEN = (InstructionValidation.SUBMITTED, InstructionValidation.VALIDATED)

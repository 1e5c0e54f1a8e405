"""The choices of the council's answer, apart from its model.

proposals/models.py filters on them (adopted proposals) while council/models.py imports
Proposal for its foreign keys: both read them here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    """The council's decision on a proposal (CouncilAnswer.Decision)."""

    ADOPTED = "adopted", _("Adoptée")
    ADOPTED_CHANGED = "adopted_changed", _("Adoptée avec modifications")
    DEFERRED = "deferred", _("Reportée")
    REJECTED = "rejected", _("Rejetée")


# The decisions that carry the citizen label (CouncilAnswer.ADOPTED_DECISIONS).
ADOPTED_DECISIONS = (Decision.ADOPTED, Decision.ADOPTED_CHANGED)

"""Phase gating: every write checks the campaign's phase here, in the service layer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from votes.campaigns.models import PHASE_ORDER, Campaign, Phase

# What each action needs (domain.md §2): the services call require_phase(campaign, ACTION).
ALLOWED_PHASES: dict[str, tuple[str, ...]] = {
    "propose": (Phase.PROPOSALS,),
    "edit_proposal": (Phase.PROPOSALS,),
    "withdraw_proposal": (Phase.PROPOSALS, Phase.SUPPORTS),
    "support": (Phase.SUPPORTS,),
    "assign": (Phase.PROPOSALS, Phase.SUPPORTS, Phase.INSTRUCTION),
    "instruct": (Phase.PROPOSALS, Phase.SUPPORTS, Phase.INSTRUCTION),
    "validate_instruction": (Phase.PROPOSALS, Phase.SUPPORTS, Phase.INSTRUCTION),
    "vote": (Phase.VOTING,),
    "change_rules": (
        Phase.DRAFT,
        Phase.FRAMING,
        Phase.PROPOSALS,
        Phase.SUPPORTS,
        Phase.INSTRUCTION,
    ),
    # The debate (votes/debate/): comments on proposals while they are written and
    # instructed, read-only afterwards; comments on the council's answers once published.
    "comment": (Phase.PROPOSALS, Phase.SUPPORTS, Phase.INSTRUCTION),
    "comment_answer": (Phase.ANSWERED,),
    "moderate": tuple(p for p in PHASE_ORDER if p != Phase.DRAFT),
    "flag": tuple(p for p in PHASE_ORDER if p != Phase.DRAFT),
}

ACTION_NAMES = {
    "propose": gettext_lazy("déposer une proposition"),
    "edit_proposal": gettext_lazy("modifier une proposition"),
    "withdraw_proposal": gettext_lazy("retirer une proposition"),
    "support": gettext_lazy("soutenir une proposition"),
    "assign": gettext_lazy("attribuer une proposition à un service"),
    "instruct": gettext_lazy("instruire une proposition"),
    "validate_instruction": gettext_lazy("valider une instruction"),
    "vote": gettext_lazy("voter"),
    "change_rules": gettext_lazy("modifier les règles de la campagne"),
    "comment": gettext_lazy("commenter une proposition"),
    "comment_answer": gettext_lazy("commenter une réponse du conseil"),
    "moderate": gettext_lazy("modérer"),
    "flag": gettext_lazy("signaler une proposition"),
}


class PhaseError(ValidationError):
    """An action refused because the campaign is not in a phase that allows it."""


def phase_allows(campaign: Campaign, action: str) -> bool:
    return campaign.phase in ALLOWED_PHASES[action]


def require_phase(campaign: Campaign, action: str) -> None:
    if phase_allows(campaign, action):
        return
    allowed = ", ".join(str(Phase(p).label) for p in ALLOWED_PHASES[action])
    raise PhaseError(
        _(
            "Impossible de %(action)s : la campagne « %(campaign)s » est en phase « %(phase)s » "
            "(possible seulement en phase : %(allowed)s)."
        )
        % {
            "action": str(ACTION_NAMES[action]),
            "campaign": campaign.title,
            "phase": campaign.get_phase_display(),
            "allowed": allowed,
        }
    )

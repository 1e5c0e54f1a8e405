"""Who may do what in the votes app: the one access helper every view and service uses."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from budget.roles import (
    ADMINISTRATOR,
    FACILITATOR,
    FINANCE,
    INSTRUCTOR,
    MODERATOR,
    OFFICER,
    has_role,
)

User = AbstractBaseUser | AnonymousUser


def is_administrator(user: User) -> bool:
    return has_role(user, ADMINISTRATOR)


def is_moderator(user: User) -> bool:
    return has_role(user, MODERATOR, ADMINISTRATOR)


def is_finance(user: User) -> bool:
    return has_role(user, FINANCE)


def is_instructor(user: User) -> bool:
    return has_role(user, INSTRUCTOR)


def is_facilitator(user: User) -> bool:
    return has_role(user, FACILITATOR, ADMINISTRATOR)


def can_edit_agenda(user: User) -> bool:
    """The agenda of a campaign (votes/agenda/): the participation team and the facilitators
    who run the workshops it lists."""
    return has_role(user, ADMINISTRATOR, FACILITATOR)


def can_edit_evaluation(user: User) -> bool:
    """The satisfaction questionnaire of a campaign (votes/evaluation/): the team that runs
    the participation, and the facilitators who hand it out at the end of workshops."""
    return has_role(user, ADMINISTRATOR, FACILITATOR)


def can_read_evaluation(user: User, campaign) -> bool:
    """The evaluation page of a campaign: those who read its statistics (the administrator,
    finance, the facilitators) and the campaign's guarantor, who oversees the process."""
    return has_role(user, ADMINISTRATOR, FINANCE, FACILITATOR) or is_guarantor(user, campaign)


def is_officer(user: User) -> bool:
    return has_role(user, OFFICER)


def is_team(user: User) -> bool:
    """The participation team and the services: they see internal screens (not figures)."""
    return has_role(user, ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR, FACILITATOR)


def is_guarantor(user: User, campaign) -> bool:
    """Object level: the guarantor of this very campaign (a per-campaign role, assigned by an
    administrator; see votes/guarantor/). They read everything of it and change nothing: no
    write view lets them in, since none asks for this role."""
    if not user.is_authenticated:
        return False
    held = getattr(user, "_guaranteed_campaigns", None)
    if held is None:
        from votes.guarantor.models import Guarantor

        held = set(Guarantor.objects.of_user(user).values_list("campaign_id", flat=True))
        user._guaranteed_campaigns = held  # cached for the request, like the role names
    return campaign.pk in held


def can_oversee(user: User, campaign) -> bool:
    """The guarantor's screens: their guarantor, and the administrators who assign one."""
    return is_administrator(user) or is_guarantor(user, campaign)


def can_instruct(user: User, proposal) -> bool:
    """Object level: an instructor instructs only the proposals assigned to their service."""
    if not is_instructor(user) or proposal.service_id is None:
        return False
    return proposal.service.members.filter(pk=user.pk).exists()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied

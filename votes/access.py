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


def is_officer(user: User) -> bool:
    return has_role(user, OFFICER)


def is_team(user: User) -> bool:
    """The participation team and the services: they see internal screens (not figures)."""
    return has_role(user, ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR, FACILITATOR)


def can_instruct(user: User, proposal) -> bool:
    """Object level: an instructor instructs only the proposals assigned to their service."""
    if not is_instructor(user) or proposal.service_id is None:
        return False
    return proposal.service.members.filter(pk=user.pk).exists()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied

"""Roles (Django groups created by budget/migrations/0002_roles.py) and the access helper."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

ADMINISTRATOR = "administrator"
FACILITATOR = "facilitator"
INSTRUCTOR = "instructor"
FINANCE = "finance"
MODERATOR = "moderator"
OFFICER = "officer"
ROLES = [ADMINISTRATOR, FACILITATOR, INSTRUCTOR, FINANCE, MODERATOR, OFFICER]


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names  # cached for the request: checked on every back-office view
    return bool(names.intersection(roles))


def require_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied


def sees_unpublished(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Unpublished budgets exist only for the staff, the administrators and finance."""
    return user.is_authenticated and (user.is_staff or has_role(user, ADMINISTRATOR, FINANCE))

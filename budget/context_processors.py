"""What the navigation needs to know about the visitor, on every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from budget.roles import (
    ADMINISTRATOR,
    FACILITATOR,
    FINANCE,
    INSTRUCTOR,
    MODERATOR,
    OFFICER,
    has_role,
)


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "can_backoffice": False,
            "can_moderate": False,
            "can_instruct": False,
            "can_run_campaigns": False,
            "can_facilitate": False,
            "can_officiate": False,
        }

    # Lazy: read (one query, cached on the user) only when a template shows the navigation,
    # so that htmx partials, which do not, skip it.
    def role(*roles: str) -> SimpleLazyObject:
        return SimpleLazyObject(lambda: has_role(user, *roles))

    return {
        "can_backoffice": role(ADMINISTRATOR, FINANCE),
        "can_moderate": role(MODERATOR, ADMINISTRATOR),
        "can_instruct": role(INSTRUCTOR, FINANCE, ADMINISTRATOR),
        "can_run_campaigns": role(ADMINISTRATOR),
        "can_facilitate": role(FACILITATOR, ADMINISTRATOR),
        "can_officiate": role(OFFICER),
    }

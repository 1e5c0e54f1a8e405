"""What the navigation needs to know about the visitor, on every page."""

from __future__ import annotations

from django.http import HttpRequest

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
    return {
        "can_backoffice": has_role(user, ADMINISTRATOR, FINANCE),
        "can_moderate": has_role(user, MODERATOR, ADMINISTRATOR),
        "can_instruct": has_role(user, INSTRUCTOR, FINANCE, ADMINISTRATOR),
        "can_run_campaigns": has_role(user, ADMINISTRATOR),
        "can_facilitate": has_role(user, FACILITATOR, ADMINISTRATOR),
        "can_officiate": has_role(user, OFFICER),
    }

"""What the navigation needs to know about the visitor, on every page."""

from __future__ import annotations

from django.http import HttpRequest

from .roles import ADMINISTRATOR, FINANCE, has_role


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_backoffice": False}
    return {"can_backoffice": has_role(user, ADMINISTRATOR, FINANCE)}

"""Shared by the rate-limit tests of each view: small limits, and the refusal's marks."""

from __future__ import annotations

import html

OTHER_IP = "203.0.113.9"
MESSAGE = "Trop de tentatives : réessayez dans"


def small_limits(settings, name: str, *, ip: int, target: int | None = None) -> None:
    """Only this view's limit, small, over an hour (the window never ends during a test)."""
    rule = {"ip": (ip, 3600)}
    if target is not None:
        rule["target"] = (target, 3600)
    settings.RATE_LIMITS = {name: rule}


def assert_refused(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    text = html.unescape(response.content.decode())
    assert MESSAGE in text
    assert "minute" in text

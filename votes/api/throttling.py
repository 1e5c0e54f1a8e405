"""The API's rate limit goes through votes/ratelimits.py like every public form: the same
shared counters, the same keyed-hash log line, a 429 with Retry-After."""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from votes import ratelimits

LIMIT = "api"


class AddressThrottle(BaseThrottle):
    """Every request counts, per client address (settings.RATE_LIMITS["api"])."""

    def __init__(self) -> None:
        self.refusal: ratelimits.Refusal | None = None

    def allow_request(self, request, view) -> bool:
        self.refusal = ratelimits.hit(request._request, LIMIT)
        if self.refusal is None:
            return True
        ratelimits.log_refusal(request._request, self.refusal)
        return False

    def wait(self) -> float | None:
        return None if self.refusal is None else self.refusal.retry_after

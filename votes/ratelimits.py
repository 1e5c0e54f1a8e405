"""Rate limits on the public forms that can be abused: per client address and per target.

Counters are shared by every application instance, so that a limit holds whichever instance
the load balancer picks: in Redis through Django's cache when REDIS_URL is set (its INCR is
atomic), otherwise in a counter table of the database (budget/counters/), counted by one
atomic statement, since the database cache's `incr` is a read then a write. A limit is a
fixed window: at most `count` attempts per `seconds`, the window starting at a multiple of
`seconds`; the refusal says when the window ends (Retry-After).

Two ways to count, after the kind of abuse:
- `hit`: every attempt counts (sign-up, password reset, proposals, flags: floods);
- `blocked` then `failed`: only failures count (codes, receipts, workshop codes, logins:
  guessing), so that a room of people behind one address is not stopped by its successes.

Neither an address nor an e-mail is kept in clear: keys and logs carry a keyed hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from budget.counters.services import counter_add, counter_value

logger = logging.getLogger(__name__)

SCOPES = ("ip", "target")


@dataclass(frozen=True)
class Refusal:
    name: str
    scope: str
    retry_after: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def pseudonym(value: str) -> str:
    """A stable keyed hash: the same address gives the same value, which reveals nothing."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address (None if unknown). Behind TRUSTED_PROXY_COUNT trusted proxies
    (the load balancer, nginx…), it is the entry they appended to X-Forwarded-For; entries
    further left were written by the client and could be anything. django-axes uses it too
    (AXES_CLIENT_IP_CALLABLE), and stores it in an address column: only a valid address."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = _address(forwarded[-proxies])
            if address:
                return address
    return _address(request.META.get("REMOTE_ADDR", ""))


def _now() -> float:
    return time.time()


def _limit(name: str, scope: str) -> tuple[int, int] | None:
    rule = settings.RATE_LIMITS.get(name, {}).get(scope)
    return tuple(rule) if rule else None  # type: ignore[return-value]


def _keys(request: HttpRequest, name: str, target: str | None):
    """(scope, cache key, limit, seconds left in the window) for each limit that applies."""
    now = _now()
    # No known address (never the case behind a real server): only the target is counted.
    values = {"ip": client_ip(request), "target": target}
    for scope in SCOPES:
        limit = _limit(name, scope)
        value = values[scope]
        if limit is None or not value:
            continue
        count, seconds = limit
        window = int(now // seconds)
        key = f"rl:{name}:{scope}:{pseudonym(value)}:{window}"
        yield scope, key, count, max(1, math.ceil((window + 1) * seconds - now)), seconds


def _in_database() -> bool:
    return not settings.REDIS_URL


def _expiry(seconds: int) -> dt.datetime:
    # Kept one window past its end (as the cache's timeout was), then pruned by prune_jobs.
    return timezone.now() + dt.timedelta(seconds=seconds + 1)


def _over(request: HttpRequest, name: str, target: str | None) -> Refusal | None:
    if not settings.RATE_LIMITS_ENABLED:
        return None
    for scope, key, count, left, _seconds in _keys(request, name, target):
        value = counter_value(key) if _in_database() else (cache.get(key) or 0)
        if value >= count:
            return Refusal(name=name, scope=scope, retry_after=left)
    return None


def _count(request: HttpRequest, name: str, target: str | None) -> None:
    if not settings.RATE_LIMITS_ENABLED:
        return
    for _scope, key, _count_max, _left, seconds in _keys(request, name, target):
        if _in_database():
            counter_add(key=key, expires_at=_expiry(seconds))
        # add() creates the counter for this window; incr() is atomic on Redis.
        elif not cache.add(key, 1, timeout=seconds + 1):
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls: a new window
                cache.add(key, 1, timeout=seconds + 1)


def _take(request: HttpRequest, name: str, target: str | None) -> Refusal | None:
    """Count this attempt in the database, then refuse it if that went over a limit.

    Race: checking then counting (as `_over` then `_count` do) lets simultaneous attempts all
    see the counter under the limit. Here each attempt adds one atomically and reads the new
    value: of N simultaneous attempts, exactly those that got a value within the limit pass.
    A refused attempt takes its units back, so that refusals count for nothing (as with the
    cache); the counter stays at least the number of attempts kept, so none passes extra.
    """
    if not settings.RATE_LIMITS_ENABLED:
        return None
    taken: list[tuple[str, int]] = []
    refusal = None
    for scope, key, count, left, seconds in _keys(request, name, target):
        taken.append((key, seconds))
        if counter_add(key=key, expires_at=_expiry(seconds)) > count:
            refusal = Refusal(name=name, scope=scope, retry_after=left)
            break
    if refusal is not None:
        for key, seconds in taken:
            counter_add(key=key, expires_at=_expiry(seconds), amount=-1)
    return refusal


def _normalised(target: str | None) -> str | None:
    return target.strip().lower() if target and target.strip() else None


def _cache_down(name: str, error: Exception) -> None:
    # A cache that does not answer (Redis restarting) must not stop a vote: the limit is
    # skipped, loudly.
    logger.error(
        "rate limit cache unavailable",
        extra={"event": "rate_limit_cache_error", "limit": name, "error": type(error).__name__},
    )


def hit(request: HttpRequest, name: str, *, target: str | None = None) -> Refusal | None:
    """Count this attempt, unless it is over a limit: then the refusal, and nothing counted."""
    target = _normalised(target)
    try:
        if _in_database():
            return _take(request, name, target)
        refusal = _over(request, name, target)
        if refusal is None:
            _count(request, name, target)
    except Exception as error:
        _cache_down(name, error)
        return None
    return refusal


def blocked(request: HttpRequest, name: str, *, target: str | None = None) -> Refusal | None:
    """Whether earlier failures reached a limit (this attempt is not counted)."""
    try:
        return _over(request, name, _normalised(target))
    except Exception as error:
        _cache_down(name, error)
        return None


def failed(request: HttpRequest, name: str, *, target: str | None = None) -> None:
    """Count one failure (a wrong code, an unknown receipt, a refused login)."""
    try:
        _count(request, name, _normalised(target))
    except Exception as error:
        _cache_down(name, error)


def log_refusal(request: HttpRequest, refusal: Refusal) -> None:
    """One log line per refusal (the address as a keyed hash), the page's and the API's."""
    logger.warning(
        "rate limit refusal",
        extra={
            "event": "rate_limited",
            "limit": refusal.name,
            "scope": refusal.scope,
            "ip_hash": pseudonym(client_ip(request) or "unknown"),
            "retry_after": refusal.retry_after,
        },
    )


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The page that says when to come back: HTTP 429 with Retry-After, and one log line."""
    log_refusal(request, refusal)
    response = render(request, "ratelimited.html", {"minutes": refusal.minutes}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    if getattr(request, "htmx", False):
        # htmx swaps no 4xx answer: the page reloads (HX-Refresh is obeyed whatever the
        # status) and shows the same sentence as a message.
        messages.error(request, refusal_text(refusal.minutes))
        response["HX-Refresh"] = "true"
    return response


def refusal_text(minutes: int) -> str:
    return ngettext(
        "Trop de tentatives : réessayez dans %(minutes)s minute.",
        "Trop de tentatives : réessayez dans %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}

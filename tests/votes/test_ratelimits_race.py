"""votes/ratelimits.py without Redis: simultaneous attempts beyond a limit let exactly the
limit through (the database counter adds atomically; the database cache's incr did not).

Real threads, each with its own connection (tests/concurrency.py): PostgreSQL, and SQLite on a
file database with BEGIN IMMEDIATE and the busy timeout.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from budget.counters.models import Counter
from tests.concurrency import run_together
from tests.votes.ratelimit_helpers import small_limits
from votes import ratelimits

pytestmark = pytest.mark.postgres  # also runs on SQLite: see concurrent_database

ATTEMPTS = 12
LIMIT = 4


def attempt(name: str = "signup", target: str | None = None):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    return lambda: ratelimits.hit(request, name, target=target)


def test_simultaneous_attempts_beyond_the_limit_let_exactly_the_limit_through(
    concurrent_database, settings
):
    settings.REDIS_URL = ""
    small_limits(settings, "signup", ip=LIMIT)

    results, errors = run_together([attempt() for _ in range(ATTEMPTS)])

    assert errors == []
    assert sum(result is None for result in results) == LIMIT
    refusals = [result for result in results if result is not None]
    assert len(refusals) == ATTEMPTS - LIMIT
    assert {(refusal.name, refusal.scope) for refusal in refusals} == {("signup", "ip")}
    # Refused attempts took their unit back: the counter says what was let through.
    assert Counter.objects.get().count == LIMIT


def test_simultaneous_attempts_over_the_target_limit_leave_the_address_counter_exact(
    concurrent_database, settings
):
    settings.REDIS_URL = ""
    small_limits(settings, "signup", ip=100, target=3)

    results, errors = run_together([attempt(target="jeanne@example.org") for _ in range(ATTEMPTS)])

    assert errors == []
    assert sum(result is None for result in results) == 3
    # The address counted only the three attempts kept, not the refused ones.
    assert sorted(Counter.objects.values_list("count", flat=True)) == [3, 3]


def test_simultaneous_failures_are_all_counted(concurrent_database, settings):
    settings.REDIS_URL = ""
    small_limits(settings, "code_entry", ip=100)
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")

    _, errors = run_together(
        [lambda: ratelimits.failed(request, "code_entry") for _ in range(ATTEMPTS)]
    )

    assert errors == []
    assert Counter.objects.get().count == ATTEMPTS

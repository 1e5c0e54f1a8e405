"""votes/ratelimits.py: shared counters per address and per target, and the 429 page."""

from __future__ import annotations

import logging

import pytest
from django.test import RequestFactory

from budget.counters.models import Counter
from config.settings import rate_limits
from tests.votes.ratelimit_helpers import assert_refused, small_limits
from votes import ratelimits

pytestmark = pytest.mark.django_db


def request_from(ip: str = "192.0.2.1", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_without_proxies_the_client_is_the_remote_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert ratelimits.client_ip(request_from("192.0.2.1", "10.9.9.9")) == "192.0.2.1"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client wrote "6.6.6.6" itself: only the proxy's own entry, the last one, is trusted.
    request = request_from("10.0.0.1", "6.6.6.6, 198.51.100.7")

    assert ratelimits.client_ip(request) == "198.51.100.7"


def test_behind_a_proxy_a_missing_header_falls_back_to_the_remote_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert ratelimits.client_ip(request_from("10.0.0.1", "198.51.100.7")) == "10.0.0.1"


def test_an_address_that_is_not_one_is_never_taken(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # A proxy count set too high, or a header forged: the remote address, or none at all.
    assert ratelimits.client_ip(request_from("10.0.0.1", "<script>")) == "10.0.0.1"
    assert ratelimits.client_ip(request_from("", "")) is None


def test_attempts_pass_up_to_the_limit_and_the_next_is_refused(settings):
    small_limits(settings, "signup", ip=3)
    request = request_from()

    passed = [ratelimits.hit(request, "signup") for _ in range(3)]
    refusal = ratelimits.hit(request, "signup")

    assert passed == [None, None, None]
    assert refusal is not None
    assert (refusal.name, refusal.scope) == ("signup", "ip")
    assert 1 <= refusal.retry_after <= 3600


def test_the_target_is_counted_apart_from_the_address_and_ignores_case(settings):
    small_limits(settings, "signup", ip=100, target=2)
    request = request_from()
    ratelimits.hit(request, "signup", target="Jeanne@Example.org")
    ratelimits.hit(request, "signup", target="jeanne@example.org ")

    refusal = ratelimits.hit(request, "signup", target="JEANNE@example.org")

    assert refusal is not None and refusal.scope == "target"
    assert ratelimits.hit(request, "signup", target="paul@example.org") is None


def test_failures_only_count_when_reported(settings):
    small_limits(settings, "code_entry", ip=2)
    request = request_from()

    for _ in range(5):
        assert ratelimits.blocked(request, "code_entry") is None
    ratelimits.failed(request, "code_entry")
    ratelimits.failed(request, "code_entry")

    assert ratelimits.blocked(request, "code_entry") is not None


def test_a_new_window_starts_afresh(settings, monkeypatch):
    small_limits(settings, "signup", ip=1)
    request = request_from()
    monkeypatch.setattr(ratelimits, "_now", lambda: 1_800_000_000.0)
    ratelimits.hit(request, "signup")
    assert ratelimits.hit(request, "signup") is not None

    monkeypatch.setattr(ratelimits, "_now", lambda: 1_800_000_000.0 + 3600)

    assert ratelimits.hit(request, "signup") is None


def test_the_counters_can_be_switched_off(settings):
    small_limits(settings, "signup", ip=1)
    settings.RATE_LIMITS_ENABLED = False
    request = request_from()

    assert [ratelimits.hit(request, "signup") for _ in range(5)] == [None] * 5


def test_the_refusal_page_says_when_to_come_back_and_logs_no_address(settings, caplog):
    request = request_from("192.0.2.77")
    refusal = ratelimits.Refusal(name="signup", scope="ip", retry_after=601)

    with caplog.at_level(logging.INFO, logger="votes.ratelimits"):
        response = ratelimits.refused(request, refusal)

    assert_refused(response)
    assert response["Retry-After"] == "601"
    assert "réessayez dans 11 minutes" in response.content.decode()
    (record,) = caplog.records
    assert record.event == "rate_limited"
    assert (record.limit, record.scope) == ("signup", "ip")
    assert record.ip_hash == ratelimits.pseudonym("192.0.2.77")
    assert "192.0.2.77" not in str(record.__dict__)


def test_limits_are_changed_from_the_environment():
    limits = rate_limits("signup.ip=20/60, code_entry.target=5/30")

    assert limits["signup"] == {"ip": (20, 60), "target": (3, 3600)}
    assert limits["code_entry"]["target"] == (5, 30)
    assert limits["login"] == {"ip": (30, 900)}


def test_a_cache_that_does_not_answer_lets_the_request_through_and_says_so(
    settings, monkeypatch, caplog
):
    small_limits(settings, "signup", ip=1)
    # With Redis configured the counters are in the cache.
    settings.REDIS_URL = "redis://cache.invalid:6379/0"

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimits.cache, "get", down)
    monkeypatch.setattr(ratelimits.cache, "add", down)
    request = request_from()

    with caplog.at_level(logging.ERROR, logger="votes.ratelimits"):
        results = [ratelimits.hit(request, "signup"), ratelimits.blocked(request, "signup")]
        ratelimits.failed(request, "signup")

    assert results == [None, None]
    assert [record.event for record in caplog.records] == ["rate_limit_cache_error"] * 3


def test_a_counter_table_that_does_not_answer_lets_the_request_through_and_says_so(
    settings, monkeypatch, caplog
):
    small_limits(settings, "signup", ip=1)
    settings.REDIS_URL = ""

    def down(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(ratelimits, "counter_add", down)
    monkeypatch.setattr(ratelimits, "counter_value", down)
    request = request_from()

    with caplog.at_level(logging.ERROR, logger="votes.ratelimits"):
        results = [ratelimits.hit(request, "signup"), ratelimits.blocked(request, "signup")]
        ratelimits.failed(request, "signup")

    assert results == [None, None]
    assert [record.event for record in caplog.records] == ["rate_limit_cache_error"] * 3


def test_with_redis_the_counters_stay_in_the_cache(settings):
    small_limits(settings, "signup", ip=2)
    # The test cache stands in for Redis: the counting path of REDIS_URL, unchanged.
    settings.REDIS_URL = "redis://cache.invalid:6379/0"
    request = request_from()

    results = [ratelimits.hit(request, "signup") for _ in range(3)]

    assert results[:2] == [None, None] and results[2] is not None
    assert not Counter.objects.exists()

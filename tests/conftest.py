from __future__ import annotations

import importlib
from pathlib import Path

import pytest

# Threads on SQLite (a file database) or PostgreSQL, for every test file.
from tests.concurrency import concurrent_database  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PABULIB_DIR = SHARED / "data" / "pabulib"


@pytest.fixture(autouse=True)
def _french_and_fast(settings):
    settings.LANGUAGE_CODE = "fr"
    # argon2 is the production hasher; tests do not need to pay for it on every user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _role_groups(request):
    # The role groups come from a data migration (budget 0002); the flush that ends every
    # transactional test (browser tests, PostgreSQL concurrency) removes them. pytest-django
    # runs those last in one process, but a worker of `pytest -n` may get a file of ordinary
    # tests after them: put the groups back before any test that uses the database.
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    if not uses_db:
        return
    from django.contrib.auth.models import Group

    from budget.roles import ROLES

    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    if Group.objects.filter(name__in=ROLES).count() != len(ROLES):
        for name in ROLES:
            Group.objects.get_or_create(name=name)
    # The glossary is seeded by a data migration too (budget 0006): the same flush removes it.
    from django.apps import apps

    from budget.models import GlossaryTerm

    if not GlossaryTerm.objects.exists():
        importlib.import_module("budget.migrations.0006_glossary_terms").seed_terms(apps, None)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    # Rate-limit counters live in a table of the database (budget/counters/), rolled back or
    # flushed with each test, or in Redis (REDIS_URL) where nothing is rolled back. The cache
    # table is emptied too for what else the cache holds: a transactional test's flush (browser
    # tests share 127.0.0.1) does not empty it.
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        cache.clear()
    elif _transactional(request):
        request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture(autouse=True)
def _rate_limit_clock(monkeypatch):
    # Rate-limit windows start at multiples of their length: a test crossing such an instant
    # would see its counters start again. Every test runs at the start of a window (an
    # instant that is a multiple of every length used: 900 s and 3600 s).
    from votes import ratelimits

    monkeypatch.setattr(ratelimits, "_now", lambda: 1_800_000_000.0)


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    ):
        return True
    return any(name in request.fixturenames for name in ("transactional_db", "live_server"))

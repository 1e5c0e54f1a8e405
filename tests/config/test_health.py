"""/healthz: database, migrations and task worker, as JSON; 200 when the instance can serve."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, ProgrammingError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config import health

pytestmark = pytest.mark.django_db

URL = "/healthz"


@pytest.fixture(autouse=True)
def _checked_afresh(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


def test_a_healthy_instance_answers_200_with_each_check(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "migrations": {"ok": True},
            "worker": {"ok": True, "status": "not configured"},
        },
    }


def test_it_answers_over_plain_http_to_any_host_without_login_or_session(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(URL, HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_it_is_never_rate_limited(client, settings):
    settings.RATE_LIMITS = {name: {"ip": (1, 3600)} for name in settings.RATE_LIMITS}

    assert {client.get(URL).status_code for _ in range(20)} == {200}


def test_a_database_that_does_not_answer_gives_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "cursor", broken)
    response = client.get(URL)
    monkeypatch.undo()

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["migrations"]["ok"] is False
    assert "connection refused" not in response.content.decode()


def test_migrations_left_to_apply_give_503(client, monkeypatch):
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("migration", False)] * 2
    )

    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "pending": 2}


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def tasks_table(*rows: tuple[str, timedelta, timedelta | None, timedelta | None]) -> None:
    """django-tasks-db's rows, with (status, enqueued, started, finished) ages ago."""
    now = timezone.now()

    def at(age):
        return None if age is None else now - age

    for status, enqueued, started, finished in rows:
        row = DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="budget.jobs.tests.nothing",
            backend_name="default",
        )
        # enqueued_at is set on creation: put the ages back afterwards.
        DBTaskResult.objects.filter(pk=row.pk).update(
            enqueued_at=at(enqueued), started_at=at(started), finished_at=at(finished)
        )


def test_the_worker_is_seen_through_its_latest_task(client, worker_backend):
    minute = timedelta(minutes=1)
    tasks_table(("SUCCESSFUL", 10 * minute, 9 * minute, 2 * minute), ("READY", minute, None, None))

    worker = client.get(URL).json()["checks"]["worker"]

    assert worker["status"] == "ok" and worker["ok"] is True
    assert 110 <= worker["last_seen_seconds"] <= 130
    assert worker["waiting"] == 1
    assert 50 <= worker["oldest_waiting_seconds"] <= 70


def test_a_late_worker_is_reported_without_taking_the_site_down(client, settings, worker_backend):
    settings.HEALTHZ_WORKER_MAX_AGE = 600
    tasks_table(("READY", timedelta(minutes=30), None, None))

    response = client.get(URL)

    assert response.status_code == 200
    worker = response.json()["checks"]["worker"]
    assert (worker["status"], worker["ok"], worker["last_seen_seconds"]) == ("late", False, None)


def test_a_late_worker_gives_503_when_the_worker_is_required(client, settings, worker_backend):
    settings.HEALTHZ_WORKER_MAX_AGE = 600
    settings.HEALTHZ_WORKER_REQUIRED = True
    tasks_table(("READY", timedelta(minutes=30), None, None))

    assert client.get(URL).status_code == 503


def test_an_unreadable_task_table_is_reported_unknown_but_healthy(
    client, worker_backend, monkeypatch
):
    def broken(*args, **kwargs):
        raise ProgrammingError("no such table")

    monkeypatch.setattr(DBTaskResult.objects, "aggregate", broken)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == {
        "ok": True,
        "status": "unknown",
        "error": "ProgrammingError",
    }

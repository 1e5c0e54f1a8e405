"""/healthz for load balancers and monitoring: JSON, 200 when the instance can serve, else 503.

Answered by a middleware before any other (after the request id): no session, no login, no
HTTPS redirect, no host check, no rate limit — a load balancer probes each instance over plain
HTTP, often with its own Host header. Only states, ages and counts: no personal data.

- database: a query answers;
- migrations: none left to apply (checked until true once, then remembered: a running
  instance never sees migrations undone);
- worker: with django-tasks-db's backend (production), the age of the latest task started or
  finished, and of the oldest one waiting (the immediate backend has no worker to watch). A
  worker late on its tasks fails the check only with HEALTHZ_WORKER_REQUIRED: otherwise every
  instance would leave the load balancer because of the worker, and the whole site with them.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.tasks import TaskResultStatus
from django.utils import timezone

PATHS = {"/healthz", "/healthz/"}
_migrated = False


class HealthCheckMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in PATHS and request.method in {"GET", "HEAD"}:
            return healthz(request)
        return self.get_response(request)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _migrations() -> dict:
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            return {"ok": False, "error": type(error).__name__}
        if plan:
            return {"ok": False, "pending": len(plan)}
        _migrated = True
    return {"ok": True}


def _age(moment: datetime | None) -> int | None:
    return None if moment is None else max(0, int((timezone.now() - moment).total_seconds()))


def _worker() -> dict:
    # With the immediate backend (development, tests) tasks run inside the request: there is no
    # worker to watch.
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "status": "not configured"}
    from django_tasks_db.models import DBTaskResult

    try:
        seen = DBTaskResult.objects.aggregate(
            started=Max("started_at"), finished=Max("finished_at")
        )
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
            oldest=Min("enqueued_at"), count=Count("pk")
        )
    except DatabaseError as error:
        return {"ok": True, "status": "unknown", "error": type(error).__name__}
    ages = [age for age in (_age(seen["started"]), _age(seen["finished"])) if age is not None]
    waited = _age(waiting["oldest"])
    late = waited is not None and waited > settings.HEALTHZ_WORKER_MAX_AGE
    return {
        "ok": not late,
        "status": "late" if late else "ok",
        "last_seen_seconds": min(ages) if ages else None,
        "waiting": waiting["count"],
        "oldest_waiting_seconds": waited,
    }


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database()}
    checks["migrations"] = (
        _migrations() if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    )
    checks["worker"] = _worker() if checks["database"]["ok"] else {"ok": True, "status": "unknown"}
    required = ["database", "migrations"] + (["worker"] if settings.HEALTHZ_WORKER_REQUIRED else [])
    healthy = all(checks[name]["ok"] for name in required)
    response = JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response

"""Jobs for the tests, and small task functions whose work the tests choose."""

from __future__ import annotations

from contextlib import contextmanager

from django.tasks import task

from budget.jobs.models import Job
from budget.jobs.services import JobRefused, job_create, job_finish, job_progress, job_run

# What the test task does when it runs, set by each test (the task takes only the job id).
BEHAVIOUR: dict[str, object] = {}


@task
def sample_task(*, job_id: str) -> None:
    job_run(job_id, sample_work)


def sample_work(job: Job) -> None:
    job_progress(job=job, step="Étape un", done=1, total=2)
    behaviour = BEHAVIOUR.get("do", "finish")
    if behaviour == "crash":
        raise RuntimeError("secret internal detail")
    if behaviour == "refuse":
        raise JobRefused("La colonne « montant » manque.")
    job_finish(
        job=job,
        message="Fait.",
        url="/budgets/x/",
        label="Voir le budget",
        data=b"a;b\n1;2\n",
        filename="resultat.csv",
        content_type="text/csv",
    )


def make_job(*, owner=None, status: str = Job.Status.QUEUED, **fields) -> Job:
    job = job_create(
        kind=fields.pop("kind", Job.Kind.BUDGET_IMPORT),
        owner=owner,
        task_path=sample_task.module_path,
        params=fields.pop("params", None),
        input_data=fields.pop("input_data", None),
    )
    if status != Job.Status.QUEUED or fields:
        for name, value in {"status": status, **fields}.items():
            setattr(job, name, value)
        job.save()
    return job


@contextmanager
def database_tasks():
    """The production backend for one test: tasks wait in the database for `db_worker`."""
    from django.tasks import task_backends
    from django_tasks_db import DatabaseBackend

    task_backends["default"] = DatabaseBackend(alias="default", params={})
    try:
        yield
    finally:
        # The next use builds the backend of the settings again (immediate in tests).
        del task_backends["default"]


def run_db_worker() -> None:
    """Run django-tasks-db's worker once over what waits, in the test's own transaction.

    The worker calls close_old_connections() between tasks; inside a test the connection is in
    an atomic block (autocommit off), so Django would drop it: on PostgreSQL the test's
    transaction goes with it (SQLite's in-memory database ignores the close). Django's test
    client disconnects the same call from request_finished for the same reason.
    """
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

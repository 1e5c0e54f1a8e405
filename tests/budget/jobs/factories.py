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

"""Writes of the job record: create and enqueue, start, progress, finish, fail, retry.

The task function of each job (budget/imports/tasks.py, votes/panels/tasks.py…) runs its work
through `job_run`, which starts the record, turns an exception into a French message on the
page (and the traceback into the log) and leaves the record failed, ready to be started again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from budget.jobs.models import Job

logger = logging.getLogger("budget.jobs")


class JobRefused(Exception):
    """A failure the people who started the job must read (a refused file, infeasible quotas).

    Its message is shown on the job page as it is; any other exception shows a generic one.
    """


def unexpected_failure_message() -> str:
    return _(
        "La tâche a échoué à cause d'une erreur inattendue. Rien n'a été enregistré : vous "
        "pouvez la relancer. Si l'erreur revient, l'équipe technique en trouvera le détail "
        "dans le journal du serveur."
    )


@transaction.atomic
def job_create(
    *,
    kind: str,
    owner: AbstractBaseUser | None,
    task_path: str,
    params: dict | None = None,
    input_data: bytes | None = None,
) -> Job:
    job = Job(
        kind=kind,
        owner=owner if owner is not None and owner.is_authenticated else None,
        task_path=task_path,
        params={"language": translation.get_language() or "fr", **(params or {})},
        input_data=input_data,
        step=_("En attente d'un exécutant…"),
    )
    job.full_clean(exclude=["input_data", "result_data"])
    job.save()
    return job


def job_enqueue(*, job: Job) -> Job:
    """Hand the job to the task backend; the database backend's worker runs it later.

    With the immediate backend (development, tests) the task runs here, before this returns.
    """
    task = import_string(job.task_path)
    result = task.enqueue(job_id=str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_result_id=result.id)
    job.refresh_from_db()
    return job


def job_submit(
    *,
    kind: str,
    owner: AbstractBaseUser | None,
    task_path: str,
    params: dict | None = None,
    input_data: bytes | None = None,
) -> Job:
    """What a view calls: record the job, enqueue it, and redirect to its page."""
    job = job_create(
        kind=kind, owner=owner, task_path=task_path, params=params, input_data=input_data
    )
    return job_enqueue(job=job)


@transaction.atomic
def job_start(*, job_id: str) -> Job | None:
    """Mark the job running; None when it is not waiting (already run, or running)."""
    # Race: the same job enqueued twice (a retry clicked while a worker picks up the first
    # run): the row lock lets one run start, the other sees it is no longer queued.
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != Job.Status.QUEUED:
        return None
    job.status = Job.Status.RUNNING
    job.attempts += 1
    job.started_at = timezone.now()
    job.finished_at = None
    job.error = ""
    job.done = 0
    job.total = 0
    job.save()
    return job


def job_progress(*, job: Job, step: str, done: int = 0, total: int = 0) -> None:
    """The current step and how far it is, for the page polled every second.

    Outside a transaction, a plain UPDATE committed at once. A job writes its data in one
    transaction (all or nothing), and an UPDATE made inside it would stay invisible to the
    page until the commit: on PostgreSQL the progress is then written through a connection of
    its own, committed at once. SQLite lets one writer at a time, so there the steps before the
    transaction show as they go and the ones inside it at its commit (docs/operations.md).
    """
    done = min(done, total) if total else 0
    job.step, job.done, job.total = step[:200], done, total
    values = {"step": job.step, "done": done, "total": total}
    beside = connection.in_atomic_block and connection.vendor == "postgresql"
    if beside and _update_beside(job.pk, values):
        return
    try:
        # A savepoint: a refused progress line must not spoil the job's own transaction.
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(**values)
    except OperationalError:
        # Progress is news, never a reason to fail the work: SQLite may refuse the write for an
        # instant ("database table is locked" while the page reads the job); the next step's
        # line says where the job is.
        logger.warning("Job %s: progress not written (%s)", job.pk, step, exc_info=True)


def _update_beside(pk, values: dict) -> bool:
    """UPDATE the job through a new connection in autocommit; False when it could not (the
    job's row is not committed yet, as in a test's transaction, or is locked)."""
    query = UpdateQuery(Job)
    query.add_update_values(values)
    query.add_q(Q(pk=pk))
    current = connections[DEFAULT_DB_ALIAS]
    beside = type(current)(dict(current.settings_dict), alias=DEFAULT_DB_ALIAS)
    try:
        sql, params = query.get_compiler(connection=beside).as_sql()
        with beside.cursor() as cursor:
            # Never wait for a lock the job's own transaction holds: write there instead.
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute(sql, params)
            return cursor.rowcount > 0
    except DatabaseError:
        logger.warning("Job %s: progress not written beside the transaction", pk, exc_info=True)
        return False
    finally:
        beside.close()


def job_finish(
    *,
    job: Job,
    message: str = "",
    url: str = "",
    label: str = "",
    data: bytes | None = None,
    filename: str = "",
    content_type: str = "",
) -> Job:
    job.status = Job.Status.SUCCEEDED
    job.finished_at = timezone.now()
    job.step = _("Terminé")
    job.done = job.total = max(job.total, 1)
    # The input file is not needed any more: the job will not run again.
    job.input_data = None
    job.result_message = message
    job.result_url = url
    job.result_label = label
    job.result_data = data
    job.result_filename = filename
    job.result_content_type = content_type
    job.save()
    return job


def job_fail(*, job: Job, message: str) -> Job:
    job.status = Job.Status.FAILED
    job.finished_at = timezone.now()
    job.error = message
    job.save(update_fields=["status", "finished_at", "error"])
    return job


def job_run(job_id: str, work: Callable[[Job], None]) -> None:
    """Run a job's work: the one place where a task turns failures into the record.

    `work` must write in one transaction (or be idempotent) and call `job_finish` last, so
    that a failure leaves nothing half-written and the job can be started again.
    """
    job = job_start(job_id=job_id)
    if job is None:
        logger.info("Job %s is not waiting to run: nothing done", job_id)
        return
    with translation.override(job.params.get("language") or "fr"):
        try:
            work(job)
        except JobRefused as refusal:
            job_fail(job=job, message=str(refusal))
        except Exception:
            # The traceback is for the log; the page gets a plain sentence.
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            job_fail(job=job, message=unexpected_failure_message())
            raise


def job_retry(*, job: Job) -> Job:
    """Start a failed job again, with the input it had; its work left nothing written."""
    with transaction.atomic():
        # Race: two clicks on "Relancer": only the first finds the job failed.
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status != Job.Status.FAILED:
            raise ValidationError(_("Seule une tâche échouée peut être relancée."))
        locked.status = Job.Status.QUEUED
        locked.step = _("En attente d'un exécutant…")
        locked.done = locked.total = 0
        locked.error = ""
        locked.started_at = locked.finished_at = None
        locked.save()
    return job_enqueue(job=locked)


def job_result_taken(*, job: Job) -> None:
    """A file shown once (voting codes in clear) is removed as it is downloaded."""
    Job.objects.filter(pk=job.pk).update(result_data=None)


@transaction.atomic
def jobs_prune(*, before: dt.datetime, dry_run: bool = False) -> int:
    """Delete the finished job records (and their files) older than `before`.

    Run every night by `manage.py prune_jobs`; idempotent. Jobs still waiting or running stay.
    """
    old = Job.objects.filter(
        status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED], finished_at__lt=before
    )
    if dry_run:
        return old.count()
    return old.delete()[0]

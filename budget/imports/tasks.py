"""The budget import as a background task: the confirm step of the upload flow enqueues it."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.tasks import task
from django.utils.translation import gettext as _

from budget.events import log_event
from budget.imports.services import budget_import
from budget.jobs.messages import refused_file_message
from budget.jobs.models import Job
from budget.jobs.services import JobRefused, job_finish, job_progress, job_run
from budget.models import Authority

logger = logging.getLogger(__name__)


@task
def budget_import_task(*, job_id: str) -> None:
    job_run(job_id, budget_import_work)


def budget_import_work(job: Job) -> None:
    """All or nothing: `budget_import` writes in one transaction, so a failed run can be
    started again from the same file."""
    params = job.params

    def progress(step: str, done: int, total: int) -> None:
        job_progress(job=job, step=step, done=done, total=total)

    authority = (
        Authority.objects.filter(pk=params["authority"]).first() if params["authority"] else None
    )
    report = budget_import(
        data=bytes(job.input_data or b""),
        filename=params["filename"],
        authority=authority,
        population=params["population"],
        debt_start=Decimal(params["debt_start"]) if params["debt_start"] else None,
        progress=progress,
    )
    if not report.ok:
        raise JobRefused(refused_file_message(report.errors))
    budget = report.budget
    log_event(
        logger,
        "import_confirmed",
        kind="budget",
        budget=budget.slug,
        lines=report.line_count,
        lines_created=report.created,
        lines_updated=report.updated,
        lines_deleted=report.deleted,
    )
    job_finish(
        job=job,
        message=_(
            "Budget importé : %(count)s lignes (%(created)s nouvelles, %(updated)s mises à jour, "
            "%(deleted)s supprimées)."
        )
        % {
            "count": report.line_count,
            "created": report.created,
            "updated": report.updated,
            "deleted": report.deleted,
        },
        url=budget.get_absolute_url(),
        label=_("Voir le budget « %(name)s »") % {"name": budget},
    )

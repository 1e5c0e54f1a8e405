"""The check of a large upload (the dry run that shows the preview and every row error) run by
the worker, not in the web request: 50,000 budget lines took 89 s (bench/jobs.py).

`validate_upload` (budget/imports/uploads.py) enqueues it with the import's dry-run function
(by its dotted path) and its JSON details; the job keeps the report and leads back to the
import page, where `checked_upload` shows it like a check made in the request.
"""

from __future__ import annotations

import inspect
import pickle
from urllib.parse import urlencode

from django.tasks import task
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budget.jobs.models import Job
from budget.jobs.services import job_finish, job_progress, job_run


@task
def upload_check_task(*, job_id: str) -> None:
    job_run(job_id, upload_check_work)


def upload_check_work(job: Job) -> None:
    """Reads only (a dry run rolls its writes back): a failed check can be started again."""
    dry_run = import_string(job.params["check"])
    details = dict(job.params["details"])
    job_progress(job=job, step=_("Lecture du fichier"))
    if "progress" in inspect.signature(dry_run).parameters:

        def progress(step: str, done: int, total: int) -> None:
            job_progress(job=job, step=step, done=done, total=total)

        details["progress"] = progress
    report = dry_run(bytes(job.input_data or b""), **details)
    page = f"{job.params['page']}?{urlencode({'verification': job.pk})}"
    if report.ok:
        message = _("Le fichier est valide : rien n'a encore été enregistré.")
        label = _("Voir l'aperçu et confirmer l'import")
    else:
        count = len(report.errors)
        message = ngettext(
            "Le fichier a %(count)d problème : rien n'a été enregistré.",
            "Le fichier a %(count)d problèmes : rien n'a été enregistré.",
            count,
        ) % {"count": count}
        label = _("Voir les problèmes du fichier")
    # The report goes back to the page as it is (its rows, errors and preview objects). Only
    # this worker writes it, into the project's own database, read by `checked_report`.
    job_finish(job=job, message=message, url=page, label=label, data=pickle.dumps(report))


def checked_report(job: Job):
    return pickle.loads(bytes(job.result_data))  # noqa: S301 - written by upload_check_work

"""The panel's long work as background tasks: the draw (the solver may take minutes for a pool
of thousands) and the import of a volunteers file after its validation."""

from __future__ import annotations

import logging
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from budget.events import log_event
from budget.jobs.messages import refused_file_message
from budget.jobs.models import Job
from budget.jobs.services import JobRefused, job_finish, job_progress, job_run
from votes.campaigns.models import Campaign
from votes.panels import services as panels
from votes.panels import sortition
from votes.panels.imports import volunteers_import

logger = logging.getLogger(__name__)

# The library reports every solver run (thousands on a large pool): one write of the job's
# progress per interval is enough for a page polled every second.
PROGRESS_INTERVAL = 0.5


@task
def panel_draw_task(*, job_id: str) -> None:
    job_run(job_id, panel_draw_work)


def panel_draw_work(job: Job) -> None:
    """One write at the end (`panel_draw` saves the draw alone): a failed run leaves nothing."""
    params = job.params
    campaign = Campaign.objects.get(pk=params["campaign"])
    by = get_user_model().objects.get(pk=params["by"])
    try:
        draw = panels.panel_draw(
            campaign=campaign,
            size=params["size"],
            reserve_size=params["reserve_size"],
            seed=params["seed"],
            algorithm=params["algorithm"],
            by=by,
            progress=_throttled_progress(job),
        )
    except ValidationError as error:
        raise JobRefused(
            _("Le tirage est impossible : %(reasons)s") % {"reasons": " ".join(_messages_of(error))}
        ) from error
    job_finish(
        job=job,
        message=_("Tirage effectué : vérifiez-le, puis publiez-le."),
        url=reverse("votes:panel_draw", kwargs={"slug": campaign.slug, "pk": draw.pk}),
        label=_("Voir le tirage"),
    )


def _throttled_progress(job: Job) -> sortition.Progress:
    """Writes each new step at once, and the updates within a step at most every interval."""
    last = {"done": -1, "at": 0.0}

    def progress(step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == last["done"] and now - last["at"] < PROGRESS_INTERVAL:
            return
        last.update(done=done, at=now)
        job_progress(job=job, step=step, done=done, total=total)

    return progress


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


@task
def volunteers_import_task(*, job_id: str) -> None:
    job_run(job_id, volunteers_import_work)


def volunteers_import_work(job: Job) -> None:
    """Everybody or nobody: `volunteers_import` writes in one transaction."""
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    job_progress(job=job, step=_("Lecture du fichier et inscription des volontaires"))
    # The consent was confirmed on the validated form, which a pending file always had.
    report = volunteers_import(
        campaign=campaign,
        data=bytes(job.input_data or b""),
        filename=job.params["filename"],
        consent_confirmed=True,
    )
    if not report.ok:
        # Only a sign-up between validation and confirmation gets here.
        raise JobRefused(refused_file_message(report.errors))
    log_event(
        logger,
        "import_confirmed",
        kind="panel_volunteers",
        campaign=campaign.slug,
        volunteers=report.created,
    )
    job_finish(
        job=job,
        message=_("%(count)s volontaires importés dans le vivier.") % {"count": report.created},
        url=reverse("votes:panel_pool", kwargs={"slug": campaign.slug}),
        label=_("Voir le vivier"),
    )

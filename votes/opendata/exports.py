"""Open-data files of a large campaign built as background jobs (issue 13), as the council file
is: reading every ballot of a city-sized vote (the pabulib file) or writing a workbook of its
tables takes longer than a public request should.

A campaign is large from OPENDATA_EXPORT_JOB_MIN_BALLOTS ballots: its downloads page offers a
"Préparer" button per file instead of a link; the button starts (or finds) the job, whose page
polls its progress and then offers the file. The files are public, so an open-data job's page
is public too (budget/jobs/views.py), reached by its unguessable address. One job per file and
data version serves everybody: a file built from the council snapshot never changes; one built
from live data is reused for OPENDATA_EXPORT_FRESH_SECONDS. Smaller campaigns download at once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.jobs.models import Job
from budget.jobs.services import (
    JobRefused,
    job_create,
    job_enqueue,
    job_finish,
    job_progress,
    job_run,
)
from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilSnapshot
from votes.opendata.services import (
    BALLOTS,
    TABLES,
    ballots_pb,
    opendata_csv,
    opendata_workbook,
    published_references,
    unavailable_note,
)
from votes.voting.models import Ballot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The formats of a table, and the one of the ballots: (file name suffix, content type).
FORMATS = {
    "csv": (".csv", "text/csv; charset=utf-8"),
    "csv-excel": (".csv", "text/csv; charset=utf-8"),
    "xlsx": (".xlsx", XLSX),
    "pb": (".pb", "text/plain; charset=utf-8"),
}


def export_as_job(campaign: Campaign) -> bool:
    """Whether this campaign's files are built by a job rather than in the request."""
    threshold = settings.OPENDATA_EXPORT_JOB_MIN_BALLOTS
    # Counted up to the threshold only (a subquery with LIMIT): cheap on every download.
    return Ballot.objects.filter(campaign=campaign)[:threshold].count() >= threshold


def export_open(campaign: Campaign, dataset: str, fmt: str) -> bool:
    """Whether this file exists and is public at the campaign's phase (else no job starts)."""
    if dataset == BALLOTS:
        known = fmt == "pb"
    else:
        known = dataset in TABLES and fmt in {"csv", "csv-excel", "xlsx"}
    if not known or campaign.phase == Phase.DRAFT:
        return False
    published = published_references(campaign) if dataset != BALLOTS else None
    return not unavailable_note(campaign, dataset, published)


def _version(campaign: Campaign) -> str:
    sha256 = (
        CouncilSnapshot.objects.filter(campaign_id=campaign.pk)
        .values_list("sha256", flat=True)
        .first()
    )
    return sha256 or "live"


def _reusable(job: Job) -> bool:
    if job.status in {Job.Status.QUEUED, Job.Status.RUNNING}:
        return True
    if job.status != Job.Status.SUCCEEDED:
        return False
    if job.params.get("version") != "live":
        return True  # built from the council snapshot: it never changes
    fresh = dt.timedelta(seconds=settings.OPENDATA_EXPORT_FRESH_SECONDS)
    return job.finished_at is not None and timezone.now() - job.finished_at < fresh


def opendata_export_start(*, campaign: Campaign, dataset: str, fmt: str, owner) -> Job:
    """The job that builds this file: one already waiting, running or fresh, else a new one."""
    key = f"{campaign.pk}:{dataset}:{fmt}"
    version = _version(campaign)
    with transaction.atomic():
        # Race: a crowd asking for the same file at once (results night) would start as many
        # jobs; the campaign's row lock lets the first create it and the others find it.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        candidates = Job.objects.filter(
            kind=Job.Kind.OPENDATA_EXPORT, params__export=key, params__version=version
        ).defer("input_data", "result_data")
        for job in candidates.order_by("-created_at")[:5]:
            if _reusable(job):
                return job
        job = job_create(
            kind=Job.Kind.OPENDATA_EXPORT,
            owner=owner,
            task_path=opendata_export_task.module_path,
            params={
                "campaign": campaign.pk,
                "dataset": dataset,
                "format": fmt,
                "export": key,
                "version": version,
            },
        )
    return job_enqueue(job=job)


@task
def opendata_export_task(*, job_id: str) -> None:
    job_run(job_id, opendata_export_work)


def opendata_export_work(job: Job) -> None:
    """Only reads: a failed run can always be started again."""
    campaign = Campaign.objects.select_related("authority").get(pk=job.params["campaign"])
    dataset, fmt = job.params["dataset"], job.params["format"]
    job_progress(job=job, step=_("Lecture des données de la campagne"), done=0, total=2)
    if fmt == "pb":
        text = ballots_pb(campaign)
        body = None if text is None else text.encode("utf-8")
    elif fmt == "xlsx":
        body = opendata_workbook(campaign=campaign, dataset=dataset)
    else:
        body = opendata_csv(campaign=campaign, dataset=dataset, semicolon=fmt == "csv-excel")
    if body is None:
        # The phase moved back or the campaign has no projects category any more.
        raise JobRefused(_("Ce jeu de données n'est pas (ou plus) publié pour cette campagne."))
    job_progress(job=job, step=_("Fichier écrit"), done=2, total=2)
    suffix, content_type = FORMATS[fmt]
    job_finish(
        job=job,
        message=_("Le fichier est prêt."),
        url=reverse("votes:opendata", kwargs={"slug": campaign.slug}),
        label=_("Retour aux données ouvertes"),
        data=body,
        filename=f"{campaign.slug}-{dataset}{suffix}",
        content_type=content_type,
    )

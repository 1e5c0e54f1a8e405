"""The council file (XLSX or ODS) built as a background task: a large campaign's workbook, with its
figures, takes longer than a request should. It only reads, so it can always be run again."""

from __future__ import annotations

from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from budget.jobs.models import Job
from budget.jobs.services import job_finish, job_progress, job_run
from budget.spreadsheets import writer
from votes.campaigns.models import Campaign
from votes.council.report import council_workbook
from votes.council.services import council_data


def report_filename(
    campaign: Campaign, *, provisional: bool, file_format: str = writer.XLSX
) -> str:
    suffix = "-provisoire" if provisional else ""
    return f"rapport-conseil-{campaign.slug}{suffix}.{file_format}"


@task
def council_file_task(*, job_id: str) -> None:
    job_run(job_id, council_file_work)


def council_file_work(job: Job) -> None:
    campaign = Campaign.objects.select_related("authority").get(pk=job.params["campaign"])
    job_progress(job=job, step=_("Lecture des résultats"), done=0, total=2)
    # Jobs queued before the OpenDocument variant have no format: XLSX, as they were.
    file_format = writer.ODS if job.params.get("format") == writer.ODS else writer.XLSX
    data, snapshot = council_data(campaign)
    job_progress(job=job, step=_("Écriture du classeur et de ses graphiques"), done=1, total=2)
    body = council_workbook(
        data, fingerprint=snapshot.sha256 if snapshot else None, file_format=file_format
    )
    job_finish(
        job=job,
        message=_(
            "Le fichier du conseil est prêt (provisoire : les résultats n'ont pas encore été "
            "transmis)."
        )
        if snapshot is None
        else _("Le fichier du conseil est prêt."),
        url=reverse("votes:council_report", kwargs={"slug": campaign.slug}),
        label=_("Retour au rapport"),
        data=body,
        filename=report_filename(campaign, provisional=snapshot is None, file_format=file_format),
        content_type=writer.CONTENT_TYPES[file_format],
    )

"""Voting codes as background tasks: a batch of up to 100,000 codes, and its CSV.

The plain codes are still shown once: the CSV task wipes them from the batch and stores the
file on its job in the same transaction (a failure leaves the codes in place, ready for a
retry), and the job page lets the file be downloaded once, then deletes it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from budget.jobs.models import Job
from budget.jobs.services import JobRefused, job_finish, job_progress, job_run
from budget.spreadsheets import writer
from votes.campaigns.models import Campaign
from votes.voting import codes as code_services
from votes.voting.models import VotingCodeBatch


def codes_csv(rows: list[tuple[str, str]]) -> str:
    # Semicolons and a BOM: French spreadsheets and mail merges open it as is.
    table = writer.Table(writer.columns("code", "adresse"), rows)
    return writer.csv_text(table, delimiter=";", bom=True)


def _refused(error: ValidationError) -> JobRefused:
    return JobRefused(" ".join(error.messages))


@task
def code_batch_task(*, job_id: str) -> None:
    job_run(job_id, code_batch_work)


def code_batch_work(job: Job) -> None:
    """One transaction (`code_batch_create`): a failed run leaves no half batch."""
    params = job.params
    campaign = Campaign.objects.get(pk=params["campaign"])
    by = get_user_model().objects.get(pk=params["by"])
    job_progress(
        job=job,
        step=_("Tirage et chiffrement de %(size)s codes") % {"size": params["size"]},
    )
    try:
        batch, _codes = code_services.code_batch_create(
            campaign=campaign, label=params["label"], size=params["size"], by=by
        )
    except ValidationError as error:
        raise _refused(error) from error
    job_finish(
        job=job,
        message=_(
            "Lot « %(label)s » créé : %(size)s codes. Produisez maintenant leur feuille : "
            "elle ne pourra l'être qu'une fois."
        )
        % {"label": batch.label, "size": batch.size},
        url=reverse("votes:code_batches", kwargs={"slug": campaign.slug}) + f"#lot-{batch.pk}",
        label=_("Voir les lots de codes"),
    )


@task
def code_csv_task(*, job_id: str) -> None:
    job_run(job_id, code_csv_work)


def code_csv_work(job: Job) -> None:
    params = job.params
    batch = VotingCodeBatch.objects.select_related("campaign").get(pk=params["batch"])
    by = get_user_model().objects.get(pk=params["by"])
    job_progress(job=job, step=_("Écriture du fichier des codes"))
    entry_url = params["entry_url"]
    # The codes are wiped and the file stored together: all or nothing.
    with transaction.atomic():
        try:
            codes = code_services.code_sheet_produce(batch=batch, by=by)
        except ValidationError as error:
            raise _refused(error) from error
        rows = [(code, f"{entry_url}?code={code.replace('-', '')}") for code in codes]
        job_finish(
            job=job,
            message=_(
                "%(count)s codes prêts. Le fichier ne se télécharge qu'une fois : les codes "
                "viennent d'être effacés de la base ; un fichier perdu se remplace en révoquant "
                "le lot."
            )
            % {"count": len(codes)},
            url=reverse("votes:code_batches", kwargs={"slug": batch.campaign.slug}),
            label=_("Voir les lots de codes"),
            data=codes_csv(rows).encode(),
            filename=f"codes-{batch.campaign.slug}-lot-{batch.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )

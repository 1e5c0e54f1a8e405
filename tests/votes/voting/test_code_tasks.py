"""votes/voting/code_tasks.py: a batch of codes and its CSV as tasks; failure and retry."""

from __future__ import annotations

import pytest

from budget.jobs.models import Job
from budget.jobs.services import job_retry, job_submit
from tests.votes.voting.test_codes_services import facilitator, voting_campaign
from votes.voting import code_tasks
from votes.voting.code_tasks import code_batch_task, code_csv_task
from votes.voting.codes import code_batch_create, code_batch_revoke
from votes.voting.models import VotingCode, VotingCodeBatch

pytestmark = pytest.mark.django_db
ENTRY = "https://exemple.fr/campagnes/c/code/"


def submit_batch(campaign, user, size: int = 5) -> Job:
    return job_submit(
        kind=Job.Kind.VOTING_CODES,
        owner=user,
        task_path=code_batch_task.module_path,
        params={"campaign": campaign.pk, "by": user.pk, "label": "Atelier", "size": size},
    )


def submit_csv(batch, user) -> Job:
    return job_submit(
        kind=Job.Kind.VOTING_CODES,
        owner=user,
        task_path=code_csv_task.module_path,
        params={"batch": batch.pk, "by": user.pk, "entry_url": ENTRY, "download_once": True},
    )


def test_the_batch_task_creates_every_code_with_its_plain_text_until_printed():
    campaign, user = voting_campaign(), facilitator()
    job = submit_batch(campaign, user, size=250)
    assert job.status == Job.Status.SUCCEEDED
    batch = VotingCodeBatch.objects.get()
    assert batch.codes.count() == 250 and not batch.codes.filter(plain="").exists()
    assert job.result_url.endswith(f"#lot-{batch.pk}")


def test_a_batch_refused_by_the_rules_fails_with_the_reason_and_writes_nothing():
    campaign = voting_campaign()
    job = submit_batch(campaign, facilitator(), size=0)
    assert job.status == Job.Status.FAILED and job.error == "Un lot compte de 1 à 100 000 codes."
    assert not VotingCodeBatch.objects.exists()


def test_the_csv_task_wipes_the_codes_and_keeps_the_file_for_one_download():
    user = facilitator()
    batch, codes = code_batch_create(campaign=voting_campaign(), label="A", size=3, by=user)
    job = submit_csv(batch, user)
    text = bytes(job.result_data).decode()
    assert job.status == Job.Status.SUCCEEDED and job.params["download_once"]
    assert sorted(line.split(";")[0] for line in text.lstrip("\ufeff").splitlines()[1:]) == sorted(
        codes
    )
    assert f"{ENTRY}?code={codes[0].replace('-', '')}" in text
    assert not VotingCode.objects.exclude(plain="").exists()
    batch.refresh_from_db()
    assert batch.printed_at is not None


def test_a_csv_that_fails_midway_keeps_the_codes_and_can_be_retried(monkeypatch):
    user = facilitator()
    batch, codes = code_batch_create(campaign=voting_campaign(), label="A", size=3, by=user)
    real = code_tasks.codes_csv

    def crash(rows):
        raise OSError("disk full")

    monkeypatch.setattr(code_tasks, "codes_csv", crash)
    job = submit_csv(batch, user)
    assert job.status == Job.Status.FAILED and job.result_data is None
    # Nothing was wiped: the codes can still be produced, once.
    assert VotingCode.objects.exclude(plain="").count() == 3
    batch.refresh_from_db()
    assert batch.printed_at is None

    monkeypatch.setattr(code_tasks, "codes_csv", real)
    job = job_retry(job=job)
    assert job.status == Job.Status.SUCCEEDED
    assert not VotingCode.objects.exclude(plain="").exists()


def test_a_revoked_batch_gives_no_csv():
    user = facilitator()
    batch, _codes = code_batch_create(campaign=voting_campaign(), label="A", size=2, by=user)
    code_batch_revoke(batch=batch, by=user)
    job = submit_csv(batch, user)
    assert job.status == Job.Status.FAILED
    assert job.error == "Ce lot est révoqué : ses codes ne peuvent plus être imprimés."
    assert job.result_data is None

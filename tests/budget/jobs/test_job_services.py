"""The job record's services: create, enqueue, start, progress, finish, fail, retry."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from budget.jobs.models import Job
from budget.jobs.services import (
    job_enqueue,
    job_fail,
    job_finish,
    job_progress,
    job_retry,
    job_start,
    job_submit,
)
from tests.budget.jobs.factories import BEHAVIOUR, make_job, sample_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _finish_by_default():
    BEHAVIOUR.clear()
    yield
    BEHAVIOUR.clear()


def test_a_created_job_waits_with_its_owner_params_and_input():
    owner = make_user()
    job = make_job(owner=owner, params={"filename": "bp.csv"}, input_data=b"data")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.owner == owner
    assert job.params == {"language": "fr", "filename": "bp.csv"}
    assert bytes(job.input_data) == b"data"
    assert job.task_path == "tests.budget.jobs.factories.sample_task"
    assert job.step == "En attente d'un exécutant…"


def test_submitting_runs_the_task_with_the_immediate_backend_and_keeps_its_result_id():
    job = job_submit(
        kind=Job.Kind.BUDGET_IMPORT,
        owner=make_user(),
        task_path=sample_task.module_path,
        input_data=b"x",
    )
    assert job.status == Job.Status.SUCCEEDED
    assert job.task_result_id
    assert job.attempts == 1 and job.started_at and job.finished_at
    assert job.result_message == "Fait." and bytes(job.result_data) == b"a;b\n1;2\n"
    # The input is not kept once the job has succeeded.
    assert job.input_data is None


def test_a_job_starts_once_only():
    job = make_job()
    assert job_start(job_id=str(job.pk)).status == Job.Status.RUNNING
    assert job_start(job_id=str(job.pk)) is None
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_that_is_not_there_does_not_start():
    assert job_start(job_id="00000000-0000-0000-0000-000000000000") is None


def test_progress_is_written_at_once_and_kept_within_the_total():
    job = make_job(status=Job.Status.RUNNING)
    job_progress(job=job, step="Enregistrement des lignes", done=30, total=20)
    job.refresh_from_db()
    assert (job.step, job.done, job.total, job.percent) == (
        "Enregistrement des lignes",
        20,
        20,
        100,
    )
    job_progress(job=job, step="Lecture", done=5)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (0, 0, 0)


def test_a_refused_progress_write_leaves_the_job_going(monkeypatch, caplog):
    from django.db import OperationalError
    from django.db.models import QuerySet

    job = make_job(status=Job.Status.RUNNING)

    def locked(self, **values):
        raise OperationalError("database table is locked: budget_job")

    monkeypatch.setattr(QuerySet, "update", locked)
    with caplog.at_level(logging.WARNING, logger="budget.jobs"):
        job_progress(job=job, step="Vérification des quotas", done=1, total=6)
    monkeypatch.undo()

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.step != "Vérification des quotas"
    assert "progress not written" in caplog.text


def test_finishing_records_the_result_and_drops_the_input():
    job = make_job(status=Job.Status.RUNNING, input_data=b"file")
    job_finish(job=job, message="Fait.", url="/x/", label="Voir")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.is_finished and job.percent == 100
    assert (job.result_message, job.result_url, job.result_label) == ("Fait.", "/x/", "Voir")
    assert job.input_data is None


def test_failing_records_the_message_and_keeps_the_input_for_a_retry():
    job = make_job(status=Job.Status.RUNNING, input_data=b"file")
    job_fail(job=job, message="Le fichier est vide.")
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "Le fichier est vide.")
    assert bytes(job.input_data) == b"file"


def test_an_unexpected_error_fails_the_job_with_a_plain_message_and_logs_the_traceback(caplog):
    BEHAVIOUR["do"] = "crash"
    job = make_job()
    with caplog.at_level(logging.ERROR, logger="budget.jobs"):
        job_enqueue(job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("La tâche a échoué à cause d'une erreur inattendue.")
    assert "secret internal detail" not in job.error
    assert "secret internal detail" in caplog.text and "Traceback" in caplog.text


def test_a_refusal_fails_the_job_with_its_own_message():
    BEHAVIOUR["do"] = "refuse"
    job = job_enqueue(job=make_job())
    assert (job.status, job.error) == (Job.Status.FAILED, "La colonne « montant » manque.")


def test_a_failed_job_is_retried_with_its_input_and_succeeds():
    BEHAVIOUR["do"] = "crash"
    job = job_enqueue(job=make_job(input_data=b"file"))
    assert job.status == Job.Status.FAILED
    BEHAVIOUR["do"] = "finish"
    job = job_retry(job=job)
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2 and job.error == ""


@pytest.mark.parametrize("status", [Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.SUCCEEDED])
def test_only_a_failed_job_is_retried(status):
    job = make_job(status=status)
    with pytest.raises(ValidationError) as error:
        job_retry(job=job)
    assert error.value.messages == ["Seule une tâche échouée peut être relancée."]
    job.refresh_from_db()
    assert job.status == status and job.attempts == 0


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer: steps inside a transaction show at its commit",
)
@pytest.mark.django_db(transaction=True)
def test_progress_written_inside_a_transaction_is_read_at_once_from_another_connection():
    job = make_job(status=Job.Status.RUNNING)
    current = connections["default"]
    other = type(current)(dict(current.settings_dict), alias="default")

    def seen() -> tuple:
        with other.cursor() as cursor:
            cursor.execute("SELECT step, done, total FROM budget_job WHERE id = %s", [job.pk])
            return cursor.fetchone()

    try:
        with transaction.atomic():
            job_progress(job=job, step="Enregistrement des lignes", done=2000, total=50000)
            during = seen()
            transaction.set_rollback(True)  # the job's data, all or nothing
        after = seen()
    finally:
        other.close()

    assert during == ("Enregistrement des lignes", 2000, 50000)
    assert after == during


@pytest.mark.django_db
def test_progress_inside_a_test_transaction_falls_back_to_the_same_connection():
    job = make_job(status=Job.Status.RUNNING)

    with transaction.atomic():
        job_progress(job=job, step="Étape deux", done=3, total=4)

    job.refresh_from_db()
    assert (job.step, job.done, job.total) == ("Étape deux", 3, 4)

"""With the production backend the request only enqueues; `db_worker` runs the job later."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from budget.jobs.models import Job
from budget.jobs.services import job_submit
from tests.budget.jobs.factories import BEHAVIOUR, database_tasks, run_db_worker, sample_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _finish_by_default():
    BEHAVIOUR.clear()
    yield
    BEHAVIOUR.clear()


def submit() -> Job:
    return job_submit(
        kind=Job.Kind.BUDGET_IMPORT, owner=make_user(), task_path=sample_task.module_path
    )


def test_a_job_waits_in_the_database_until_the_worker_runs_it(client):
    with database_tasks():
        job = submit()
        assert job.status == Job.Status.QUEUED and job.attempts == 0
        assert DBTaskResult.objects.get(id=job.task_result_id).status == "READY"
        client.force_login(job.owner)
        page = client.get(job.get_absolute_url()).content.decode()
        assert "En attente d&#x27;un exécutant…" in page and "<progress" in page
        run_db_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 1
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "SUCCESSFUL"


def test_a_failed_job_is_failed_for_the_worker_too_and_a_retry_enqueues_it_again(client):
    BEHAVIOUR["do"] = "crash"
    with database_tasks():
        job = submit()
        run_db_worker()
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED
        assert DBTaskResult.objects.get(id=job.task_result_id).status == "FAILED"
        BEHAVIOUR["do"] = "finish"
        client.force_login(job.owner)
        client.post(f"/gestion/taches/{job.pk}/relancer/")
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED
        run_db_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert DBTaskResult.objects.count() == 2


def test_old_task_results_are_pruned_by_the_command_and_a_second_run_prunes_nothing():
    with database_tasks():
        submit()
        run_db_worker()
        DBTaskResult.objects.update(finished_at="2020-01-01T00:00:00Z")
        call_command("prune_db_task_results", "--min-age-days", "14", verbosity=0)
        assert not DBTaskResult.objects.exists()
        call_command("prune_db_task_results", "--min-age-days", "14", verbosity=0)
    assert Job.objects.count() == 1  # the job record has its own pruning (prune_jobs)

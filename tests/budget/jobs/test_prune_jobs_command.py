"""`manage.py prune_jobs`: finished job records older than N days go, with their files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from budget.jobs.models import Job
from tests.budget.jobs.factories import make_job

pytestmark = pytest.mark.django_db


def prune(*args) -> str:
    out = io.StringIO()
    call_command("prune_jobs", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def jobs():
    now = timezone.now()
    old = now - dt.timedelta(days=40)
    return {
        "old_done": make_job(status=Job.Status.SUCCEEDED, finished_at=old, result_data=b"x"),
        "old_failed": make_job(status=Job.Status.FAILED, finished_at=old),
        "recent": make_job(status=Job.Status.SUCCEEDED, finished_at=now),
        "waiting": make_job(status=Job.Status.QUEUED),
        "running": make_job(status=Job.Status.RUNNING, started_at=old),
    }


def test_old_finished_jobs_are_deleted_and_the_others_kept(jobs):
    assert prune() == "2 tâche(s) supprimée(s).\n"
    assert set(Job.objects.values_list("pk", flat=True)) == {
        jobs[name].pk for name in ("recent", "waiting", "running")
    }


def test_a_second_run_deletes_nothing_more(jobs):
    prune()
    assert prune() == "0 tâche(s) supprimée(s).\n"
    assert Job.objects.count() == 3


def test_the_age_is_chosen_and_a_dry_run_deletes_nothing(jobs):
    assert prune("--min-age-days", "0", "--dry-run") == (
        "3 tâche(s) à supprimer (rien n'a été supprimé).\n"
    )
    assert Job.objects.count() == 5


def test_a_negative_age_is_refused_and_nothing_deleted(jobs):
    with pytest.raises(CommandError, match="--min-age-days doit être positif ou nul."):
        prune("--min-age-days", "-1")
    assert Job.objects.count() == 5

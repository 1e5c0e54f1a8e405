"""budget/imports/tasks.py: the budget import run as a task, its failure midway and its retry."""

from __future__ import annotations

import pytest

from budget.imports import services
from budget.imports.tasks import budget_import_task
from budget.jobs.models import Job
from budget.jobs.services import job_retry, job_submit
from budget.models import Authority, Budget, BudgetLine
from tests.budget.files.scdl import csv_bytes, row
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LINES = 2500  # three batches of services.BATCH


def big_file() -> bytes:
    return csv_bytes([row(contnat=str(600000 + i)) for i in range(LINES)], encoding="cp1252")


def submit(data: bytes, **params) -> Job:
    return job_submit(
        kind=Job.Kind.BUDGET_IMPORT,
        owner=make_user(),
        task_path=budget_import_task.module_path,
        params={
            "filename": "bp.csv",
            "authority": None,
            "population": None,
            "debt_start": None,
            **params,
        },
        input_data=data,
    )


def test_the_task_imports_the_file_and_links_to_the_budget():
    job = submit(big_file(), population=16000, debt_start="1500.50")
    budget = Budget.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert budget.lines.count() == LINES and str(budget.debt_start) == "1500.50"
    assert job.result_message == (
        f"Budget importé : {LINES} lignes ({LINES} nouvelles, 0 mises à jour, 0 supprimées)."
    )
    assert job.result_url == budget.get_absolute_url()
    assert job.done == job.total


def test_a_failure_midway_leaves_nothing_written_and_the_job_can_be_retried(monkeypatch):
    real_create = BudgetLine.objects.bulk_create
    calls = []

    def create_then_crash(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:  # the second batch: the first one is already written
            raise OSError("disk full")
        return real_create(objs, *args, **kwargs)

    monkeypatch.setattr(BudgetLine.objects, "bulk_create", create_then_crash)
    job = submit(big_file())
    assert job.status == Job.Status.FAILED
    assert "erreur inattendue" in job.error and "disk full" not in job.error
    assert not (
        Authority.objects.exists() or Budget.objects.exists() or BudgetLine.objects.exists()
    )
    assert bytes(job.input_data) == big_file()  # kept for the retry

    monkeypatch.setattr(BudgetLine.objects, "bulk_create", real_create)
    job = job_retry(job=job)
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert BudgetLine.objects.count() == LINES


def test_a_file_refused_when_written_fails_with_its_problems_and_writes_nothing():
    # The file was valid when checked; something changed before the worker ran it.
    job = submit(big_file(), population=-1)
    assert job.status == Job.Status.FAILED
    assert job.error == (
        "Le fichier n'a pas été importé, rien n'a été enregistré. "
        "Colonne population : La population ne peut pas être négative."
    )
    assert not Budget.objects.exists()


def test_progress_counts_the_lines_written(monkeypatch):
    seen = []
    real = services._lines_replace

    def spy(**kwargs):
        progress = kwargs["progress"]
        kwargs["progress"] = lambda done, total: (seen.append((done, total)), progress(done, total))
        return real(**kwargs)

    monkeypatch.setattr(services, "_lines_replace", spy)
    submit(big_file())
    assert seen[0] == (0, LINES) and seen[-1] == (LINES, LINES)
    assert (1000, LINES) in seen

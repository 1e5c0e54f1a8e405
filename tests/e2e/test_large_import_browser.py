"""A 50,000-line budget file in a real browser (issue 13): the upload request only enqueues the
check, the worker checks it while the job page's progress bar advances, the page leads to the
usual preview and confirmation, and the import itself runs as a task with its own bar.

Tasks wait in the database (as in production) and a worker started by the test in a thread runs
them while htmx polls the job page. Slow by nature (minutes on a loaded machine): the timeouts
are generous; bench/jobs.py times the same steps.
"""

from __future__ import annotations

import time

import pytest

from bench.generate import generate_scdl_csv
from budget.jobs.models import Job
from budget.models import Budget
from budget.roles import FINANCE
from tests.e2e.conftest import PASSWORD, log_in, start_worker, submit
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
LINES = 50_000
MINUTES = 60_000


def follow_the_bar(page, *, timeout: float = 900) -> list[tuple[str, int, int]]:
    """(step, value, max) of the progress bar each time it changes, until the job ends."""
    seen: list[tuple[str, int, int]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = page.evaluate(
            """() => {
                const status = document.querySelector("[data-job-status]");
                const bar = document.querySelector("#job-progress progress");
                const step = document.getElementById("job-step");
                return [
                    status ? status.dataset.jobStatus : "",
                    step ? step.textContent : "",
                    bar && bar.hasAttribute("value") ? Number(bar.getAttribute("value")) : -1,
                    bar && bar.hasAttribute("max") ? Number(bar.getAttribute("max")) : -1,
                ];
            }"""
        )
        status, step, value, top = state
        if not seen or seen[-1] != (step, value, top):
            seen.append((step, value, top))
        if status in {"succeeded", "failed"}:
            return seen
        page.wait_for_timeout(250)
    raise AssertionError(f"La tâche n'a pas fini en {timeout} s : {seen[-5:]}")


def advanced(seen: list[tuple[str, int, int]]) -> bool:
    """The bar showed a part done between its start and its end, on a step with a total."""
    return any(0 < value < top for _step, value, top in seen)


def test_a_50000_line_budget_is_checked_then_imported_as_tasks_with_a_progress_bar(
    live_server,
    open_page,
    database_tasks,
    tmp_path,
):
    user = make_user(roles=(FINANCE,))
    budget_file = tmp_path / "metropole.csv"
    budget_file.write_bytes(generate_scdl_csv(LINES, seed=0))
    page = open_page()
    page.set_default_timeout(5 * MINUTES)
    log_in(page, live_server.url, "/gestion/import/", username=user.username, password=PASSWORD)

    # 1. The upload: the request stores the file and enqueues its check, nothing more.
    page.get_by_label("Fichier budgétaire").set_input_files(str(budget_file))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_url("**/gestion/taches/**")
    check = Job.objects.get()
    assert (check.kind, check.status) == (Job.Kind.UPLOAD_CHECK, Job.Status.QUEUED)
    assert page.locator("[data-job-status]").inner_text() == "En attente"
    assert not Budget.objects.exists()

    # 2. The worker checks it; the bar advances on the page, polled by htmx.
    worker = start_worker()
    seen = follow_the_bar(page)
    worker.join(timeout=60)
    assert page.locator('[data-job-status="succeeded"]').count() == 1, seen
    assert advanced(seen), seen
    assert any(step.startswith("Vérification des lignes") for step, _v, _m in seen), seen
    assert "Le fichier est valide : rien n'a encore été enregistré." in page.inner_text("main")
    assert not Budget.objects.exists()

    # 3. The same preview and confirmation as a check made in the request.
    submit(page, page.get_by_role("link", name="Voir l'aperçu et confirmer l'import"))
    page.get_by_role("heading", name="Fichier valide : vérifiez puis confirmez").wait_for()
    assert f"{LINES} lignes, dont {LINES} nouvelles" in page.inner_text("main")
    submit(page, page.get_by_role("button", name="Confirmer l'enregistrement"))
    assert "/gestion/taches/" in page.url
    assert Job.objects.get(kind=Job.Kind.BUDGET_IMPORT).status == Job.Status.QUEUED
    assert not Budget.objects.exists()

    # 4. The import runs as a task, with its bar, and the lines are there.
    worker = start_worker()
    seen = follow_the_bar(page)
    worker.join(timeout=60)
    assert page.locator('[data-job-status="succeeded"]').count() == 1, seen
    assert advanced(seen), seen
    budget = Budget.objects.get()
    assert budget.lines.count() == LINES
    assert f"Budget importé : {LINES} lignes ({LINES} nouvelles" in page.inner_text("main")

"""Background jobs in a real browser (issue 13): a panel draw and a budget import run as tasks
in the database; the job page shows its progress bar, polled by htmx, then the result.

The live server stores the tasks (database backend, as in production); a worker started by the
test in a thread runs them while the page polls. Sizes are kept small so that the test stays
under a minute; bench/jobs.py measures a draw of 500 among 5,000 and an import of 50,000 lines.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bench.generate import generate_scdl_csv
from budget.jobs.models import Job
from budget.models import Budget
from budget.roles import FACILITATOR, FINANCE
from tests.e2e.conftest import PASSWORD, assert_accessible, log_in, start_worker, submit
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.panels.factories import make_quota
from votes.panels.models import PanelDraw, Volunteer

pytestmark = pytest.mark.django_db(transaction=True)
POOL, PANEL, LINES = 80, 12, 5_000


def wait_for_the_result(page) -> None:
    """The page is not reloaded: htmx swaps the progress in place until the job ends."""
    page.evaluate("window.jobPageMarker = 1")
    thread = start_worker()
    page.locator('[data-job-status="succeeded"]').wait_for(timeout=60_000)
    thread.join(timeout=60)
    assert page.evaluate("window.jobPageMarker") == 1
    assert page.locator("progress").count() == 1


def waiting_page(page) -> None:
    assert page.locator("[data-job-status]").inner_text() == "En attente"
    progress = page.locator("progress")
    assert progress.count() == 1 and progress.get_attribute("aria-labelledby") == "job-step"
    assert page.locator("#job-step").inner_text() == "En attente d'un exécutant…"
    assert page.locator("#job-progress").get_attribute("hx-trigger") == "every 1s"
    assert_accessible(page)


def test_a_panel_draw_runs_as_a_task_and_its_page_shows_progress_then_the_draw(
    live_server, open_page, database_tasks
):
    campaign = make_campaign()
    keep = timezone.localdate() + dt.timedelta(days=365)
    Volunteer.objects.bulk_create(
        Volunteer(
            campaign=campaign,
            name=f"Volontaire {i}",
            email=f"v{i}@example.org",
            gender="woman" if i % 2 else "man",
            age_band="35-49",
            area="Nord" if i % 3 else "Sud",
            consented_at=timezone.now(),
            retain_until=keep,
        )
        for i in range(POOL)
    )
    make_quota(campaign, "gender", "woman", PANEL // 2, PANEL // 2)
    make_quota(campaign, "gender", "man", PANEL // 2, PANEL // 2)
    user = make_user(roles=(FACILITATOR,))
    page = open_page()
    path = f"/gestion/campagnes/{campaign.slug}/panel/tirages/"
    log_in(page, live_server.url, path, username=user.username, password=PASSWORD)

    page.get_by_label("Taille du panel").fill(str(PANEL))
    page.get_by_label("Graine publiée").fill("Loto 3 14 15 92")
    submit(page, page.get_by_role("button", name="Tirer au sort"))
    job = Job.objects.get()
    assert page.url == live_server.url + job.get_absolute_url()
    assert not PanelDraw.objects.exists()  # the request only enqueued
    waiting_page(page)

    wait_for_the_result(page)
    assert "Tirage effectué : vérifiez-le, puis publiez-le." in page.locator("main").inner_text()
    assert_accessible(page)
    submit(page, page.get_by_role("link", name="Voir le tirage"))
    draw = PanelDraw.objects.get()
    assert len(draw.selected) == PANEL and draw.created_by == user
    assert page.url.endswith(f"/panel/tirages/{draw.pk}/")


def test_a_budget_import_runs_as_a_task_and_its_page_shows_progress_then_the_budget(
    live_server, open_page, database_tasks, tmp_path, settings
):
    # The check stays in the request here (this test is about the import's job); a file
    # checked by the worker: test_large_import_browser.py.
    settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = 20 * 1024 * 1024
    user = make_user(roles=(FINANCE,))
    budget_file = tmp_path / "metropole.csv"
    budget_file.write_bytes(generate_scdl_csv(LINES, seed=0))
    page = open_page()
    log_in(page, live_server.url, "/gestion/import/", username=user.username, password=PASSWORD)
    page.get_by_label("Fichier budgétaire").set_input_files(str(budget_file))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("heading", name="Fichier valide : vérifiez puis confirmez").wait_for()

    submit(page, page.get_by_role("button", name="Confirmer l'enregistrement"))
    assert "/gestion/taches/" in page.url
    assert not Budget.objects.exists()  # the request only enqueued
    waiting_page(page)

    wait_for_the_result(page)
    budget = Budget.objects.get()
    assert budget.lines.count() == LINES
    main = page.locator("main").inner_text()
    assert f"Budget importé : {LINES} lignes ({LINES} nouvelles" in main
    assert page.locator("progress").get_attribute("value") == page.locator(
        "progress"
    ).get_attribute("max")
    assert_accessible(page)
    submit(page, page.get_by_role("link", name=f"Voir le budget « {budget} »"))
    assert page.url.endswith(budget.get_absolute_url())

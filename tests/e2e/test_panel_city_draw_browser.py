"""A city's panel in a real browser (issue 13): 500 drawn among 5,000 volunteers with the demo's
12 quotas. The form only enqueues; the job page shows the draw's steps on its progress bar
while a database worker runs it; the panel of 500 and its reserve are there at the end.

The pool is inserted in one go (bulk_create); the draw by profiles takes seconds: the test
itself took 23 s to 40 s on a loaded 2-core machine (load average 8–11), plus the test
database and the browser's start.
"""

from __future__ import annotations

import time

import pytest

from budget.jobs.models import Job
from tests.e2e.conftest import PASSWORD, assert_accessible, log_in, start_worker, submit
from tests.e2e.test_jobs_browser import waiting_page
from tests.votes.factories import make_campaign
from tests.votes.panels.factories import bulk_pool, facilitator, proportional_quotas
from votes.panels.models import PanelDraw

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_tasks"),
]
POOL, PANEL, RESERVE = 5_000, 500, 50
DRAW_STEPS = (
    "Lecture du vivier et des quotas",
    "Vérification des quotas",
    "Calcul de la loterie (maximin-profils)",
    "Vérification du panel tiré",
    "Liste de réserve",
    "Enregistrement du tirage",
)


def watch_until_finished(page, timeout: float = 180) -> list[tuple[str, str, str | None]]:
    """What the job page showed as htmx swapped it: (status, step text, progress max)."""
    seen: list[tuple[str, str, str | None]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = page.evaluate(
            """() => [document.querySelector('[data-job-status]').dataset.jobStatus,
                      (document.querySelector('#job-step') || {}).textContent || '',
                      (document.querySelector('progress') || {getAttribute: () => null})
                        .getAttribute('max')]"""
        )
        if not seen or seen[-1] != tuple(state):
            seen.append(tuple(state))
        if state[0] in ("succeeded", "failed"):
            return seen
        page.wait_for_timeout(100)
    raise AssertionError(f"Tâche toujours en cours après {timeout} s : {seen[-3:]}")


def test_five_hundred_among_five_thousand_are_drawn_in_the_background_with_their_steps(
    live_server, open_page
):
    campaign = make_campaign()
    bulk_pool(campaign, POOL, seed=13)
    quotas = proportional_quotas(campaign, PANEL)
    user = facilitator()
    page = open_page()
    path = f"/gestion/campagnes/{campaign.slug}/panel/tirages/"
    log_in(page, live_server.url, path, username=user.username, password=PASSWORD)
    lead = page.locator(".lead").inner_text()
    assert "5000 volontaires peuvent être tirés au sort" in lead.replace("\u202f", "").replace(
        "\xa0", ""
    ).replace(" 000", "000")
    assert f"avec {len(quotas)} quotas" in lead
    # A pool this large is offered the draw by profiles first.
    assert page.get_by_label("maximin par profils").is_checked()

    page.get_by_label("Taille du panel").fill(str(PANEL))
    page.get_by_label("Taille de la liste de réserve").fill(str(RESERVE))
    page.get_by_label("Graine publiée").fill("Loto du 12/12/2026 : 4 8 15 16 23, chance 42")
    started = time.monotonic()
    submit(page, page.get_by_role("button", name="Tirer au sort"))
    enqueue_seconds = time.monotonic() - started
    job = Job.objects.get()
    assert page.url == live_server.url + job.get_absolute_url()
    assert not PanelDraw.objects.exists()  # the request only enqueued
    assert enqueue_seconds < 10, enqueue_seconds
    waiting_page(page)

    page.evaluate("window.jobPageMarker = 1")
    thread = start_worker()
    seen = watch_until_finished(page)
    thread.join(timeout=60)
    assert seen[-1][0] == "succeeded", seen
    assert page.evaluate("window.jobPageMarker") == 1  # swapped in place, never reloaded
    # Between the worker taking the job and the draw's first step, the page may still say
    # it waits; every other text shown while running is one of the draw's six steps.
    running = [
        (step, total)
        for status, step, total in seen
        if status == "running" and not step.startswith("En attente")
    ]
    assert running, seen
    for step, total in running:
        assert step.startswith(DRAW_STEPS), step
        assert total == "6", (step, total)

    main = page.locator("main").inner_text()
    assert "Tirage effectué : vérifiez-le, puis publiez-le." in main
    assert_accessible(page)
    submit(page, page.get_by_role("link", name="Voir le tirage"))
    draw = PanelDraw.objects.get()
    assert (len(draw.selected), len(draw.reserve)) == (PANEL, RESERVE)
    assert draw.algorithm == "maximin-profils" and draw.created_by == user
    assert page.url.endswith(f"/panel/tirages/{draw.pk}/")
    panel_rows = page.get_by_role("table", name="Membres du panel tirés au sort").locator(
        "tbody tr"
    )
    reserve_rows = page.get_by_role("table", name="Liste de réserve").locator("tbody tr")
    assert panel_rows.count() == PANEL and reserve_rows.count() == RESERVE

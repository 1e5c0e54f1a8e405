"""Every public page fits a 360 px phone screen: no sideways scrolling of the page (issue 15
§5). Wide tables scroll inside their own box (`.table-wrap`, static/css/app.css).

The pages come from the URL configuration, classified once in tests/e2e/public_pages.py
(shared with the axe test): a test fails when a page is added without being classified."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.e2e.conftest import PASSWORD, assert_no_csp_violation, wait_until
from tests.e2e.public_pages import (
    AFTER_A_CODE,
    VOTER,
    WORKSHOP_CODE,
    public_pages,
    unclassified,
    voter_pages,
    workshop_pages,
)
from votes.campaigns.models import Phase
from votes.campaigns.workflow import campaign_move

WIDTH = 360
# The pages seen anonymously, as the demo voter, as a workshop table, and the voting-code
# pages (anonymously they send back to the code page).
RESULT_PAGES = {"votes:results", "votes:opendata", "votes:campaign"}
BALLOT_PAGES = {"votes:ballot", "votes:ballot_review", "votes:code_enter"}


def all_pages(campaign) -> dict[str, str]:
    slug = campaign.slug
    return {
        **public_pages(campaign),
        **voter_pages(campaign),
        **workshop_pages(),
        **{name: reverse(name, args=[slug]) for name in AFTER_A_CODE},
        # Not shown before the council's answers, but it must not break the page's width.
        "votes:outcomes": reverse("votes:outcomes", args=[slug]),
    }


def overflow(page) -> int:
    """How far the page reaches beyond the screen, in CSS pixels (0: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


pytestmark = pytest.mark.django_db(transaction=True)


def test_every_public_route_is_visited_at_phone_width(demo):
    assert unclassified(demo) == []


def test_no_public_page_scrolls_sideways_on_a_360_px_phone(live_server, open_page, demo):
    base = live_server.url
    pages = all_pages(demo)
    as_voter = set(voter_pages(demo)) | {"votes:ballot_receipt"}
    as_table = set(workshop_pages())
    user = User.objects.get(username=VOTER)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    anonymous = open_page(width=WIDTH, height=740, touch=True)
    voter = open_page(width=WIDTH, height=740, touch=True)
    voter.goto(base + reverse("login"))
    voter.locator("#id_username").fill(VOTER)
    voter.locator("#id_password").fill(PASSWORD)
    with voter.expect_navigation():
        voter.get_by_role("button", name="Se connecter").click()
    table = open_page(width=WIDTH, height=740, touch=True)
    table.goto(base + reverse("votes:workshop_join"))
    table.locator("input[name=code]").fill(WORKSHOP_CODE)
    with table.expect_navigation():
        table.locator("main form button[type=submit]").first.click()

    too_wide: dict[str, str] = {}
    statuses: dict[str, int] = {}

    def look(names) -> None:
        for name in sorted(names):
            path = pages[name]
            page = voter if name in as_voter else table if name in as_table else anonymous
            response = page.goto(base + path)
            statuses[name] = response.status
            if name == "simulator:simulator":
                # The widest page once its charts are drawn (plotly sizes them to their box).
                wait_until(page, "document.querySelectorAll('.js-plotly-plot .main-svg').length")
            page.wait_for_load_state("load")
            if (extra := overflow(page)) > 0:
                too_wide[f"{name} ({demo.phase})"] = f"{path}: {extra} px de trop"

    # The demo campaign is in its instruction phase: every page as it stands, then the ballot
    # while the vote is open, then the results once counted.
    look(pages)
    admin = User.objects.get(username="admin-demo")
    campaign_move(campaign=demo, to_phase=Phase.VOTING, by=admin)
    demo.refresh_from_db()
    look(BALLOT_PAGES)
    campaign_move(campaign=demo, to_phase=Phase.TALLY, by=admin)
    demo.refresh_from_db()
    look(RESULT_PAGES)

    assert not [name for name, status in statuses.items() if status >= 500], statuses
    assert too_wide == {}, "\n".join(too_wide.values())
    # The pages that matter most were really shown (not a refusal, not the login page).
    for name in ("budget:lines", "simulator:simulator", "votes:panel", "votes:opendata"):
        assert statuses[name] == 200, (name, statuses[name])
    for name in [*BALLOT_PAGES, *RESULT_PAGES]:
        assert statuses[name] == 200, (name, statuses[name])


def test_the_simulator_keeps_its_summary_in_view_on_a_phone(live_server, open_page, demo):
    page = open_page(width=WIDTH, height=740, touch=True)
    page.goto(live_server.url + reverse("simulator:simulator", args=[demo.budget.slug]))
    bar = page.locator(".sim-summary-bar")
    before = bar.inner_text()
    assert "Économie nette" in before and "Objectif" in before

    # A measure ticked at the top of the page: the result, far below, is out of sight, and the
    # bar at the bottom of the screen shows the new saving.
    checkbox = page.locator(".measure-list input[type=checkbox]").first
    checkbox.scroll_into_view_if_needed()
    checkbox.check()
    wait_until(
        page,
        "(before) => document.querySelector('.sim-summary-bar').innerText !== before",
        arg=before,
    )
    assert not page.locator("#sim-summary").is_visible() or not _in_view(page, "#sim-summary")
    assert _in_view(page, ".sim-summary-bar")
    assert overflow(page) <= 0
    assert_no_csp_violation(page)


def test_the_summary_bar_is_not_shown_beside_the_result_on_a_computer(live_server, open_page, demo):
    page = open_page(width=1280, height=900)
    page.goto(live_server.url + reverse("simulator:simulator", args=[demo.budget.slug]))

    assert page.locator(".sim-summary-bar").count() == 1
    assert not page.locator(".sim-summary-bar").is_visible()


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
          const box = document.querySelector(selector).getBoundingClientRect();
          return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )

"""The Content-Security-Policy in a real browser: the main pages, on the data `make run`
loads, report no violation (no inline script or style, nothing from elsewhere, no eval) and
their plotly charts are still drawn, including the ones htmx swaps in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.models import Budget, ImpactRule
from tests.e2e.conftest import (
    PASSWORD,
    assert_no_csp_violation,
    log_in,
    starts,
    submit,
    wait_until,
)
from votes.proposals.models import Proposal
from votes.workshops.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True)


class Watch:
    """Console errors and uncaught exceptions of one page, plus its CSP violations."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", self.console)
        page.on("pageerror", lambda exc: self.errors.append(f"{exc} {exc.stack}"))

    def console(self, message) -> None:
        # No favicon is served: the browser's own request for it is not a page's error.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            self.errors.append(message.text)

    def visit(self, url: str, *, charts: int = 0) -> None:
        response = self.page.goto(url)
        assert response.status == 200, url
        self.check(charts=charts)

    def check(self, *, charts: int = 0) -> None:
        if charts:
            # Drawn by static/js/charts.js: plotly adds its class and its svg.
            wait_until(
                self.page,
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
            )
            assert self.page.locator("[data-plotly]:not(.js-plotly-plot)").count() == 0
        self.page.wait_for_load_state("networkidle")
        assert_no_csp_violation(self.page)
        assert self.errors == [], f"{self.page.url} : {self.errors}"


def test_the_main_pages_report_no_policy_violation_and_draw_their_charts(
    live_server, open_page, demo
):
    base = live_server.url
    campaign = demo
    budget = Budget.objects.get(pk=campaign.budget_id)
    ruled = ImpactRule.objects.filter(source__budget=budget).first().source
    proposal = Proposal.objects.filter(campaign=campaign, status=Proposal.Status.PUBLISHED)[0]
    slug = campaign.slug

    visitor = Watch(open_page())
    visitor.visit(base + reverse("budget:home"))
    visitor.visit(base + reverse("budget:overview", args=[budget.slug]), charts=1)
    visitor.visit(base + reverse("budget:lines", args=[budget.slug]))
    visitor.visit(base + reverse("budget:line", args=[budget.slug, ruled.code]), charts=1)
    visitor.visit(base + reverse("budget:glossary"))
    visitor.visit(base + reverse("votes:campaign", args=[slug]))
    visitor.visit(base + reverse("votes:proposal_list", args=[slug]))
    visitor.visit(base + reverse("votes:proposal", args=[slug, proposal.reference]))
    visitor.visit(base + reverse("votes:results", args=[slug]))
    visitor.visit(base + reverse("votes:opendata", args=[slug]))
    visitor.visit(base + reverse("votes:panel", args=[slug]), charts=1)
    visitor.visit(base + reverse("login"))

    # The simulator: a measure ticked, the results swapped in by htmx and drawn.
    simulator = visitor.page
    visitor.visit(base + reverse("simulator:simulator", args=[budget.slug]), charts=1)
    first = simulator.locator("input[type=checkbox][id^='m-']").first
    first.check()
    wait_until(
        simulator, "document.querySelector('#sim-summary').textContent.includes('économise')"
    )
    visitor.check(charts=3)

    # A back-office page, logged in.
    admin = Watch(open_page())
    log_in(admin.page, base, reverse("budget:backoffice"), username="admin-demo", password=PASSWORD)
    admin.check()
    admin.visit(base + reverse("budget:backoffice_import"))
    admin.visit(base + reverse("votes:statistics", args=[slug]), charts=1)
    workshop = Workshop.objects.get(campaign=campaign)
    admin.visit(base + reverse("votes:workshop_dashboard", args=[workshop.pk]), charts=1)
    admin.visit(base + reverse("votes:workshop_compare", args=[workshop.pk]), charts=1)

    # The workshop group screen, joined by its code; a measure ticked is saved by htmx.
    table = Watch(open_page(width=1024, height=768))
    table.visit(base + reverse("votes:workshop_join"))
    table.page.get_by_label(starts("Code de votre groupe")).fill("CANARD")
    submit(table.page, table.page.get_by_role("button", name="Rejoindre le groupe"))
    table.check(charts=1)
    table.page.locator("input[type=checkbox][id^='m-']").first.check()
    table.page.locator("[id^='argument-']").first.wait_for()
    table.check(charts=1)


def test_the_browser_enforces_the_policy_and_the_test_sees_its_violations(live_server, page):
    """The control: inline code put into a page is refused, and reported."""
    page.goto(live_server.url + reverse("budget:home"))
    assert_no_csp_violation(page)

    page.evaluate(
        """() => {
      document.body.insertAdjacentHTML("beforeend", '<p style="color: red">rouge</p>');
      const script = document.createElement("script");
      script.textContent = "window.pwned = true";
      document.body.append(script);
    }"""
    )

    wait_until(page, "window.__violations.length >= 2")
    violations = " ".join(page.evaluate("window.__violations"))
    assert "style-src-attr blocked inline" in violations
    assert "script-src-elem blocked inline" in violations
    assert page.evaluate("window.pwned") is None

"""Every public page fits a 360 px phone screen: no sideways scrolling of the page (issue 15
§5). Wide tables scroll inside their own box (`.table-scroll`, static/css/app.css).

The pages are listed from the URL configuration: a test fails when a public page is added
without being visited here (or said not to be a page: a POST action, a file)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budget.models import Budget
from simulator.services import scenario_create
from simulator.state import ScenarioState
from tests.e2e.conftest import PASSWORD, assert_no_csp_violation, wait_until
from votes.campaigns.models import Phase
from votes.campaigns.workflow import campaign_move
from votes.panels.models import PanelDraw, Volunteer
from votes.proposals.models import Proposal
from votes.training.models import TrainingPage

WIDTH = 360
# Staff pages (gestion/, bureau/ for poll officers, moderation/, the Django admin) are used on
# a computer; i18n/ and media/ are no pages.
NOT_PUBLIC = re.compile(r"^(admin|gestion|bureau|moderation|i18n|\^media)/?")
# Public routes that are no page to look at: POST actions and downloads.
NOT_PAGES = {
    "logout",
    "votes:account_mydata_json",
    "votes:account_confirm_resend",
    "votes:proposal_withdraw",
    "votes:proposal_support",
    "votes:proposal_flag",
    "votes:proposal_attachment",
    "votes:moderation_decide",
    "votes:ballot_add",
    "votes:ballot_remove",
    "votes:results_csv",
    "votes:results_xlsx",
    "votes:council_snapshot",
    "votes:opendata_ballots",
    "votes:opendata_csv",
    "votes:opendata_xlsx",
    "votes:panel_draw_file",
    "votes:workshop_group_rename",
    "votes:workshop_group_argument",
    "votes:workshop_group_leave",
    "simulator:save",
    "simulator:session_export",
    "simulator:rename",
    "simulator:duplicate",
    "simulator:export",
}
VOTER = "habitant-demo-2"  # the author of the demo's P-0001


def public_routes() -> set[str]:
    def walk(patterns, prefix: str = "", namespace: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield namespace + (pattern.name or ""), prefix + str(pattern.pattern)

    return {
        name
        for name, route in walk(get_resolver().url_patterns)
        if not NOT_PUBLIC.match(route) and name not in NOT_PAGES
    }


def public_pages(campaign) -> dict[str, str]:
    """Each public page of the demo, as anonymous visitors (and, for the few that need it, the
    demo voter) reach it."""
    slug = campaign.slug
    budget = Budget.objects.get(slug=campaign.budget.slug)
    proposal = Proposal.objects.filter(campaign=campaign).order_by("reference").first()
    line = budget.lines.filter(adjustable=True).first()
    draw = PanelDraw.objects.filter(campaign=campaign).exclude(selected=[]).first()
    member = Volunteer.objects.get(pk=draw.selected[0])
    training_page = TrainingPage.objects.filter(campaign=campaign).first()
    # The demo voter's saved scenario (the demo saves none).
    scenario = budget.scenarios.filter(owner__username=VOTER).first() or scenario_create(
        budget=budget,
        owner=User.objects.get(username=VOTER),
        state=ScenarioState(
            measures=list(budget.measures.catalogue().values_list("slug", flat=True)[:3])
        ),
        title="Mes économies",
    )
    other = scenario_create(
        budget=budget, owner=None, state=ScenarioState(horizon=5), title="Sans mesure"
    )
    token = "MQ/cette-cle-est-fausse"
    return {
        "budget:home": reverse("budget:home"),
        "budget:overview": reverse("budget:overview", args=[budget.slug]),
        "budget:lines": reverse("budget:lines", args=[budget.slug]),
        "budget:line": reverse("budget:line", args=[budget.slug, line.code]),
        "budget:glossary": reverse("budget:glossary"),
        "simulator:simulator": reverse("simulator:simulator", args=[budget.slug]),
        "simulator:shared": reverse("simulator:shared", args=[scenario.share_token]),
        "simulator:mine": reverse("simulator:mine"),
        "simulator:compare": reverse("simulator:compare")
        + f"?a={scenario.share_token}&b={other.share_token}",
        "simulator:scenario": reverse("simulator:scenario", args=[scenario.pk]),
        "votes:campaign_list": reverse("votes:campaign_list"),
        "votes:campaign": reverse("votes:campaign", args=[slug]),
        "votes:proposal_list": reverse("votes:proposal_list", args=[slug]),
        "votes:proposal": reverse("votes:proposal", args=[slug, proposal.reference]),
        "votes:proposal_create": reverse("votes:proposal_create", args=[slug]),
        "votes:proposal_edit": reverse("votes:proposal_edit", args=[slug, proposal.reference]),
        "votes:ballot": reverse("votes:ballot", args=[slug]),
        "votes:ballot_review": reverse("votes:ballot_review", args=[slug]),
        "votes:ballot_receipt": reverse("votes:ballot_receipt", args=[slug]),
        "votes:code_enter": reverse("votes:code_enter", args=[slug]),
        "votes:code_ballot": reverse("votes:code_ballot", args=[slug]),
        "votes:code_review": reverse("votes:code_review", args=[slug]),
        "votes:code_done": reverse("votes:code_done", args=[slug]),
        "votes:results": reverse("votes:results", args=[slug]),
        "votes:outcomes": reverse("votes:outcomes", args=[slug]),
        "votes:opendata": reverse("votes:opendata", args=[slug]),
        "votes:panel": reverse("votes:panel", args=[slug]),
        "votes:volunteer_signup": reverse("votes:volunteer_signup", args=[slug]),
        "votes:volunteer_thanks": reverse("votes:volunteer_thanks", args=[slug]),
        "votes:training_preview": reverse("votes:training_preview", args=[slug]),
        "votes:training_home": reverse("votes:training_home", args=[member.token]),
        "votes:training_page": reverse(
            "votes:training_page", args=[member.token, training_page.slug]
        ),
        "votes:workshop_join": reverse("votes:workshop_join"),
        "votes:workshop_group": reverse("votes:workshop_group"),
        "login": reverse("login"),
        "votes:account_signup": reverse("votes:account_signup"),
        "votes:account_confirm": reverse("votes:account_confirm", args=[uuid.uuid4().hex]),
        "votes:account_mydata": reverse("votes:account_mydata"),
        "votes:account_delete": reverse("votes:account_delete"),
        "votes:account_deleted": reverse("votes:account_deleted"),
        "votes:account_password_reset": reverse("votes:account_password_reset"),
        "votes:account_password_reset_done": reverse("votes:account_password_reset_done"),
        "votes:account_password_reset_confirm": reverse(
            "votes:account_password_reset_confirm", args=token.split("/")
        ),
        "votes:account_password_reset_complete": reverse("votes:account_password_reset_complete"),
    }


# Visited once logged in as the demo voter (the others anonymously, as most visitors come).
AS_VOTER = {
    "simulator:mine",
    "simulator:compare",
    "simulator:scenario",
    "votes:proposal_create",
    "votes:proposal_edit",
    "votes:ballot",
    "votes:ballot_review",
    "votes:ballot_receipt",
    "votes:account_mydata",
    "votes:account_delete",
}
BALLOT_PAGES = {"votes:ballot", "votes:ballot_review", "votes:code_enter"}
RESULT_PAGES = {"votes:results", "votes:opendata", "votes:campaign"}
# Visited after joining the demo's Table 1 with its code.
AS_WORKSHOP_GROUP = {"votes:workshop_group"}


def overflow(page) -> int:
    """How far the page reaches beyond the screen, in CSS pixels (0: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


pytestmark = pytest.mark.django_db(transaction=True)


def test_every_public_route_is_visited_at_phone_width(demo):
    assert public_routes() == set(public_pages(demo))


def test_no_public_page_scrolls_sideways_on_a_360_px_phone(live_server, open_page, demo):
    base = live_server.url
    pages = public_pages(demo)
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
    table.locator("input[name=code]").fill("CANARD")
    with table.expect_navigation():
        table.locator("main form button[type=submit]").first.click()

    too_wide: dict[str, str] = {}
    statuses: dict[str, int] = {}

    def look(names) -> None:
        for name in sorted(names):
            path = pages[name]
            page = voter if name in AS_VOTER else table if name in AS_WORKSHOP_GROUP else anonymous
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

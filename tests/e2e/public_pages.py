"""Every named URL of the URL conf, classified once for the browser tests that look at every
page (tests/e2e/test_phone_width_browser.py: 360 px wide; test_public_pages_accessibility.py:
axe).

A URL is either a page visited with the demo's objects (anonymously, as the demo voter, or as
a workshop table), a staff page (its prefix), not a page (a form's POST, a redirect, a file, a
feed, JSON), or a public page the demo has no data for (with the reason). A URL added later
fails `unclassified()` until someone says which it is, so that no page escapes the checks.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import User
from django.db.models import Count
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budget.models import Budget
from simulator.services import scenario_create
from simulator.state import ScenarioState
from votes.agenda.models import Event
from votes.agenda.services import registration_create
from votes.notifications.models import Kind
from votes.notifications.sending import unsubscribe_token
from votes.panels.models import PanelDraw, Volunteer
from votes.proposals.models import Proposal
from votes.training.models import TrainingPage

VOTER = "habitant-demo-2"  # the author of the demo's P-0001
WORKSHOP_CODE = "CANARD"  # the demo's Table 1

# Staff pages (gestion/ with the job pages, bureau/ for poll officers, garant/ for the
# guarantor, moderation/, the Django admin) are used on a computer, behind a role; their pages
# are checked by the journeys of this folder. i18n/ and media/ are no pages.
STAFF_PREFIXES = ("admin/", "gestion/", "bureau/", "garant/", "moderation/", "i18n/", "^media/")

# Not a page: a form's POST, a redirect, a file, a calendar feed, JSON.
NOT_A_PAGE = {
    "logout",
    "votes:account_confirm_resend",
    "votes:account_confirm",  # a link from an e-mail: confirms, then redirects
    "votes:account_mydata_json",
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
    "votes:opendata_prepare",  # POST: starts the export job, whose page is under gestion/
    "votes:opendata_ballots",
    "votes:opendata_csv",
    "votes:opendata_xlsx",
    "votes:metropolis_consolidation_xlsx",
    "votes:panel_draw_file",
    "votes:workshop_group_rename",
    "votes:workshop_group_argument",
    "votes:workshop_group_leave",
    "votes:agenda_ics",
    "votes:event_ics",
    "votes:event_register",  # POST; the form is on the event's page
    "votes:comment_post",  # the comment forms are on the proposal's page
    "votes:comment_reply",
    "votes:comment_flag",
    "votes:comment_moderate",  # a moderator's action (login and role)
    "votes:campaign_follow",
    "votes:notification_preferences",  # POST; the form is on the account's "mes données" page
    "simulator:save",
    "simulator:session_export",
    "simulator:rename",
    "simulator:duplicate",
    "simulator:export",
    "budget:territory",  # GeoJSON for the maps
    # The public API answers JSON; its one page is api:docs.
    "api:schema",
    "api:authorities",
    "api:authority",
    "api:budgets",
    "api:budget",
    "api:budget_lines",
    "api:campaigns",
    "api:campaign",
    "api:campaign_results",
    "api:proposal",
    "api:proposals",
    "api:follow_ups",
}

# Public pages the demo has no data for, with the reason.
NOT_IN_DEMO = {
    "votes:outcomes": "the council's answers: the demo campaign is at the instruction",
    "votes:metropolis_consolidation": "a metropolis and its communes: the demo has one commune",
    # Issue 16 §1: only a campaign that reserves its vote to a census list has them (404 or a
    # redirect elsewhere); the demo campaign does not, so that its voters vote as they are.
    "votes:census_verify": "the demo campaign does not reserve its vote to a census list",
    "votes:census_code": "the demo campaign does not reserve its vote to a census list",
}

# What the demo puts on some of the new pages, so that a check of an empty page is not taken
# for a check of the page: name → a CSS selector found there.
SHOWN = {
    "votes:proposal": "article.comment",  # the comment threads
    "votes:proposal_list": "#proposals-map-list tbody th",  # the map's table of points
    "votes:agenda": ".event-list li",
}

# After a valid voting code only (anonymously they send back to the code page).
AFTER_A_CODE = {"votes:code_ballot", "votes:code_review", "votes:code_done"}


def named_urls() -> list[tuple[str, str]]:
    """(name, route) of every named URL, namespaced."""

    def walk(patterns, prefix: str = "", namespace: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns))


def public_pages(campaign) -> dict[str, str]:
    """Each page anyone reaches without an account, with the demo's objects: name → path.
    Every one answers 200."""
    slug = campaign.slug
    budget = Budget.objects.get(slug=campaign.budget.slug)
    # The published proposal with the most debate: its page shows the comment threads.
    proposal = (
        Proposal.objects.filter(campaign=campaign, status="published")
        .annotate(threads=Count("comments"))
        .order_by("-threads", "reference")
        .first()
    )
    line = budget.lines.filter(adjustable=True).first()
    draw = PanelDraw.objects.filter(campaign=campaign).exclude(selected=[]).first()
    member = Volunteer.objects.get(pk=draw.selected[0])
    training_page = TrainingPage.objects.filter(campaign=campaign).first()
    event = Event.objects.filter(campaign=campaign).order_by("starts_at", "pk").first()
    voter = User.objects.get(username=VOTER)
    # A registration taken with the form, to reach the page of its cancel link (the demo
    # registers nobody), and the link of an e-mail to stop the vote confirmations.
    bookable = (
        Event.objects.filter(campaign=campaign, registration_enabled=True)
        .upcoming()
        .order_by("starts_at", "pk")
        .first()
    )
    registration = registration_create(
        event=bookable, name="Camille Martin", email=f"camille-{uuid.uuid4().hex[:6]}@example.org"
    )
    shared = scenario_create(
        budget=budget, owner=None, state=ScenarioState(horizon=5), title="Sans mesure"
    )
    token = "MQ/cette-cle-est-fausse"  # a wrong link: the page says so
    return {
        "budget:home": reverse("budget:home"),  # redirects to the one budget's overview
        "budget:overview": reverse("budget:overview", args=[budget.slug]),
        "budget:lines": reverse("budget:lines", args=[budget.slug]),
        "budget:line": reverse("budget:line", args=[budget.slug, line.code]),
        "budget:glossary": reverse("budget:glossary"),
        "budget:accessibility": reverse("budget:accessibility"),
        "simulator:simulator": reverse("simulator:simulator", args=[budget.slug]),
        "simulator:shared": reverse("simulator:shared", args=[shared.share_token]),
        "api:docs": reverse("api:docs"),
        "login": reverse("login"),
        "votes:account_signup": reverse("votes:account_signup"),
        "votes:account_deleted": reverse("votes:account_deleted"),
        "votes:account_password_reset": reverse("votes:account_password_reset"),
        "votes:account_password_reset_done": reverse("votes:account_password_reset_done"),
        "votes:account_password_reset_confirm": reverse(
            "votes:account_password_reset_confirm", args=token.split("/")
        ),
        "votes:account_password_reset_complete": reverse("votes:account_password_reset_complete"),
        "votes:campaign_list": reverse("votes:campaign_list"),
        "votes:campaign": reverse("votes:campaign", args=[slug]),
        "votes:proposal_list": reverse("votes:proposal_list", args=[slug]),  # with its map
        "votes:proposal": reverse("votes:proposal", args=[slug, proposal.reference]),
        "votes:ballot_receipt": reverse("votes:ballot_receipt", args=[slug]),
        "votes:code_enter": reverse("votes:code_enter", args=[slug]),
        "votes:results": reverse("votes:results", args=[slug]),
        "votes:opendata": reverse("votes:opendata", args=[slug]),
        "votes:panel": reverse("votes:panel", args=[slug]),
        "votes:volunteer_signup": reverse("votes:volunteer_signup", args=[slug]),
        "votes:volunteer_thanks": reverse("votes:volunteer_thanks", args=[slug]),
        "votes:training_preview": reverse("votes:training_preview", args=[slug]),
        "votes:training_home": reverse("votes:training_home", args=[member.token]),
        "votes:training_page": reverse(
            "votes:training_page", args=[member.token, training_page.slug]
        ),
        "votes:agenda": reverse("votes:agenda", args=[slug]),
        "votes:event": reverse("votes:event", args=[slug, event.pk]),
        "votes:registration_cancel": reverse(
            "votes:registration_cancel", args=[registration.token]
        ),
        "votes:unsubscribe": reverse(
            "votes:unsubscribe", args=[unsubscribe_token(user=voter, kind=Kind.VOTE_RECORDED)]
        ),
        "votes:workshop_join": reverse("votes:workshop_join"),
        "votes:evaluation_answer": reverse("votes:evaluation_answer", args=[slug]),
    }


def voter_pages(campaign) -> dict[str, str]:
    """The pages of a signed-in person, visited as the demo voter: name → path."""
    slug = campaign.slug
    budget = Budget.objects.get(slug=campaign.budget.slug)
    proposal = Proposal.objects.filter(campaign=campaign).order_by("reference").first()
    # The demo voter's saved scenario (the demo saves none), and one to compare it with.
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
    return {
        "simulator:mine": reverse("simulator:mine"),
        "simulator:compare": reverse("simulator:compare")
        + f"?a={scenario.share_token}&b={other.share_token}",
        "simulator:scenario": reverse("simulator:scenario", args=[scenario.pk]),
        "votes:proposal_create": reverse("votes:proposal_create", args=[slug]),
        "votes:proposal_edit": reverse("votes:proposal_edit", args=[slug, proposal.reference]),
        "votes:ballot": reverse("votes:ballot", args=[slug]),
        "votes:ballot_review": reverse("votes:ballot_review", args=[slug]),
        "votes:account_mydata": reverse("votes:account_mydata"),
        "votes:account_delete": reverse("votes:account_delete"),
    }


def workshop_pages() -> dict[str, str]:
    """Visited after joining the demo's Table 1 with its code."""
    return {"votes:workshop_group": reverse("votes:workshop_group")}


def unclassified(campaign) -> list[str]:
    """The named URLs outside the staff prefixes that no list above names."""
    known = (
        public_pages(campaign).keys()
        | voter_pages(campaign).keys()
        | workshop_pages().keys()
        | AFTER_A_CODE
        | NOT_A_PAGE
        | NOT_IN_DEMO.keys()
    )
    return [
        name
        for name, route in named_urls()
        if not route.startswith(STAFF_PREFIXES) and name not in known
    ]

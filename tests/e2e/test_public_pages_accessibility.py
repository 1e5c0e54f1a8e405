"""axe on every public page of the demo (issue 16 §4): 0 serious or critical violation.

The pages come from the URL conf: every named URL is either a public page (visited here,
with the demo's objects), or named below with the reason it is not visited — behind a login
or a role, a download or a form's POST, or a page the demo has no data for. A URL added later
fails `test_every_url_is_classified` until someone says which it is, so that no public page
escapes the check.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _budget(campaign) -> dict:
    return {"slug": campaign.budget.slug}


def _proposal(campaign) -> dict:
    published = campaign.proposals.filter(status="published").order_by("reference").first()
    return {"slug": campaign.slug, "reference": published.reference}


def _line(campaign) -> dict:
    return {"slug": campaign.budget.slug, "code": campaign.budget.lines.order_by("pk")[0].code}


def _campaign(campaign) -> dict:
    return {"slug": campaign.slug}


def _nothing(campaign) -> dict:
    return {}


# URL name → its kwargs, from the demo campaign (`demo` fixture of conftest.py).
PUBLIC_PAGES = {
    "budget:home": _nothing,  # redirects to the one budget's overview
    "budget:overview": _budget,
    "budget:lines": _budget,
    "budget:line": _line,
    "budget:glossary": _nothing,
    "budget:accessibility": _nothing,
    "simulator:simulator": _budget,
    "login": _nothing,
    "votes:account_signup": _nothing,
    "votes:account_deleted": _nothing,
    "votes:account_password_reset": _nothing,
    "votes:account_password_reset_done": _nothing,
    "votes:account_password_reset_complete": _nothing,
    "votes:campaign_list": _nothing,
    "votes:campaign": _campaign,
    "votes:proposal_list": _campaign,
    "votes:proposal": _proposal,
    "votes:results": _campaign,
    "votes:ballot_receipt": _campaign,
    "votes:code_enter": _campaign,
    "votes:opendata": _campaign,
    "votes:panel": _campaign,
    "votes:volunteer_signup": _campaign,
    "votes:volunteer_thanks": _campaign,
    "votes:training_preview": _campaign,
    "votes:workshop_join": _nothing,
}

# Behind a login or a role (their pages are checked by the journeys of this folder).
PRIVATE_PREFIXES = ("admin/", "gestion/", "bureau/", "garant/", "moderation/", "scenarios/")
PRIVATE = {
    "votes:account_mydata",
    "votes:account_delete",
    "votes:proposal_create",
    "votes:proposal_edit",
    "votes:proposal_withdraw",
    "votes:moderation_decide",
    "votes:ballot",
    "votes:ballot_review",
    "votes:workshop_group",  # a workshop group's page, with the group's code in the session
    "votes:code_ballot",  # after a valid voting code
    "votes:code_review",
    "votes:code_done",
}
# Not a page: a form's POST, a redirect, a file.
NOT_A_PAGE = {
    "logout",
    "set_language",
    "votes:account_confirm_resend",
    "votes:account_confirm",  # a link from an e-mail: confirms, then redirects
    "votes:account_mydata_json",
    "votes:proposal_support",
    "votes:proposal_flag",
    "votes:proposal_attachment",
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
    "simulator:duplicate",
    "simulator:export",
}
# Public pages the demo has no data for: a password-reset link (a token from an e-mail), a
# panel member's training link, a shared scenario, the council's answers (the demo campaign
# is at the instruction).
NOT_IN_DEMO = {
    "votes:account_password_reset_confirm",
    "votes:training_home",
    "votes:training_page",
    "simulator:shared",
    "votes:outcomes",
}


def _named_urls():
    def walk(patterns, namespace="", prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                inner = f"{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner, route)
            elif pattern.name:
                yield namespace + pattern.name, route

    return list(walk(get_resolver().url_patterns))


def test_every_url_is_classified():
    unclassified = [
        name
        for name, route in _named_urls()
        if not route.startswith(PRIVATE_PREFIXES)
        and name not in PUBLIC_PAGES.keys() | PRIVATE | NOT_A_PAGE | NOT_IN_DEMO
    ]

    assert unclassified == []


def test_every_public_page_of_the_demo_passes_axe(live_server, page, demo):
    visited = []
    for name, kwargs in PUBLIC_PAGES.items():
        url = live_server.url + reverse(name, kwargs=kwargs(demo))
        response = page.goto(url)
        assert response.status == 200, f"{name} : {url} → {response.status}"
        assert_accessible(page)
        assert "Accessibilité :" in page.locator("footer").inner_text()
        visited.append(name)
    # The error pages are public too.
    response = page.goto(live_server.url + "/nulle-part/")
    assert response.status == 404
    assert_accessible(page)

    assert visited == list(PUBLIC_PAGES)

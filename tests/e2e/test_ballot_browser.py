"""The ballot in a real browser, with the keyboard only: htmx swaps a category, focus stays on
the proposal's button, a refusal is announced in place, and axe finds no serious violation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tests.e2e.conftest import assert_accessible
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.voting.models import BallotLine

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def on_ballot(campaign, category, title: str, cost: str):
    proposal = make_proposal(campaign, category=category, title=title)
    make_instruction(
        proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal(cost)
    )
    return proposal


@pytest.mark.parametrize("width", [375, 1280], ids=["mobile", "desktop"])
def test_a_voter_fills_the_ballot_with_the_keyboard_only(live_server, browser, width):  # noqa: F811
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, slug="bp-clavier")
    sport = make_category(campaign, name="Sport", vote_cap=1)
    roads = make_category(
        campaign, name="Voirie", vote_cap=None, knapsack=True, envelope=Decimal("10000")
    )
    pool = on_ballot(campaign, sport, "Piscine", "8000")
    stadium = on_ballot(campaign, sport, "Stade", "9000")
    bridge = on_ballot(campaign, roads, "Passerelle", "6000")
    voter = make_voter(commune=make_commune(campaign.authority))
    session = Client()
    session.force_login(voter)

    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": session.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/campagnes/bp-clavier/vote/")
        assert_accessible(page)

        # Enter on the focused button: the category is swapped, focus stays on the new button.
        page.focus(f"#choice-{pool.reference}")
        page.keyboard.press("Enter")
        counter = page.locator(f"#counter-{sport.pk}")
        counter.filter(has_text="1 vote sur 1").wait_for()
        focused = page.evaluate("document.activeElement.id")
        assert focused == f"choice-{pool.reference}"
        assert page.locator(f"#choice-{pool.reference}").inner_text().startswith("Retirer")
        page.locator("#ballot-status").filter(has_text="« Piscine » est ajoutée").wait_for()

        # The second proposal of a category capped at one: refused in place, as an alert.
        page.focus(f"#choice-{stadium.reference}")
        page.keyboard.press("Enter")
        alert = page.locator(f"#category-{sport.pk} [role=alert]")
        alert.wait_for()
        assert alert.inner_text() == (
            "Vous avez utilisé votre 1 vote dans « Sport » : retirez-le pour choisir celui-ci."
        )
        assert page.evaluate("document.activeElement.id") == f"choice-{stadium.reference}"
        assert_accessible(page)

        # Knapsack: the remaining envelope follows (10 000 € − 6 000 €).
        page.focus(f"#choice-{bridge.reference}")
        page.keyboard.press("Space")
        page.locator(f"#category-{roads.pk}").filter(has_text="Reste 4\u202f000\xa0€").wait_for()
        assert page.locator(f"#envelope-{roads.pk}").get_attribute("value") == "6000.00"
        assert_accessible(page)

        page.goto(f"{live_server.url}/campagnes/bp-clavier/vote/recapitulatif/")
        assert_accessible(page)
        assert page.locator("#receipt-code").inner_text() == voter.ballots.get().receipt
    finally:
        context.close()

    chosen = BallotLine.objects.filter(ballot__voter=voter).values_list("proposal_id", flat=True)
    assert sorted(chosen) == sorted([pool.pk, bridge.pk])

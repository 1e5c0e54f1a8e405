from __future__ import annotations

from decimal import Decimal

import pytest

from tests.e2e.conftest import assert_accessible, wait_until
from tests.simulator.factories import make_measure, pool_budget, with_levers

pytestmark = pytest.mark.django_db(transaction=True)


def test_toggling_a_measure_updates_the_summary_and_the_charts(live_server, page):
    budget, lines = pool_budget(savings_target=Decimal("50000"))
    make_measure(
        budget,
        lines["pool_staff"],
        slug="piscine-lundi",
        title="Fermer la piscine le lundi",
        policy_area="Sport",
        amount=Decimal("-45000"),
    )

    page.goto(f"{live_server.url}/budgets/{budget.slug}/simulateur/")
    summary = page.locator("#sim-summary")
    assert "ne change encore rien" in summary.inner_text()
    assert_accessible(page)

    # Keyboard only: focus the checkbox and tick it with the space bar.
    page.locator("#m-piscine-lundi").focus()
    page.keyboard.press("Space")
    wait_until(page, "document.querySelector('#sim-summary').textContent.includes('40\u202f500')")
    text = summary.inner_text()
    assert "économise 40\u202f500\u00a0€ par an en année pleine" in text
    assert "il manque 9\u202f500\u00a0€" in text
    # The charts were swapped in and drawn by plotly.js (served locally).
    page.wait_for_selector("#chart-waterfall .main-svg")
    page.wait_for_selector("#chart-sankey .main-svg")
    # htmx must not strip plotly's classes when it settles the swapped charts (their ids
    # are the same as before): without them the legend and titles fall out of the chart.
    assert "js-plotly-plot" in page.locator("#chart-ratios").get_attribute("class")
    assert page.locator("#target-progress").get_attribute("value") == "81"

    # A slider moved with the keyboard reaches the target.
    slider = page.locator("#l-FD-60612-814")
    page.locator("details:has(#l-FD-60612-814) summary").click()
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    wait_until(page, "document.querySelector('#sim-summary').textContent.includes('est atteint')")
    assert "50\u202f500\u00a0€" in summary.inner_text()
    assert_accessible(page)


def test_a_revenue_lever_updates_the_result_and_its_household_effect(live_server, page):
    budget, lines = with_levers(*pool_budget(savings_target=Decimal("50000")))

    page.goto(f"{live_server.url}/budgets/{budget.slug}/simulateur/")
    summary = page.locator("#sim-summary")
    # Typed with the keyboard, then confirmed: the form posts on change.
    page.locator("#lever-cantine").fill("2")
    page.locator("#lever-cantine").press("Tab")
    wait_until(page, "document.querySelector('#sim-summary').textContent.includes('50\u202f000')")
    assert "économise 50\u202f000\u00a0€ par an en année pleine" in summary.inner_text()
    table = page.locator("table.lever-effects")
    assert "+8\u00a0€ par foyer et par an" in table.inner_text()
    assert_accessible(page)

    # Out of the sheet's bounds: the browser holds the value back (the input's min and max;
    # htmx validates the form first) and the result stays; the server would refuse it too
    # (tests/simulator/test_simulator_levers_view.py).
    page.locator("#lever-cantine").fill("9")
    page.locator("#lever-cantine").press("Tab")
    assert page.locator("#lever-cantine:invalid").count() == 1
    page.wait_for_timeout(500)
    assert "économise 50 000 €" in summary.inner_text()

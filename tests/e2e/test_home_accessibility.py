from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible
from tests.factories import make_budget

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_page_lists_budgets_and_passes_axe(live_server, page):
    make_budget(slug="alpha-2026-bp")
    make_budget(slug="beta-2026-bp")

    page.goto(live_server.url + "/")

    assert page.locator("h1").inner_text() == "Budgets publiés"
    assert page.locator("a[href='/budgets/alpha-2026-bp/']").count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    assert_accessible(page)

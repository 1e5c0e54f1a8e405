"""axe on every public page of the demo (issue 16 §4): 0 serious or critical violation.

The pages come from the URL conf, classified once in tests/e2e/public_pages.py (shared with
the 360 px test): a URL added later fails `test_every_url_is_classified` until someone says
which it is, so that no public page escapes the check.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.public_pages import SHOWN, public_pages, unclassified

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_url_is_classified(demo):
    assert unclassified(demo) == []


def test_every_public_page_of_the_demo_passes_axe(live_server, page, demo):
    pages = public_pages(demo)
    visited = []
    for name, path in pages.items():
        url = live_server.url + path
        response = page.goto(url)
        assert response.status == 200, f"{name} : {url} → {response.status}"
        if name in SHOWN:
            assert page.locator(SHOWN[name]).count() > 0, f"{name}: {SHOWN[name]} missing"
        assert_accessible(page)
        assert "Accessibilité :" in page.locator("footer").inner_text(), name
        visited.append(name)
    # The error pages are public too.
    response = page.goto(live_server.url + "/nulle-part/")
    assert response.status == 404
    assert_accessible(page)

    assert visited == list(pages)

"""The public API's docs page in a real browser, on the demo: Swagger UI, served by the
application, draws every operation under the Content-Security-Policy (no violation, no
console error) and "Try it out" returns the demo campaign from the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.conftest import assert_no_csp_violation, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_draws_every_operation_and_calls_the_api(live_server, open_page, demo):
    page = open_page()
    errors: list[str] = []
    # No favicon is served: the browser's own request for it is not the page's error.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("favicon.ico")
            else None
        ),
    )
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(live_server.url + reverse("api:docs"))

    assert response.status == 200
    wait_until(page, "document.querySelectorAll('.opblock-get').length >= 11")
    operation = page.locator("#operations-campagnes-campaigns_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    wait_until(
        page,
        "!!document.querySelector('#operations-campagnes-campaigns_list .live-responses-table')",
    )
    body = operation.locator(".live-responses-table tbody").inner_text()
    assert demo.slug in body
    page.wait_for_load_state("networkidle")
    assert_no_csp_violation(page)
    assert [url for url in missing if not url.endswith("favicon.ico")] == []
    assert errors == [], missing
    assert all(url.startswith(live_server.url) for url in requested)

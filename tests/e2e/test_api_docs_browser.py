"""The public API's reference page in a real browser, on the demo: written by the application
from the OpenAPI document, it passes axe and the Content-Security-Policy, and its link opens
the API's list of campaigns with the demo campaign."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_lists_every_operation_and_opens_the_api(live_server, open_page, demo):
    page = open_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(live_server.url + reverse("api:docs"))

    assert response.status == 200
    assert page.locator("section.api-operation").count() == 11
    assert_accessible(page)
    page.get_by_role("link", name="Ouvrir /api/v1/campaigns/ (JSON)").click()
    page.wait_for_url("**/api/v1/campaigns/")
    listed = json.loads(page.locator("body").inner_text())
    assert [campaign["slug"] for campaign in listed["results"]] == [demo.slug]
    assert all(url.startswith(live_server.url) for url in requested)

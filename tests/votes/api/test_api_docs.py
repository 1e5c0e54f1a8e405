"""The OpenAPI document, the docs page served by the application under the
Content-Security-Policy, the JSON 404 of an unknown address, and the open-data page's link."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.votes.api.builders import api
from tests.votes.factories import make_campaign

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/authorities/",
    "/api/v1/authorities/{slug}/",
    "/api/v1/budgets/",
    "/api/v1/budgets/{slug}/",
    "/api/v1/budgets/{slug}/lines/",
    "/api/v1/campaigns/",
    "/api/v1/campaigns/{slug}/",
    "/api/v1/campaigns/{slug}/results/",
    "/api/v1/campaigns/{slug}/proposals/{number}/",
    "/api/v1/proposals/",
    "/api/v1/follow-ups/",
}
MONEY_FIELDS = {
    ("BudgetLine", "amount"),
    ("Budget", "debt_start"),
    ("Category", "envelope"),
    ("Proposal", "estimate"),
    ("Instruction", "instructed_cost"),
    ("ResultRow", "amount"),
    ("ResultCategory", "envelope_left"),
}


def test_the_document_lists_every_operation_read_only_with_its_licence(client):
    document = client.get(api("schema")).json()

    assert document["openapi"].startswith("3.")
    assert document["info"]["license"]["name"] == "Licence Ouverte / Open Licence 2.0"
    assert set(document["paths"]) == PATHS
    assert {method for path in document["paths"].values() for method in path} == {"get"}


def test_money_is_a_decimal_string_in_the_document(client):
    schemas = client.get(api("schema")).json()["components"]["schemas"]

    for component, field in MONEY_FIELDS:
        assert schemas[component]["properties"][field]["type"] == "string"
        assert schemas[component]["properties"][field]["format"] == "decimal"


def test_every_operation_documents_its_errors(client):
    document = client.get(api("schema")).json()

    for path in document["paths"].values():
        responses = path["get"]["responses"]
        assert {"200", "404", "429"} <= set(responses)
        assert "Retry-After" in responses["429"]["headers"]


def test_the_docs_page_loads_swagger_from_this_site_without_inline_script(client):
    response = client.get(api("docs"))
    page = response.content.decode()

    assert response.status_code == 200
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "/static/js/api-docs.js" in sources
    assert all(source.startswith("/static/") for source in sources)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    assert "<style" not in page
    assert 'data-schema-url="/api/v1/openapi.json"' in page
    assert "Licence Ouverte" in page
    assert "300 requêtes par adresse toutes les 60 secondes" in page


def test_the_docs_page_allows_swagger_icons_only(client):
    policy = client.get(api("docs"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "img-src 'self' data:" in policy


def test_the_swagger_files_are_served_by_the_application():
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}")


@pytest.mark.parametrize("path", ["/api/v1/inconnu/", "/api/v1/campaigns", "/api/v1/a%0Ab/"])
def test_an_unknown_address_is_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Adresse inconnue dans l'API."}


def test_the_open_data_page_links_to_the_api_docs(client):
    campaign = make_campaign()

    page = client.get(reverse("votes:opendata", kwargs={"slug": campaign.slug})).content.decode()

    assert f'href="{api("docs")}"' in page

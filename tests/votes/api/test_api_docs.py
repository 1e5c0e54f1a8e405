"""The OpenAPI document, the docs page served by the application under the
Content-Security-Policy, the JSON 404 of an unknown address, and the open-data page's link."""

from __future__ import annotations

import re

import pytest
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


def test_the_docs_page_is_written_from_the_document_without_script(client):
    document = client.get(api("schema")).json()
    response = client.get(api("docs"))
    page = response.content.decode()

    assert response.status_code == 200
    # Every operation of the document, with its summary, in the document's order.
    headings = re.findall(r"<h3 id=\"op-\d+\"><code>GET ([^<]+)</code> — ([^<]+)</h3>", page)
    assert [path for path, _summary in headings] == list(document["paths"])
    assert headings[0][1] == document["paths"][headings[0][0]]["get"]["summary"]
    # The page's own scripts only (the site's), none inline, no style, no widened policy.
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert all(source.startswith("/static/") for source in sources)
    assert not any("swagger" in source for source in sources)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "<style" not in page
    assert "img-src 'self' data:" not in response["Content-Security-Policy"]
    assert "Licence Ouverte" in page
    assert "300 requêtes par adresse toutes les 60 secondes" in page


def test_the_docs_page_tables_each_parameter_and_links_the_addresses_without_a_value(client):
    page = client.get(api("docs")).content.decode()

    assert "<caption>Paramètres de /api/v1/proposals/</caption>" in page
    assert '<th scope="row"><code>page_size</code></th>' in page
    assert 'href="/api/v1/campaigns/" class="api-try"' in page
    # An address with a value to fill in is not a link.
    assert 'href="/api/v1/campaigns/{slug}/"' not in page


@pytest.mark.parametrize("path", ["/api/v1/inconnu/", "/api/v1/campaigns", "/api/v1/a%0Ab/"])
def test_an_unknown_address_is_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Adresse inconnue dans l'API."}


def test_the_open_data_page_links_to_the_api_docs(client):
    campaign = make_campaign()

    page = client.get(reverse("votes:opendata", kwargs={"slug": campaign.slug})).content.decode()

    assert f'href="{api("docs")}"' in page

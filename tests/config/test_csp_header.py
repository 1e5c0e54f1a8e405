"""The Content-Security-Policy header every page carries (SECURE_CSP, Django's middleware)."""

from __future__ import annotations

import pytest

from tests.factories import make_budget, make_line

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return {name: value for name, value in parts}


def test_a_page_carries_the_policy_with_every_directive(client):
    budget = make_budget()
    make_line(budget)

    response = client.get(f"/budgets/{budget.slug}/")

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == EXPECTED


def test_the_policy_allows_nothing_inline_and_no_eval(client):
    header = client.get("/glossaire/")["Content-Security-Policy"]

    for loose in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "nonce-", "data:", "*"):
        assert loose not in header


def test_an_htmx_partial_carries_the_policy_too(client):
    budget = make_budget()
    make_line(budget)

    response = client.get(f"/budgets/{budget.slug}/lignes/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == EXPECTED


def test_no_page_carries_an_inline_script_or_style(client):
    budget = make_budget()
    line = make_line(budget)

    for path in ("/", f"/budgets/{budget.slug}/", f"/budgets/{budget.slug}/lignes/{line.code}/"):
        body = client.get(path).content.decode()
        assert "<script>" not in body and "<style" not in body and " style=" not in body
        assert " onclick=" not in body

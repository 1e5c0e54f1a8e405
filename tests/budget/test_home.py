from __future__ import annotations

import pytest

from tests.factories import make_budget

pytestmark = pytest.mark.django_db


def test_it_lists_published_budgets_and_hides_unpublished_ones(client):
    make_budget(slug="a-2026-bp")
    make_budget(slug="b-2026-bp")
    make_budget(slug="c-2026-bp", published=False)

    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/budgets/a-2026-bp/"' in body or "a-2026-bp" in body
    assert "c-2026-bp" not in body
    assert 'hx-headers=\'{"X-CSRFToken"' in body
    assert 'lang="fr"' in body


def test_it_redirects_to_the_only_published_budget(client):
    budget = make_budget(slug="seule-2026-bp")

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == budget.get_absolute_url()

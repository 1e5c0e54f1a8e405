"""/gestion/: the back-office index, for administrators and the finance service only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE
from tests.factories import make_budget, make_line, make_user

pytestmark = pytest.mark.django_db
URL = "/gestion/"


def test_the_url_is_named_backoffice():
    assert reverse("budget:backoffice") == URL


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


@pytest.mark.parametrize("roles", [(), (FACILITATOR,)])
def test_users_without_the_role_get_403(client, roles):
    client.force_login(make_user(roles=roles))

    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("role", [ADMINISTRATOR, FINANCE])
def test_it_lists_budgets_with_their_links(client, role, django_assert_max_num_queries):
    budget = make_budget(slug="lorme-2026-bp")
    make_line(budget)
    make_line(budget, account="60611")
    make_budget(slug="autre-2026-bp")
    client.force_login(make_user(roles=(role,)))

    with django_assert_max_num_queries(6):
        response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption>" in body
    assert reverse("budget:backoffice_import") in body
    assert reverse("budget:backoffice_params_download", kwargs={"slug": "lorme-2026-bp"}) in body
    assert reverse("budget:backoffice_params", kwargs={"slug": "autre-2026-bp"}) in body
    assert budget.get_absolute_url() in body

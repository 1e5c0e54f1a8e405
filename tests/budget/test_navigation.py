from __future__ import annotations

import pytest

from tests.factories import make_budget, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "shown"),
    [((), False), (("moderator",), False), (("finance",), True), (("administrator",), True)],
)
def test_the_back_office_link_is_shown_only_to_finance_and_administrators(client, roles, shown):
    make_budget(slug="a-2026-bp")
    make_budget(slug="b-2026-bp")
    client.force_login(make_user(roles=roles))

    body = client.get("/").content.decode()

    assert ('href="/gestion/"' in body) is shown


def test_anonymous_visitors_see_no_back_office_link(client):
    make_budget(slug="a-2026-bp")
    make_budget(slug="b-2026-bp")

    assert 'href="/gestion/"' not in client.get("/").content.decode()


def test_poll_officers_get_a_link_to_their_polling_station(client):
    make_budget(slug="a-2026-bp")
    make_budget(slug="b-2026-bp")
    client.force_login(make_user(roles=("officer",)))

    assert 'href="/bureau/"' in client.get("/").content.decode()

"""/admin/login/ counts failures per address under the site's `login` limit (besides axes)."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.votes.ratelimit_helpers import OTHER_IP, assert_refused

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
PASSWORD = "mot-de-passe-solide-42"  # make_user's


def _fail(client, username: str, **extra):
    return client.post(ADMIN_LOGIN, {"username": username, "password": "x"}, **extra)


def test_one_address_trying_many_usernames_on_the_admin_login_is_stopped(client, settings):
    settings.RATE_LIMITS = {"login": {"ip": (3, 900)}}
    admin = make_user(is_staff=True, is_superuser=True)

    failures = [_fail(client, f"robot{n}") for n in range(3)]
    refused = client.post(ADMIN_LOGIN, {"username": admin.username, "password": PASSWORD})

    assert {response.status_code for response in failures} == {200}
    assert_refused(refused)
    assert "_auth_user_id" not in client.session


def test_the_site_and_the_admin_login_share_one_limit(client, settings):
    settings.RATE_LIMITS = {"login": {"ip": (3, 900)}}
    for n in range(3):
        client.post("/connexion/", {"username": f"robot{n}@example.org", "password": "x"})

    assert_refused(_fail(client, "robot9"))


def test_another_address_still_logs_in_to_the_admin(client, settings):
    settings.RATE_LIMITS = {"login": {"ip": (3, 900)}}
    admin = make_user(is_staff=True, is_superuser=True)
    for n in range(3):
        _fail(client, f"robot{n}")

    response = client.post(
        ADMIN_LOGIN,
        {"username": admin.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=OTHER_IP,
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_the_admin_login_page_still_shows(client):
    response = client.get(ADMIN_LOGIN)

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()

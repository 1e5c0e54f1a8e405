from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.factories import make_authority
from tests.votes.factories import make_commune, make_voter
from votes.accounts.forms import EmailAuthenticationForm

pytestmark = pytest.mark.django_db

LOGIN = "/connexion/"
EMAIL = "jeanne@example.org"
PASSWORD = "mot-de-passe-solide-42"  # make_user's
LOCKED = "Connexion temporairement bloquée"


@pytest.fixture
def voter():
    commune = make_commune(make_authority())
    return make_voter(commune=commune, username=EMAIL, email=EMAIL)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client, username: str = EMAIL, times: int = 1) -> list:
    return [
        client.post(LOGIN, {"username": username, "password": "pas-le-bon"}) for _ in range(times)
    ]


def test_a_citizen_logs_in_with_their_email(client, voter):
    response = client.post(LOGIN, {"username": EMAIL, "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in(client)


def test_four_failures_do_not_lock_the_account(client, voter):
    for response in _fail(client, times=4):
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()

    client.post(LOGIN, {"username": EMAIL, "password": PASSWORD})

    assert _logged_in(client)


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, voter):
    _fail(client, times=5)

    response = client.post(LOGIN, {"username": EMAIL, "password": PASSWORD})

    assert LOCKED in response.content.decode()
    assert response.status_code == 429
    assert not _logged_in(client)


def test_a_locked_username_does_not_lock_another_one(client, voter):
    make_voter(outside_territory=True, username="paul@example.org", email="paul@example.org")
    _fail(client, times=5)

    client.post(LOGIN, {"username": "paul@example.org", "password": PASSWORD})

    assert _logged_in(client)
    assert client.session["_auth_user_id"] == str(User.objects.get(username="paul@example.org").pk)


def test_the_email_login_form_accepts_the_address_in_any_case(rf, voter):
    # config/urls.py may wire this form into LoginView; tested here on its own.
    request = rf.post(LOGIN)
    form = EmailAuthenticationForm(
        request, data={"username": "Jeanne@Example.ORG", "password": PASSWORD}
    )

    assert form.is_valid(), form.errors
    assert form.get_user() == voter


# --- one address, many usernames; one username, many addresses --------------------------------


def test_one_address_trying_fifty_usernames_is_stopped(client, voter):
    responses = [
        client.post(LOGIN, {"username": f"robot{n}@example.org", "password": "x"})
        for n in range(50)
    ]

    # The "login" limit: 30 failures per address in 15 minutes, whatever the usernames.
    assert {r.status_code for r in responses[:30]} == {200}
    assert {r.status_code for r in responses[30:]} == {429}
    assert "Trop de tentatives" in responses[30].content.decode()
    client.post(LOGIN, {"username": EMAIL, "password": PASSWORD})
    assert not _logged_in(client)


def test_another_address_logs_in_while_one_is_stopped(client, voter, settings):
    settings.RATE_LIMITS = {"login": {"ip": (3, 900)}}
    for n in range(3):
        client.post(LOGIN, {"username": f"robot{n}@example.org", "password": "x"})

    client.post(LOGIN, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")

    assert _logged_in(client)


def test_successful_logins_from_one_address_are_not_counted(client, voter, settings):
    settings.RATE_LIMITS = {"login": {"ip": (2, 900)}}

    for _ in range(4):
        client.post(LOGIN, {"username": EMAIL, "password": PASSWORD})
        assert _logged_in(client)
        client.logout()


def test_a_stranger_failing_on_a_username_does_not_lock_its_owner_out(client, voter):
    for n in range(10):
        client.post(
            LOGIN, {"username": EMAIL, "password": "pas-le-bon"}, REMOTE_ADDR=f"198.51.100.{n % 2}"
        )

    # The owner, from their own address, still gets in: axes locks (username, address) pairs.
    client.post(LOGIN, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="192.0.2.50")

    assert _logged_in(client)

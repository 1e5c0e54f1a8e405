from __future__ import annotations

import html
import re
import time
from unittest import mock

import pytest
from django.test import Client

from tests.factories import make_authority, make_user
from tests.votes.factories import make_commune, make_voter
from votes.accounts.models import Profile
from votes.accounts.services import account_confirm_email, account_confirmation_token

pytestmark = pytest.mark.django_db

DAY = 24 * 3600
RESEND = "/compte/confirmer/renvoyer/"


@pytest.fixture
def commune():
    return make_commune(make_authority(), name="Amilly")


def _signed_days_ago(user, days: float) -> str:
    # signing stamps tokens with time.time(): move the clock back while signing.
    with mock.patch("django.core.signing.time.time", return_value=time.time() - days * DAY):
        return account_confirmation_token(user=user)


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_sends_a_link_that_confirms_the_address(client, commune, mailoutbox):
    client.post(
        "/compte/inscription/",
        {
            "email": "jeanne@example.org",
            "password": "un-mot-de-passe-solide-42",
            "pseudonym": "jeanne",
            "residence": str(commune.pk),
            "birth_year": "1990",
            "consent": "on",
        },
    )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Confirmez votre adresse e-mail"
    assert "Bonjour jeanne," in message.body
    link = _link(message)
    assert link.startswith("http://testserver/compte/confirmer/")
    assert Profile.objects.get().email_confirmed_at is None

    response = client.get(link.removeprefix("http://testserver"))

    assert response.status_code == 302
    assert response["Location"] == "/compte/mes-donnees/"
    assert Profile.objects.get().email_confirmed_at is not None


def test_the_link_works_without_being_logged_in(commune):
    user = make_voter(commune=commune, confirmed=False)
    token = account_confirmation_token(user=user)

    response = Client().get(f"/compte/confirmer/{token}/", follow=True)

    assert response.redirect_chain == [("/connexion/", 302)]
    assert "Merci : votre adresse e-mail est confirmée." in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.email_confirmed


def test_a_second_click_keeps_the_first_date(commune):
    user = make_voter(commune=commune, confirmed=False)
    token = account_confirmation_token(user=user)
    first = account_confirm_email(token=token).email_confirmed_at

    second = account_confirm_email(token=token).email_confirmed_at

    assert second == first


def test_a_link_signed_two_days_ago_still_works(client, commune):
    user = make_voter(commune=commune, confirmed=False)

    response = client.get(f"/compte/confirmer/{_signed_days_ago(user, 2)}/")

    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.email_confirmed


def test_an_expired_link_says_so_and_offers_a_new_one(client, commune):
    user = make_voter(commune=commune, confirmed=False)
    client.force_login(user)

    response = client.get(f"/compte/confirmer/{_signed_days_ago(user, 4)}/")

    content = response.content.decode()
    assert response.status_code == 400
    assert html.escape("Ce lien de confirmation a expiré (il est valable 3 jours).") in content
    assert f'action="{RESEND}"' in content
    user.profile.refresh_from_db()
    assert user.profile.email_confirmed_at is None


def test_an_expired_link_asks_an_anonymous_visitor_to_log_in_first(client, commune):
    user = make_voter(commune=commune, confirmed=False)

    response = client.get(f"/compte/confirmer/{_signed_days_ago(user, 4)}/")

    content = response.content.decode()
    assert "a expiré" in content
    assert "/connexion/?next=/compte/mes-donnees/" in content
    assert RESEND not in content


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "xyz", lambda t: "n-importe-quoi"])
def test_a_tampered_link_is_refused(client, commune, mangle):
    user = make_voter(commune=commune, confirmed=False)
    token = mangle(account_confirmation_token(user=user))

    response = client.get(f"/compte/confirmer/{token}/")

    assert response.status_code == 400
    assert (
        html.escape(
            "Ce lien de confirmation n'est pas valide : vérifiez qu'il a été copié en entier."
        )
        in response.content.decode()
    )
    user.profile.refresh_from_db()
    assert user.profile.email_confirmed_at is None


def test_a_link_for_a_former_address_is_refused(client, commune):
    user = make_voter(commune=commune, confirmed=False, email="ancienne@example.org")
    token = account_confirmation_token(user=user)
    user.email = "nouvelle@example.org"
    user.save()

    response = client.get(f"/compte/confirmer/{token}/")

    assert response.status_code == 400
    assert "ne correspond à aucun compte" in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.email_confirmed_at is None


def test_a_link_for_a_deleted_account_is_refused(client, commune):
    user = make_voter(commune=commune, confirmed=False)
    token = account_confirmation_token(user=user)
    user.delete()

    response = client.get(f"/compte/confirmer/{token}/")

    assert response.status_code == 400
    assert "ne correspond à aucun compte" in response.content.decode()


# --- resend ---------------------------------------------------------------------------------


def test_resend_sends_a_fresh_working_link(client, commune, mailoutbox):
    user = make_voter(commune=commune, confirmed=False, email="jeanne@example.org")
    client.force_login(user)

    response = client.post(RESEND, follow=True)

    assert "Un nouveau lien de confirmation vient d" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["jeanne@example.org"]]
    client.get(_link(mailoutbox[0]).removeprefix("http://testserver"))
    user.profile.refresh_from_db()
    assert user.profile.email_confirmed


def test_resend_does_nothing_for_a_confirmed_address(client, commune, mailoutbox):
    client.force_login(make_voter(commune=commune, confirmed=True))

    response = client.post(RESEND, follow=True)

    assert "Votre adresse e-mail est déjà confirmée." in response.content.decode()
    assert mailoutbox == []


def test_resend_does_nothing_for_a_team_account_without_profile(client, mailoutbox):
    client.force_login(make_user())

    response = client.post(RESEND, follow=True)

    assert "pas de profil citoyen à confirmer" in response.content.decode()
    assert mailoutbox == []


def test_resend_sends_an_anonymous_visitor_to_log_in(client, mailoutbox):
    response = client.post(RESEND)

    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={RESEND}"
    assert mailoutbox == []


def test_resend_only_answers_post(client, commune, mailoutbox):
    client.force_login(make_voter(commune=commune, confirmed=False))

    assert client.get(RESEND).status_code == 405
    assert mailoutbox == []

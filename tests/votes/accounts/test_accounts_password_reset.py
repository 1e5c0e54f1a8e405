from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from tests.factories import make_authority
from tests.votes.factories import make_commune, make_voter

pytestmark = pytest.mark.django_db

URL = "/compte/mot-de-passe/"
NEW_PASSWORD = "un-tout-nouveau-secret-77"


@pytest.fixture
def voter():
    return make_voter(
        commune=make_commune(make_authority()),
        username="jeanne@example.org",
        email="jeanne@example.org",
    )


def _reset_path(message) -> str:
    return re.search(r"http://testserver(/compte/mot-de-passe/\S+)", message.body).group(1)


def test_the_login_page_links_to_reset_and_to_sign_up(client):
    content = client.get("/connexion/").content.decode()

    assert f'href="{URL}"' in content
    assert 'href="/compte/inscription/"' in content


def test_the_form_is_in_french(client):
    content = client.get(URL).content.decode()

    assert "Mot de passe oublié" in content
    assert 'name="email"' in content


@pytest.mark.parametrize("typed", ["jeanne@example.org", "Jeanne@Example.ORG"])
def test_it_sends_a_reset_link_to_the_address(client, voter, mailoutbox, typed):
    response = client.post(URL, {"email": typed})

    assert response.status_code == 302
    assert response["Location"] == "/compte/mot-de-passe/envoye/"
    [message] = mailoutbox
    assert message.to == ["jeanne@example.org"]
    assert message.subject == "Choisir un nouveau mot de passe"
    assert _reset_path(message).startswith(URL)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, voter, mailoutbox):
    response = client.post(URL, {"email": "personne@example.org"}, follow=True)

    assert response.redirect_chain == [("/compte/mot-de-passe/envoye/", 302)]
    assert "Si un compte existe avec cette adresse" in response.content.decode()
    assert mailoutbox == []


def test_the_link_lets_the_citizen_choose_a_new_password(client, voter, mailoutbox):
    client.post(URL, {"email": "jeanne@example.org"})
    # Django swaps the token for a session marker and redirects to .../set-password/.
    form_page = client.get(_reset_path(mailoutbox[0]), follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()

    response = client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/compte/mot-de-passe/termine/"
    voter.refresh_from_db()
    assert voter.check_password(NEW_PASSWORD)
    assert (
        client.post(
            "/connexion/", {"username": "jeanne@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ("autre-chose-encore-88", "Les deux mots de passe ne correspondent pas."),
        (None, "Ce champ est obligatoire."),
    ],
)
def test_it_refuses_a_bad_new_password_and_keeps_the_old_one(
    client, voter, mailoutbox, second, message
):
    client.post(URL, {"email": "jeanne@example.org"})
    form_page = client.get(_reset_path(mailoutbox[0]), follow=True)
    data = {"new_password1": NEW_PASSWORD}
    if second is not None:
        data["new_password2"] = second

    response = client.post(form_page.request["PATH_INFO"], data)

    assert response.status_code == 200
    assert message in response.content.decode()
    voter.refresh_from_db()
    assert not voter.check_password(NEW_PASSWORD)
    assert voter.check_password("mot-de-passe-solide-42")


def test_a_weak_new_password_is_refused(client, voter, mailoutbox):
    client.post(URL, {"email": "jeanne@example.org"})
    form_page = client.get(_reset_path(mailoutbox[0]), follow=True)

    response = client.post(
        form_page.request["PATH_INFO"], {"new_password1": "azerty", "new_password2": "azerty"}
    )

    assert "Ce mot de passe est trop court." in response.content.decode()
    voter.refresh_from_db()
    assert voter.check_password("mot-de-passe-solide-42")


def test_a_broken_link_says_so(client, voter):
    response = client.get(f"{URL}MQ/pas-un-jeton/")

    content = response.content.decode()
    assert "Ce lien n'est plus valable" in content
    assert 'name="new_password1"' not in content
    assert User.objects.get(pk=voter.pk).check_password("mot-de-passe-solide-42")

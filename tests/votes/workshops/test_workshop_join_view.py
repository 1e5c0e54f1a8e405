"""/atelier/: a group joins with its code, without an account; one group per browser."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.workshops.services import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    setup = make_workshop_setup()
    make_group(setup, "Table 1", join_code="CANARD")
    make_group(setup, "Table 2", join_code="MARCHE")
    return setup


def body(response) -> str:
    return html.unescape(response.content.decode())


def test_the_page_asks_for_the_code_and_a_qr_code_fills_it_in(client, setup):
    response = client.get("/atelier/?code=CANARD")

    assert response.status_code == 200
    assert "Code de votre groupe" in body(response)
    assert 'value="CANARD"' in body(response)
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("typed", ["CANARD", "canard", " can ard ", "CAN-ARD"])
def test_the_right_code_opens_the_group_screen_whatever_the_case_or_spacing(client, setup, typed):
    response = client.post("/atelier/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == "/atelier/groupe/"
    screen = client.get("/atelier/groupe/")
    assert screen.status_code == 200
    assert "<h1>Table 1 : Choix de « Table 1 »</h1>" in body(screen)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("CAN", "Un code de groupe a 6 caractères (vous en avez saisi 3)."),
        ("CANAR0", "Les codes de groupe ne contiennent jamais « 0 »"),
        ("FACADE", "Aucun groupe n'a le code FACADE"),
    ],
)
def test_a_bad_code_says_why_and_joins_nothing(client, setup, typed, message):
    response = client.post("/atelier/", {"code": typed})

    assert response.status_code == 400
    assert message in body(response)
    assert SESSION_KEY not in client.session
    assert client.get("/atelier/groupe/")["Location"] == "/atelier/"


def test_without_a_code_the_group_screen_sends_back_to_the_join_page(client, setup):
    response = client.get("/atelier/groupe/", follow=True)

    assert response.redirect_chain == [("/atelier/", 302)]
    assert "Saisissez le code de votre groupe pour ouvrir son écran." in body(response)


def test_the_join_page_reminds_a_browser_of_its_group(client, setup):
    client.post("/atelier/", {"code": "CANARD"})

    response = client.get("/atelier/")

    assert "Cet appareil a rejoint le groupe « Table 1 »." in body(response)


def test_joining_another_group_leaves_the_first(client, setup):
    client.post("/atelier/", {"code": "CANARD"})
    client.post("/atelier/", {"code": "MARCHE"})

    screen = client.get("/atelier/groupe/")

    assert "<h1>Table 2 : Choix de « Table 2 »</h1>" in body(screen)


def test_leaving_the_group_forgets_it_in_this_browser_only(client, setup):
    other_tablet = Client()
    client.post("/atelier/", {"code": "CANARD"})
    other_tablet.post("/atelier/", {"code": "CANARD"})

    response = client.post("/atelier/quitter/")

    assert response["Location"] == "/atelier/"
    assert client.get("/atelier/groupe/").status_code == 302
    assert other_tablet.get("/atelier/groupe/").status_code == 200

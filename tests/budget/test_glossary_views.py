from __future__ import annotations

import re

import pytest

from budget.glossary.terms import lookup
from budget.models import GlossaryTerm
from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MANAGE = "/gestion/glossaire/"
ADD = "/gestion/glossaire/ajouter/"
EDIT = "/gestion/glossaire/{key}/modifier/"
DELETE = "/gestion/glossaire/{key}/supprimer/"
OUTSIDERS = [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)]
NEW = {"term": "FCTVA", "definition": "Fonds de compensation de la TVA.", "example": "16 %."}


@pytest.fixture
def team(client):
    client.force_login(make_user(roles=(FACILITATOR,)))
    return client


def text(response) -> str:
    return response.content.decode()


# --- the public page ---------------------------------------------------------------------


def test_the_public_page_lists_every_term_alphabetically_with_anchors(client):
    body = text(client.get("/glossaire/"))

    anchors = re.findall(r'<dt id="([^"]+)">', body)
    assert len(anchors) == GlossaryTerm.objects.count()
    for key in ("chapitre", "epargne-brute", "impact-induit", "capacite-de-desendettement"):
        assert f'<dt id="{key}"><a href="#{key}">' in body
    # Accents do not send "épargne" after "z".
    assert anchors.index("depense") < anchors.index("epargne-brute") < anchors.index("fonction")
    assert '<h2 id="lettre-E">E</h2>' in body and 'href="#lettre-E"' in body
    letters = re.findall(r'<h2 id="lettre-(.)">', body)
    assert letters == sorted(set(letters))
    # "€/habitant" is read "euros par habitant": filed under E, not after Z.
    assert body.index('id="lettre-E"') < body.index('id="euros-habitant"')
    assert body.index('id="euros-habitant"') < body.index('id="lettre-F"')
    assert "Exemple : RRF 10 M€ − DRF 9 M€" in body


def test_the_public_page_offers_editing_to_the_team_only(client):
    assert MANAGE not in text(client.get("/glossaire/"))
    client.force_login(make_user(roles=(FINANCE,)))
    assert MANAGE not in text(client.get("/glossaire/"))
    client.force_login(make_user(roles=(FACILITATOR,)))
    assert MANAGE in text(client.get("/glossaire/"))


def test_the_navigation_links_to_the_glossary(client):
    assert 'href="/glossaire/"' in text(client.get("/"))


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MANAGE, ADD, EDIT.format(key="chapitre")])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302 and response.url.startswith("/connexion/")


@pytest.mark.parametrize("roles", OUTSIDERS)
def test_other_roles_may_not_edit_the_glossary(client, roles):
    client.force_login(make_user(roles=roles))
    before = GlossaryTerm.objects.count()

    assert client.get(MANAGE).status_code == 403
    assert client.post(ADD, NEW).status_code == 403
    assert client.post(EDIT.format(key="chapitre"), NEW).status_code == 403
    assert client.post(DELETE.format(key="chapitre")).status_code == 403
    assert GlossaryTerm.objects.count() == before
    assert GlossaryTerm.objects.get(key="chapitre").term == "chapitre"


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_administrators_and_facilitators_see_the_list(client, role):
    client.force_login(make_user(roles=(role,)))

    body = text(client.get(MANAGE))

    assert 'href="/gestion/glossaire/epargne-brute/modifier/"' in body
    assert 'href="/gestion/glossaire/epargne-brute/supprimer/"' in body


def test_an_unknown_term_is_404(team):
    assert team.get(EDIT.format(key="licorne")).status_code == 404
    assert team.post(DELETE.format(key="licorne")).status_code == 404


# --- adding ---------------------------------------------------------------------------------


def test_a_term_is_added_with_a_key_made_from_its_words(team):
    response = team.post(ADD, {**NEW, "term": "  Fonds de compensation  TVA "}, follow=True)

    entry = GlossaryTerm.objects.get(key="fonds-de-compensation-tva")
    assert entry.term == "Fonds de compensation TVA"
    assert entry.definition == NEW["definition"] and entry.example == "16 %."
    assert "Terme « Fonds de compensation TVA » ajouté au glossaire." in text(response)
    assert lookup("fonds de compensation TVA")["definition"] == NEW["definition"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**NEW, "term": ""}, "Écrivez le terme à expliquer."),
        ({**NEW, "definition": "   "}, "Écrivez la définition du terme."),
        ({**NEW, "term": "€ / ?"}, "Le terme doit contenir au moins une lettre ou un chiffre."),
        ({**NEW, "term": "x" * 121}, "au plus 120 caractères"),
        (
            {**NEW, "term": "Épargne  BRUTE"},
            "Ce terme est déjà dans le glossaire : « épargne brute ».",
        ),
    ],
)
def test_a_bad_term_is_refused_with_a_message_and_nothing_written(team, data, message):
    before = GlossaryTerm.objects.count()

    response = team.post(ADD, data)

    assert response.status_code == 200
    assert message in text(response).replace("&#x27;", "'")
    assert GlossaryTerm.objects.count() == before


# --- editing --------------------------------------------------------------------------------


def test_an_edit_is_saved_and_shows_in_the_tooltips_at_once(team, client):
    response = team.post(
        EDIT.format(key="chapitre"),
        {"term": "chapitre", "definition": "Une définition revue.", "example": ""},
    )

    assert response.status_code == 302 and response.url == MANAGE
    entry = GlossaryTerm.objects.get(key="chapitre")
    assert entry.definition == "Une définition revue." and entry.example == ""
    assert lookup("chapitres")["definition"] == "Une définition revue."


def test_the_edit_form_is_filled_with_the_term(team):
    body = text(team.get(EDIT.format(key="impact-induit")))

    assert 'value="impact induit"' in body and "Effet d&#x27;une ligne sur une autre" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"term": "chapitre", "definition": ""}, "Écrivez la définition du terme."),
        ({"term": "Fonction", "definition": "Autre."}, "déjà dans le glossaire : « fonction »"),
    ],
)
def test_a_bad_edit_is_refused_with_a_message_and_nothing_written(team, data, message):
    before = GlossaryTerm.objects.get(key="chapitre")

    response = team.post(EDIT.format(key="chapitre"), data)

    assert response.status_code == 200 and message in text(response)
    after = GlossaryTerm.objects.get(key="chapitre")
    assert (after.term, after.definition) == (before.term, before.definition)


# --- deleting ---------------------------------------------------------------------------------


def test_deleting_asks_for_a_confirmation_first(team):
    body = text(team.get(DELETE.format(key="plancher")))

    assert "Oui, supprimer ce terme" in body
    assert GlossaryTerm.objects.filter(key="plancher").exists()


def test_a_confirmed_deletion_removes_the_term(team):
    response = team.post(DELETE.format(key="plancher"), follow=True)

    assert not GlossaryTerm.objects.filter(key="plancher").exists()
    assert "Terme « plancher » retiré du glossaire." in text(response)
    assert lookup("plancher") is None

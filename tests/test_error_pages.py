from __future__ import annotations

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_forbidden_page_is_french_and_inside_the_site(client):
    client.force_login(make_user())

    response = client.get("/gestion/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in body
    assert 'lang="fr"' in body
    assert '<main id="contenu"' in body


def test_a_missing_page_is_french_and_inside_the_site(client):
    response = client.get("/budgets/nulle-part/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in body
    assert '<main id="contenu"' in body

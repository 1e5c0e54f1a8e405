"""/gestion/collectivites/<slug>/territoire/ (upload) and /territoires/<slug>.geojson."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_authority, make_budget, make_user
from tests.territory_data import give_territory, territory_bytes

pytestmark = pytest.mark.django_db


def url(authority) -> str:
    return reverse("budget:backoffice_territory", kwargs={"slug": authority.slug})


def upload(data: bytes, name: str = "territoire.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/geo+json")


def test_anonymous_visitors_are_sent_to_log_in(client):
    authority = make_authority()

    response = client.get(url(authority))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (MODERATOR,), (FACILITATOR,), (OFFICER,)])
def test_roles_outside_the_back_office_get_403(client, roles):
    authority = make_authority()
    client.force_login(make_user(roles=roles))

    response = client.post(
        url(authority), {"file": upload(territory_bytes()), "name_property": "nom"}
    )

    authority.refresh_from_db()
    assert response.status_code == 403
    assert authority.territory is None


@pytest.mark.parametrize("role", [ADMINISTRATOR, FINANCE])
def test_the_back_office_uploads_a_territory(client, role):
    authority = make_authority()
    client.force_login(make_user(roles=(role,)))

    response = client.post(
        url(authority), {"file": upload(territory_bytes()), "name_property": "nom"}
    )

    authority.refresh_from_db()
    assert response.status_code == 302
    assert [f["properties"].get("name") for f in authority.territory["features"]] == [
        None,
        "Nord",
        "Sud",
    ]
    page = client.get(response["Location"])
    assert "Territoire de « " in page.content.decode()
    assert "2 quartier(s)" in page.content.decode()
    assert 'data-map="' in page.content.decode()


def test_a_bad_geojson_is_refused_with_its_problem_and_nothing_is_written(client):
    authority = give_territory(make_authority())
    kept = authority.territory
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    broken = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [2, 47]},
                }
            ],
        }
    ).encode()

    response = client.post(url(authority), {"file": upload(broken), "name_property": "nom"})

    authority.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fichier refusé" in body
    assert "Objet 1 : géométrie « Point »" in body
    assert "Rien n'a été enregistré" in body
    assert authority.territory == kept


def test_a_file_over_the_limit_is_refused_by_the_form(client, settings):
    settings.TERRITORY_MAX_BYTES = 50
    authority = make_authority()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post(
        url(authority), {"file": upload(territory_bytes()), "name_property": "nom"}
    )

    authority.refresh_from_db()
    assert "au-delà de la limite" in response.content.decode()
    assert authority.territory is None


def test_the_geojson_is_public_for_the_maps(client):
    authority = give_territory(make_authority())

    response = client.get(reverse("budget:territory", kwargs={"slug": authority.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response.json()["type"] == "FeatureCollection"


def test_an_authority_without_territory_has_no_geojson(client):
    authority = make_authority()

    response = client.get(reverse("budget:territory", kwargs={"slug": authority.slug}))

    assert response.status_code == 404


def test_the_back_office_index_links_to_each_territory(client):
    budget = make_budget()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    html = client.get(reverse("budget:backoffice")).content.decode()

    assert url(budget.authority) in html
    assert "Charger (GeoJSON)" in html

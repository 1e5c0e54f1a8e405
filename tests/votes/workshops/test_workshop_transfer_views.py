"""The export download and the import pages of a workshop held offline (views_transfer.py):
the one upload flow (validate → preview → confirm), and who may reach them."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.proposals.models import Proposal
from votes.workshops.models import Workshop, WorkshopGroup
from votes.workshops.transfer import workshop_export

pytestmark = pytest.mark.django_db
IMPORT = "/gestion/ateliers/importer/"
CONFIRM = "/gestion/ateliers/importer/confirmer/"


def body(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def setup():
    setup = make_workshop_setup()
    make_group(setup, "Table 1")
    return setup


def exported_and_removed(setup) -> bytes:
    """The file of a workshop held on another machine (removed here, so that the import
    brings it back)."""
    data = workshop_export(workshop=setup.workshop, by=setup.facilitator)
    scenarios = [group.scenario for group in setup.workshop.groups.all()]
    setup.workshop.delete()
    for scenario in scenarios:
        scenario.delete()
    return data


def upload(client, data: bytes, name: str = "atelier.json"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "application/json")})


def test_the_facilitator_downloads_the_workshop_file(client, setup):
    client.force_login(setup.facilitator)

    response = client.get(f"/gestion/ateliers/{setup.workshop.pk}/export.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="atelier-atelier-du')
    assert b'"format": "arbitrages-atelier"' in response.content


def test_the_setup_page_links_to_the_export(client, setup):
    client.force_login(setup.facilitator)

    response = client.get(f"/gestion/ateliers/{setup.workshop.pk}/")

    assert f"/gestion/ateliers/{setup.workshop.pk}/export.json" in body(response)


def test_validate_shows_what_would_be_imported_then_confirm_imports_it(client, setup):
    data = exported_and_removed(setup)
    client.force_login(setup.facilitator)

    response = upload(client, data)

    assert response.status_code == 200
    assert "Groupes : 1 à ajouter, 0 à mettre à jour" in body(response)
    assert not Workshop.objects.exists()

    token = client.session["workshop_transfer"]["token"]
    response = client.post(CONFIRM, {"token": token})

    workshop = Workshop.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/gestion/ateliers/{workshop.pk}/"
    )
    assert list(workshop.groups.values_list("name", flat=True)) == ["Table 1"]


def test_confirming_the_same_file_again_says_nothing_changed(client, setup):
    data = exported_and_removed(setup)
    client.force_login(setup.facilitator)
    for _round in range(2):
        upload(client, data)
        response = client.post(
            CONFIRM, {"token": client.session["workshop_transfer"]["token"]}, follow=True
        )

    assert "déjà importé : rien n'a changé" in body(response)
    assert Workshop.objects.count() == 1 and WorkshopGroup.objects.count() == 1


def test_a_bad_file_is_refused_in_place_with_its_reason_and_nothing_is_written(client, setup):
    client.force_login(setup.facilitator)
    before = (Workshop.objects.count(), WorkshopGroup.objects.count(), Proposal.objects.count())

    response = upload(client, b"not json at all")

    assert response.status_code == 400
    assert "Fichier refusé : 1 problème" in body(response)
    assert "JSON illisible" in body(response)
    assert "workshop_transfer" not in client.session
    assert (
        Workshop.objects.count(),
        WorkshopGroup.objects.count(),
        Proposal.objects.count(),
    ) == before


def test_a_file_over_the_size_limit_is_refused(client, setup, monkeypatch):
    monkeypatch.setattr("votes.workshops.views_transfer.MAX_BYTES", 10)
    client.force_login(setup.facilitator)

    response = upload(client, b'{"format": "arbitrages-atelier"}')

    assert response.status_code == 400
    assert "Le fichier dépasse 5 Mo." in body(response)


def test_a_confirmation_without_a_validated_file_is_sent_back(client, setup):
    client.force_login(setup.facilitator)

    response = client.post(CONFIRM, {"token": "x" * 32}, follow=True)

    assert "n'est plus disponible" in body(response)


@pytest.mark.parametrize("role", [None, INSTRUCTOR, FINANCE, MODERATOR, OFFICER])
def test_people_without_the_facilitator_role_cannot_import(client, setup, role):
    client.force_login(make_user(roles=(role,) if role else ()))

    assert client.get(IMPORT).status_code == 403
    assert upload(client, b"{}").status_code == 403
    assert client.post(CONFIRM, {"token": "x" * 32}).status_code == 403


@pytest.mark.parametrize("role", [None, INSTRUCTOR, FINANCE, MODERATOR, OFFICER, FACILITATOR])
def test_only_the_workshop_facilitator_or_an_administrator_downloads_it(client, setup, role):
    client.force_login(make_user(roles=(role,) if role else ()))

    response = client.get(f"/gestion/ateliers/{setup.workshop.pk}/export.json")

    assert response.status_code == 403


def test_an_administrator_downloads_any_workshop(client, setup):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(f"/gestion/ateliers/{setup.workshop.pk}/export.json").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, setup):
    for url in (IMPORT, f"/gestion/ateliers/{setup.workshop.pk}/export.json"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")

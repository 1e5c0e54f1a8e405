from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from simulator.models import Measure
from tests.factories import make_user
from tests.simulator.factories import pool_budget
from tests.simulator.test_catalogue import GOOD, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, settings):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)


def _upload(client, budget, data, name="mesures.xlsx"):
    return client.post(
        f"/gestion/budgets/{budget.slug}/mesures/",
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize("roles", [(), ("moderator",), ("instructor",), ("facilitator",)])
def test_only_finance_and_administrators_reach_the_catalogue(client, roles):
    budget, lines = pool_budget()
    client.force_login(make_user(roles=roles))

    for url in (
        f"/gestion/budgets/{budget.slug}/mesures/",
        f"/gestion/budgets/{budget.slug}/mesures.xlsx",
    ):
        assert client.get(url).status_code == 403
    assert _upload(client, budget, GOOD).status_code == 403
    assert Measure.objects.count() == 0


def test_anonymous_visitors_are_sent_to_login(client):
    budget, lines = pool_budget()

    response = client.get(f"/gestion/budgets/{budget.slug}/mesures/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_validate_then_confirm_imports_the_catalogue(client):
    budget, lines = pool_budget()
    client.force_login(make_user(roles=("finance",)))

    checked = _upload(client, budget, GOOD)

    assert "Classeur valide" in checked.content.decode()
    assert Measure.objects.count() == 0  # validation writes nothing
    token = client.session["simulator_catalogue_pending"]["token"]
    confirmed = client.post(f"/gestion/budgets/{budget.slug}/mesures/confirmer/", {"token": token})
    assert confirmed.status_code == 302
    assert sorted(Measure.objects.values_list("slug", flat=True)) == ["eclairage", "piscine-lundi"]
    page = client.get(f"/gestion/budgets/{budget.slug}/mesures/").content.decode()
    assert "Fermer la piscine le lundi" in page
    assert "2 mesures au catalogue" in page


def test_a_bad_workbook_shows_its_errors_and_writes_nothing(client):
    budget, lines = pool_budget()
    client.force_login(make_user(roles=("administrator",)))
    bad = workbook([["a", "A", "", ""]], [["a", "FD-9999", -1, None, 1, "oui", 1]])

    response = _upload(client, budget, bad)

    body = response.content.decode()
    assert "Fichier refusé" in body
    assert "n&#x27;est pas une ligne de ce budget" in body
    assert "simulator_catalogue_pending" not in client.session
    assert Measure.objects.count() == 0


def test_a_stale_token_is_refused(client):
    budget, lines = pool_budget()
    client.force_login(make_user(roles=("finance",)))

    response = client.post(
        f"/gestion/budgets/{budget.slug}/mesures/confirmer/", {"token": "x" * 32}, follow=True
    )

    assert "envoyez-le de nouveau" in response.content.decode()
    assert Measure.objects.count() == 0


def test_the_download_is_the_current_catalogue(client):
    budget, lines = pool_budget()
    client.force_login(make_user(roles=("finance",)))
    _upload(client, budget, GOOD)
    client.post(
        f"/gestion/budgets/{budget.slug}/mesures/confirmer/",
        {"token": client.session["simulator_catalogue_pending"]["token"]},
    )

    response = client.get(f"/gestion/budgets/{budget.slug}/mesures.xlsx")

    book = load_workbook(BytesIO(response.content))
    slugs = [row[0] for row in book["mesures"].iter_rows(min_row=2, values_only=True)]
    assert slugs == ["piscine-lundi", "eclairage"]

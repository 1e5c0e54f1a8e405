"""A workshop held offline, carried to the central server in a browser: the facilitator
downloads the file from the workshop's page, then sends it to the import page, sees what it
would change, confirms (axe and the Content-Security-Policy checked on each page)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PASSWORD, assert_accessible, log_in, submit, wait_until
from votes.workshops.models import Workshop, WorkshopGroup

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_facilitator_exports_a_workshop_and_imports_it_back(live_server, open_page, demo):
    base = live_server.url
    workshop = Workshop.objects.get(campaign=demo)
    page = open_page()
    log_in(
        page,
        base,
        f"/gestion/ateliers/{workshop.pk}/",
        username="animateur-demo",
        password=PASSWORD,
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter l'atelier (pour le serveur central)").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".json")

    # The same file sent back: the server already has everything, the preview says so.
    page.goto(base + "/gestion/ateliers/importer/")
    assert_accessible(page)
    page.locator("#id_file").set_input_files(path)
    page.get_by_role("button", name="Vérifier le fichier").click()
    wait_until(page, "document.body.innerText.includes('Fichier valide')")
    assert "déjà présent sur ce serveur" in page.locator("#import-zone").inner_text()
    assert_accessible(page)
    groups = WorkshopGroup.objects.count()

    submit(page, page.get_by_role("button", name="Confirmer l'enregistrement"))

    assert page.url == f"{base}/gestion/ateliers/{workshop.pk}/"
    assert "déjà importé : rien n'a changé" in page.locator(".message").first.inner_text()
    assert WorkshopGroup.objects.count() == groups

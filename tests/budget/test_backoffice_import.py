"""/gestion/import/: upload, validation report and preview, then confirmation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budget.imports import uploads
from budget.imports import views as backoffice
from budget.jobs.models import Job
from budget.models import Authority, Budget, BudgetLine
from budget.roles import ADMINISTRATOR, FINANCE
from tests.budget.files.bombs import MB, zip_bomb
from tests.budget.files.scdl import csv_bytes, row
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = "/gestion/import/"
CONFIRM_URL = "/gestion/import/confirmer/"


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, settings):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)


@pytest.fixture
def finance(client):
    client.force_login(make_user(roles=(FINANCE,)))
    return client


def upload(data: bytes, name: str = "bp2026.csv", **fields) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def good_file() -> bytes:
    return csv_bytes([row(contnat=str(60000 + i)) for i in range(25)], encoding="cp1252")


def nothing_written() -> bool:
    return not (
        Authority.objects.exists() or Budget.objects.exists() or BudgetLine.objects.exists()
    )


def test_urls_are_named():
    assert reverse("budget:backoffice_import") == URL
    assert reverse("budget:backoffice_import_confirm") == CONFIRM_URL


@pytest.mark.parametrize("method,url", [("get", URL), ("post", URL), ("post", CONFIRM_URL)])
def test_anonymous_users_are_sent_to_login(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method,url", [("get", URL), ("post", URL), ("post", CONFIRM_URL)])
def test_a_voter_without_role_gets_403(client, method, url):
    client.force_login(make_user())

    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("role", [ADMINISTRATOR, FINANCE])
def test_the_form_has_a_label_on_every_input(client, role):
    client.force_login(make_user(roles=(role,)))

    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    for name in ("file", "authority", "population", "debt_start"):
        assert f'<label for="id_{name}"' in body
    assert 'hx-encoding="multipart/form-data"' in body
    # Progress and the size check come from a static script (no inline script: the CSP).
    assert '<script src="/static/js/upload.js"></script>' in body
    assert 'data-max-bytes="20971520"' in body
    assert 'data-too-big="Ce fichier dépasse la taille maximale acceptée."' in body
    assert 'data-sent="Fichier envoyé ; vérification en cours…"' in body


def test_validate_then_confirm(finance):
    response = finance.post(
        URL, {"file": upload(good_file()), "population": "16000", "debt_start": "1 500 000,50"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "25 lignes, dont 25 nouvelles, 0 mises à jour, 0 supprimées." in body
    assert "Règles non rattachées : aucune." in body
    assert "La collectivité « Ville de Lorme » (SIREN 219300487) sera créée." in body
    assert "Aperçu des 20 premières lignes du fichier" in body
    assert "<td>60019</td>" in body and "<td>60020</td>" not in body
    assert nothing_written()
    token = finance.session[backoffice.IMPORT_KEY]["token"]
    assert f'value="{token}"' in body

    confirmed = finance.post(CONFIRM_URL, {"token": token})

    # The confirmation only enqueues (the immediate backend of the tests runs the task at
    # once) and sends to the page of the job, which shows the result.
    budget = Budget.objects.select_related("authority").get()
    job = Job.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == job.get_absolute_url()
    assert job.kind == Job.Kind.BUDGET_IMPORT and job.status == Job.Status.SUCCEEDED
    assert budget.lines.count() == 25
    assert budget.authority.population == 16000
    assert str(budget.debt_start) == "1500000.50"
    assert backoffice.IMPORT_KEY not in finance.session
    assert not list(uploads._pending_dir().glob("*.upload"))
    assert job.input_data is None  # the file is not kept once imported
    page = finance.get(job.get_absolute_url()).content.decode()
    assert "Budget importé : 25 lignes (25 nouvelles, 0 mises à jour, 0 supprimées)." in page
    assert f'href="{budget.get_absolute_url()}"' in page


def test_htmx_gets_the_partial_and_a_client_redirect_on_confirm(finance):
    response = finance.post(URL, {"file": upload(good_file())}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="import-zone"')
    token = finance.session[backoffice.IMPORT_KEY]["token"]

    confirmed = finance.post(CONFIRM_URL, {"token": token}, headers={"HX-Request": "true"})

    assert confirmed.status_code == 200
    assert confirmed["HX-Redirect"] == Job.objects.get().get_absolute_url()
    assert Budget.objects.count() == 1


def test_a_bad_file_shows_every_problem_and_offers_no_confirmation(finance):
    data = csv_bytes([row(mtprev="12a,5"), row(section="autre")])

    response = finance.post(URL, {"file": upload(data)})

    body = response.content.decode()
    assert "Fichier refusé : 2 problèmes" in body
    assert "Ligne 2, colonne BGT_MTPREV : « 12a,5 » n&#x27;est pas un montant." in body
    assert "Ligne 3, colonne BGT_SECTION" in body
    assert CONFIRM_URL not in body
    assert backoffice.IMPORT_KEY not in finance.session
    assert nothing_written()


def test_an_oversized_file_is_refused_by_the_form(finance, settings):
    settings.BUDGET_IMPORT_MAX_BYTES = 100
    data = good_file()

    response = finance.post(URL, {"file": upload(data)})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Le fichier pèse" in body and "au-delà de la limite de 100" in body
    assert backoffice.IMPORT_KEY not in finance.session
    assert nothing_written()


def test_a_confirmation_without_a_validated_file_is_refused(finance):
    response = finance.post(CONFIRM_URL, {"token": "x" * 32}, follow=True)

    assert (
        "Le fichier validé n&#x27;est plus disponible : envoyez-le de nouveau."
        in response.content.decode()
    )
    assert nothing_written()


def test_a_forged_token_cannot_reach_other_files(finance):
    finance.post(URL, {"file": upload(good_file())})

    response = finance.post(CONFIRM_URL, {"token": "../../etc/passwd"})

    assert response.status_code == 302
    assert nothing_written()


def test_stashed_files_are_private(finance):
    finance.post(URL, {"file": upload(good_file())})

    (stash,) = uploads._pending_dir().glob("*.upload")
    assert stash.stat().st_mode & 0o077 == 0
    assert uploads._pending_dir().stat().st_mode & 0o077 == 0


# --- files that would exhaust the server (budget/spreadsheets/limits.py) ------------------


def test_a_zip_bomb_is_refused_before_it_is_inflated_and_nothing_is_written(finance):
    bomb = zip_bomb([["BGT_NATDEC"], ["budget primitif"]], inflated=5 * MB)

    response = finance.post(URL, {"file": upload(bomb, "bp2026.xlsx")})

    body = response.content.decode()
    assert "Fichier refusé : 1 problème" in body
    assert "Le classeur se décompresse " in body
    assert "fois (limite : 100 fois) : ce n&#x27;est pas un tableur ordinaire" in body
    assert CONFIRM_URL not in body
    assert backoffice.IMPORT_KEY not in finance.session
    assert not list(uploads._pending_dir().glob("*.upload"))
    assert nothing_written()


def test_a_file_past_the_row_limit_is_refused_and_one_at_the_limit_is_accepted(finance, settings):
    settings.SPREADSHEET_MAX_ROWS = 25  # the header and 25 lines make 26

    response = finance.post(URL, {"file": upload(good_file())})

    body = response.content.decode()
    assert (
        "Le fichier dépasse la limite de 25 lignes : le fichier n&#x27;est pas lu. Découpez-le "
        "ou retirez les lignes inutiles (vides comprises)." in body
    )
    assert backoffice.IMPORT_KEY not in finance.session
    assert nothing_written()

    settings.SPREADSHEET_MAX_ROWS = 26
    accepted = finance.post(URL, {"file": upload(good_file())}).content.decode()
    assert "25 lignes, dont 25 nouvelles" in accepted


def test_a_file_past_the_column_limit_is_refused_and_one_at_the_limit_is_accepted(
    finance, settings
):
    settings.SPREADSHEET_MAX_COLUMNS = len(row()) - 1

    response = finance.post(URL, {"file": upload(good_file())})

    body = response.content.decode()
    assert (
        "Ligne 1 : Le fichier compte 16 colonnes, au-delà de la limite de 15 : le fichier "
        "n&#x27;est pas lu. Retirez les colonnes inutiles (vides comprises)." in body
    )
    assert backoffice.IMPORT_KEY not in finance.session
    assert nothing_written()

    settings.SPREADSHEET_MAX_COLUMNS = len(row())
    accepted = finance.post(URL, {"file": upload(good_file())}).content.decode()
    assert "25 lignes, dont 25 nouvelles" in accepted

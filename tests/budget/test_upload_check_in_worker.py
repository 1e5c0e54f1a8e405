"""A large upload is checked by the worker (budget/imports/checks.py): the request stores it and
enqueues the check; the job page leads back to the import page, which shows the same preview
and confirmation, or the same row errors, as a check made in the request. Nothing is written.

In tests the task runs at once (immediate backend); UPLOAD_CHECK_IN_REQUEST_MAX_BYTES is made
small so that a small file counts as large.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budget.imports import checks, uploads
from budget.imports import views as backoffice
from budget.jobs.models import Job
from budget.models import Authority, Budget, BudgetLine
from budget.roles import FINANCE
from tests.budget.files.scdl import csv_bytes, row
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = "/gestion/import/"
CONFIRM_URL = "/gestion/import/confirmer/"


@pytest.fixture(autouse=True)
def _large_from_100_bytes(tmp_path, settings):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)
    settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = 100


@pytest.fixture
def finance(client):
    client.force_login(make_user(roles=(FINANCE,)))
    return client


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bp2026.csv", data, content_type="text/csv")


def good_file() -> bytes:
    return csv_bytes([row(contnat=str(60000 + i)) for i in range(25)], encoding="cp1252")


def nothing_written() -> bool:
    return not (
        Authority.objects.exists() or Budget.objects.exists() or BudgetLine.objects.exists()
    )


def checked(job: Job) -> str:
    return f"{URL}?verification={job.pk}"


def test_a_large_file_is_checked_by_a_job_whose_page_leads_to_the_preview(finance):
    response = finance.post(URL, {"file": upload(good_file()), "population": "16000"})

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status) == (Job.Kind.UPLOAD_CHECK, Job.Status.SUCCEEDED)
    assert nothing_written()
    assert backoffice.IMPORT_KEY not in finance.session  # nothing to confirm before the check
    page = finance.get(job.get_absolute_url()).content.decode()
    assert "Le fichier est valide : rien n&#x27;a encore été enregistré." in page
    assert f'href="{checked(job)}"' in page.replace("&amp;", "&")
    assert "Télécharger" not in page  # the kept report is no file to download
    assert finance.get(reverse("budget:job_file", kwargs={"pk": job.pk})).status_code == 404

    preview = finance.get(checked(job)).content.decode()

    assert "25 lignes, dont 25 nouvelles, 0 mises à jour, 0 supprimées." in preview
    assert "Aperçu des 20 premières lignes du fichier" in preview
    token = finance.session[backoffice.IMPORT_KEY]["token"]
    assert f'value="{token}"' in preview
    assert nothing_written()


def test_the_preview_of_a_checked_file_is_confirmed_like_any_other(finance):
    finance.post(URL, {"file": upload(good_file()), "population": "16000"})
    check = Job.objects.get()
    finance.get(checked(check))
    token = finance.session[backoffice.IMPORT_KEY]["token"]

    confirmed = finance.post(CONFIRM_URL, {"token": token})

    job = Job.objects.get(kind=Job.Kind.BUDGET_IMPORT)
    assert confirmed["Location"] == job.get_absolute_url()
    budget = Budget.objects.select_related("authority").get()
    assert budget.lines.count() == 25
    assert budget.authority.population == 16000
    assert not list(uploads._pending_dir().glob("*.upload"))


def test_a_checked_file_is_confirmed_once(finance):
    finance.post(URL, {"file": upload(good_file())})
    check = Job.objects.get()
    finance.get(checked(check))
    finance.post(CONFIRM_URL, {"token": finance.session[backoffice.IMPORT_KEY]["token"]})

    again = finance.get(checked(check), follow=True).content.decode()

    assert "Le fichier vérifié n&#x27;est plus disponible : envoyez-le de nouveau." in again
    assert CONFIRM_URL not in again
    assert Job.objects.filter(kind=Job.Kind.BUDGET_IMPORT).count() == 1


def test_a_large_bad_file_shows_its_row_errors_and_writes_nothing(finance):
    data = csv_bytes([row(mtprev="12a,5"), row(section="autre")] + [row()] * 3)

    finance.post(URL, {"file": upload(data)})

    job = Job.objects.get()
    page = finance.get(job.get_absolute_url()).content.decode()
    assert "Le fichier a 2 problèmes : rien n&#x27;a été enregistré." in page
    assert "Voir les problèmes du fichier" in page
    body = finance.get(checked(job)).content.decode()
    assert "Fichier refusé : 2 problèmes" in body
    assert "Ligne 2, colonne BGT_MTPREV : « 12a,5 » n&#x27;est pas un montant." in body
    assert CONFIRM_URL not in body
    assert backoffice.IMPORT_KEY not in finance.session
    assert not list(uploads._pending_dir().glob("*.upload"))
    assert nothing_written()


def test_htmx_is_sent_to_the_job_page(finance):
    response = finance.post(URL, {"file": upload(good_file())}, headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == Job.objects.get().get_absolute_url()


def test_the_check_reports_its_steps_as_it_goes(finance, monkeypatch):
    steps = []
    real = checks.job_progress

    def spy(*, job, step, done=0, total=0):
        steps.append(step)
        real(job=job, step=step, done=done, total=total)

    monkeypatch.setattr(checks, "job_progress", spy)

    finance.post(URL, {"file": upload(good_file())})

    assert list(dict.fromkeys(steps)) == [
        "Lecture du fichier",
        "Vérification des lignes",
        "Essai d'enregistrement des lignes (annulé ensuite : rien n'est gardé)",
    ]


def test_someone_else_cannot_open_the_check_of_a_file(client, finance):
    finance.post(URL, {"file": upload(good_file())})
    job = Job.objects.get()
    client.force_login(make_user(roles=(FINANCE,)))

    body = client.get(checked(job)).content.decode()

    assert "25 lignes" not in body
    assert backoffice.IMPORT_KEY not in client.session
    assert client.get(job.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("value", ["pas-un-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_check_shows_the_empty_page(finance, value):
    response = finance.get(f"{URL}?verification={value}")

    assert response.status_code == 200
    assert backoffice.IMPORT_KEY not in finance.session


def test_a_small_file_is_still_checked_in_the_request(finance, settings):
    settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = 256 * 1024

    response = finance.post(URL, {"file": upload(good_file())})

    assert response.status_code == 200
    assert "25 lignes, dont 25 nouvelles" in response.content.decode()
    assert not Job.objects.exists()


def test_a_dry_run_made_in_a_view_cannot_go_to_the_worker(finance, rf):
    request = rf.post(URL)
    request.session = finance.session
    request.user = make_user()

    with pytest.raises(TypeError, match="module-level"):
        uploads.validate_upload(
            request, key="k", data=b"x" * 200, dry_run=lambda data, **details: None
        )
    assert not Job.objects.exists()

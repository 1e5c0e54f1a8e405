"""/gestion/budgets/<slug>/parametres…: download the workbook, upload it, confirm."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from budget.imports import views as backoffice
from budget.imports.params import XLSX_TYPE
from budget.jobs.models import Job
from budget.models import ImpactRule
from budget.roles import ADMINISTRATOR, FINANCE
from tests.factories import make_budget, make_line, make_rule, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, settings):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)


@pytest.fixture
def budget():
    budget = make_budget(slug="lorme-2026-bp")
    staff = make_line(budget, account="64111", chapter="012")
    pool = make_line(budget, account="7066", chapter="70", direction="recette")
    make_rule(staff, pool, coefficient=Decimal("-0.5"))
    return budget


def urls(budget):
    return {
        "download": reverse("budget:backoffice_params_download", kwargs={"slug": budget.slug}),
        "upload": reverse("budget:backoffice_params", kwargs={"slug": budget.slug}),
        "confirm": reverse("budget:backoffice_params_confirm", kwargs={"slug": budget.slug}),
    }


def xlsx(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("parametres.xlsx", data, content_type=XLSX_TYPE)


def edited(data: bytes, adjustable: str) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book["lignes"]["D2"] = adjustable
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["download", "upload", "confirm"])
def test_anonymous_users_are_sent_to_login(client, budget, name):
    method = client.post if name == "confirm" else client.get

    response = method(urls(budget)[name])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["download", "upload", "confirm"])
def test_a_voter_without_role_gets_403(client, budget, name):
    client.force_login(make_user())
    method = client.post if name == "confirm" else client.get

    assert method(urls(budget)[name]).status_code == 403


@pytest.mark.parametrize("role", [ADMINISTRATOR, FINANCE])
def test_the_download_is_the_prefilled_workbook(client, budget, role):
    client.force_login(make_user(roles=(role,)))

    response = client.get(urls(budget)["download"])

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="parametres-lorme-2026-bp.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book["impacts"]["A2"].value == "FD-64111"


def test_upload_validate_then_confirm(client, budget):
    client.force_login(make_user(roles=(FINANCE,)))
    data = edited(client.get(urls(budget)["download"]).content, "non")
    rule = ImpactRule.objects.get()

    page = client.get(urls(budget)["upload"])
    assert page.status_code == 200
    assert '<label for="id_file"' in page.content.decode()

    response = client.post(urls(budget)["upload"], {"file": xlsx(data)})

    body = response.content.decode()
    assert "1 lignes modifiées ; 1 règles d'impact remplaceront les 1 règles actuelles." in body
    assert budget.lines.get(code="FD-64111").adjustable is True
    assert ImpactRule.objects.get() == rule
    token = client.session[backoffice.PARAMS_KEY]["token"]

    confirmed = client.post(urls(budget)["confirm"], {"token": token})

    assert confirmed.status_code == 302
    assert budget.lines.get(code="FD-64111").adjustable is False
    assert ImpactRule.objects.count() == 1
    assert backoffice.PARAMS_KEY not in client.session


def test_a_bad_workbook_lists_its_problems_and_writes_nothing(client, budget):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    data = edited(client.get(urls(budget)["download"]).content, "peut-être")

    response = client.post(
        urls(budget)["upload"], {"file": xlsx(data)}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert "<html" not in body
    assert "Ligne 2, colonne lignes.ajustable : « peut-être » : répondez oui ou non." in body
    assert urls(budget)["confirm"] not in body
    assert budget.lines.get(code="FD-64111").adjustable is True


def test_an_oversized_workbook_is_refused_by_the_form(client, budget, settings):
    client.force_login(make_user(roles=(FINANCE,)))
    settings.BUDGET_IMPORT_MAX_BYTES = 100

    response = client.post(urls(budget)["upload"], {"file": xlsx(b"x" * 200)})

    assert "au-delà de la limite de 100" in response.content.decode()
    assert backoffice.PARAMS_KEY not in client.session


def test_a_token_validated_for_another_budget_is_refused(client, budget):
    client.force_login(make_user(roles=(FINANCE,)))
    other = make_budget(slug="autre-2026-bp")
    make_line(other, account="64111", chapter="012")
    data = edited(client.get(urls(budget)["download"]).content, "non")
    client.post(urls(budget)["upload"], {"file": xlsx(data)})
    token = client.session[backoffice.PARAMS_KEY]["token"]

    response = client.post(urls(other)["confirm"], {"token": token}, follow=True)

    assert "Le classeur validé n&#x27;est plus disponible" in response.content.decode()
    assert other.lines.get().adjustable is True
    assert budget.lines.get(code="FD-64111").adjustable is True


def test_a_large_workbook_is_checked_by_the_worker_then_confirmed_from_the_page(
    client, budget, settings
):
    settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = 100
    client.force_login(make_user(roles=(FINANCE,)))
    data = edited(client.get(urls(budget)["download"]).content, "non")

    response = client.post(urls(budget)["upload"], {"file": xlsx(data)})

    job = Job.objects.get(kind=Job.Kind.UPLOAD_CHECK)
    assert response["Location"] == job.get_absolute_url()
    assert budget.lines.get(code="FD-64111").adjustable is True
    body = client.get(f"{urls(budget)['upload']}?verification={job.pk}").content.decode()
    assert "1 lignes modifiées ; 1 règles d'impact remplaceront les 1 règles actuelles." in body
    token = client.session[backoffice.PARAMS_KEY]["token"]
    client.post(urls(budget)["confirm"], {"token": token})
    assert budget.lines.get(code="FD-64111").adjustable is False


def test_a_check_made_for_another_budget_is_not_shown_here(client, budget, settings):
    settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = 100
    client.force_login(make_user(roles=(FINANCE,)))
    data = edited(client.get(urls(budget)["download"]).content, "non")
    client.post(urls(budget)["upload"], {"file": xlsx(data)})
    job = Job.objects.get(kind=Job.Kind.UPLOAD_CHECK)
    other = make_budget(slug="autre-2026-bp")

    body = client.get(f"{urls(other)['upload']}?verification={job.pk}").content.decode()

    assert "règles d'impact remplaceront" not in body
    assert backoffice.PARAMS_KEY not in client.session

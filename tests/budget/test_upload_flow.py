"""The one upload flow of the import pages: validate, preview, confirm once."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from budget.imports import uploads
from budget.imports import views as backoffice
from budget.models import Budget, BudgetLine
from budget.roles import FINANCE
from tests.budget.files.scdl import csv_bytes, row
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = "/gestion/import/"
CONFIRM_URL = "/gestion/import/confirmer/"
GONE = "Le fichier validé n&#x27;est plus disponible : envoyez-le de nouveau."


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, settings):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)


@pytest.fixture
def finance(client):
    client.force_login(make_user(roles=(FINANCE,)))
    return client


def validate(client) -> str:
    data = csv_bytes([row(contnat=str(60000 + i)) for i in range(3)])
    response = client.post(URL, {"file": SimpleUploadedFile("bp.csv", data)})
    assert "Fichier valide : vérifiez puis confirmez" in response.content.decode()
    return client.session[backoffice.IMPORT_KEY]["token"]


def test_nothing_is_written_before_the_confirmation(finance):
    validate(finance)
    assert not Budget.objects.exists()
    assert len(list(uploads._pending_dir().glob("*.upload"))) == 1

    finance.post(CONFIRM_URL, {"token": finance.session[backoffice.IMPORT_KEY]["token"]})

    assert BudgetLine.objects.count() == 3


def test_a_second_confirmation_says_the_file_is_gone_and_writes_nothing_more(finance):
    token = validate(finance)
    finance.post(CONFIRM_URL, {"token": token})
    BudgetLine.objects.first().delete()  # a second import would bring it back

    again = finance.post(CONFIRM_URL, {"token": token}, follow=True)

    assert GONE in again.content.decode()
    assert again.redirect_chain[-1][0] == URL
    assert BudgetLine.objects.count() == 2


def test_an_expired_pending_file_says_so(finance):
    token = validate(finance)
    (path,) = uploads._pending_dir().glob("*.upload")
    old = time.time() - uploads.PENDING_MAX_AGE - 60
    os.utime(path, (old, old))
    uploads.stash(b"another user's file")  # each new upload clears expired ones

    response = finance.post(CONFIRM_URL, {"token": token}, follow=True)

    assert GONE in response.content.decode()
    assert not Budget.objects.exists()


def test_a_new_validation_replaces_the_file_waiting(finance):
    first = validate(finance)
    second = validate(finance)
    assert first != second
    assert [path.stem for path in uploads._pending_dir().glob("*.upload")] == [second]


@dataclass
class Report:
    ok: bool


def request_with_session(token: str = ""):
    request = RequestFactory().post("/", {"token": token} if token else {})
    request.session = SessionStore()
    request.htmx = False
    return request


def test_only_a_valid_file_waits_and_details_must_match_on_confirmation():
    request = request_with_session()
    seen = []

    refused = uploads.validate_upload(
        request, key="k", data=b"bad", dry_run=lambda data, **details: Report(ok=False), budget=1
    )
    assert not refused.ok and "k" not in request.session

    uploads.validate_upload(
        request,
        key="k",
        data=b"good",
        dry_run=lambda data, **details: seen.append((data, details)) or Report(ok=True),
        budget=1,
    )
    # The dry run gets the details, as the worker gives them for a large file.
    assert seen == [(b"good", {"budget": 1})]
    token = request.session["k"]["token"]

    confirming = request_with_session(token)
    confirming.session = request.session
    assert uploads.take_upload(confirming, key="k", budget=2) is None
    pending, data = uploads.take_upload(confirming, key="k", budget=1)
    assert (pending["budget"], data) == (1, b"good")
    assert uploads.take_upload(confirming, key="k", budget=1) is None


def test_upload_gone_redirects_with_its_message():
    request = request_with_session()
    request._messages = FallbackStorage(request)
    response = uploads.upload_gone(request, "/ici/", "Parti.")
    assert response.status_code == 302 and response["Location"] == "/ici/"
    assert [str(message) for message in request._messages] == ["Parti."]

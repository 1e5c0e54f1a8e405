"""The one upload flow of the import pages: validate → preview with the errors → confirm.

`validate_upload` runs the import as a dry run (nothing written) and, when the file is fine,
keeps it in a private directory (UPLOADS_PENDING_DIR), referenced from the session by a random
token, so that the user does not upload it twice. A file larger than
UPLOAD_CHECK_IN_REQUEST_MAX_BYTES is checked by the worker instead (budget/imports/checks.py):
the request stores it and answers with the page of the check's job, which leads back to the
import page with `?verification=<job>`, where `checked_upload` shows the same preview and
confirmation (or the same row errors) as a check made in the request.

`take_upload` hands the file back once, on confirmation; `upload_gone` answers a
confirmation whose file is no longer there (already confirmed, expired after PENDING_MAX_AGE,
or validated for another object). Pages render their zone with `zone_template` and
templates/budget/backoffice/_upload_zone.html.

Imports without preview (council answers, instruction sheet) write at once through
`import_at_once` and templates/budget/backoffice/_direct_upload_zone.html.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from budget.imports.checks import checked_report, upload_check_task
from budget.jobs.models import Job
from budget.jobs.services import job_submit

PENDING_MAX_AGE = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_UUID_RE = re.compile(r"^[0-9a-fA-F-]{32,36}$")


class Report(Protocol):
    @property
    def ok(self) -> bool: ...


def _pending_dir() -> Path:
    # Several application servers need a shared directory: UPLOADS_PENDING_DIR.
    directory = Path(getattr(settings, "UPLOADS_PENDING_DIR", "") or tempfile.gettempdir())
    directory = directory / "arbitrages-uploads"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


def stash(data: bytes) -> str:
    directory = _pending_dir()
    # Files of abandoned validations go after a day.
    limit = time.time() - PENDING_MAX_AGE
    for old in directory.glob("*.upload"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except FileNotFoundError:
            pass
    token = secrets.token_urlsafe(24)
    target = directory / f"{token}.upload"
    target.touch(mode=0o600)
    target.write_bytes(data)
    return token


def _stash_path(token: object) -> Path | None:
    # The token comes back from the browser: only our own random names are accepted.
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return None
    return _pending_dir() / f"{token}.upload"


def pending_upload(
    request: HttpRequest, key: str, posted_token: str | None
) -> tuple[dict, bytes] | None:
    pending = request.session.get(key)
    if not pending or pending.get("token") != posted_token:
        return None
    stash = _stash_path(posted_token)
    if stash is None or not stash.exists():
        return None
    return pending, stash.read_bytes()


def discard_upload(request: HttpRequest, key: str) -> None:
    pending = request.session.pop(key, None)
    if pending:
        path = _stash_path(pending.get("token"))
        if path is not None:
            path.unlink(missing_ok=True)


def go(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# --- the flow ------------------------------------------------------------------------------


def validate_upload[R: Report](
    request: HttpRequest,
    *,
    key: str,
    data: bytes,
    dry_run: Callable[..., R],
    page: str | None = None,
    **details,
) -> R | HttpResponse:
    """Check the file without writing; a valid one waits under `key` with `details`.

    `details` (JSON-serialisable) is what the confirmation needs besides the file: the
    options chosen in the form, the object the file was validated for. `dry_run(data,
    **details)` is a module-level function (the worker imports it by its dotted path).

    A large file is checked by the worker: the answer is then a redirect to the check's job
    page, which leads back to `page` (the import page: the current path by default).
    """
    discard_upload(request, key)
    if len(data) > settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES:
        return _check_in_worker(
            request, key=key, data=data, dry_run=dry_run, page=page or request.path, **details
        )
    report = dry_run(data, **details)
    if report.ok:
        request.session[key] = {"token": stash(data), **details}
    return report


def _check_in_worker(
    request: HttpRequest, *, key: str, data: bytes, dry_run: Callable, page: str, **details
) -> HttpResponse:
    path = f"{dry_run.__module__}.{dry_run.__qualname__}"
    if "<" in path:
        raise TypeError("validate_upload needs a module-level dry_run function, not " + path)
    # The web servers share UPLOADS_PENDING_DIR, the worker may not: the worker reads the
    # file from the job, and the confirmation takes it from the stash, as after any check.
    token = stash(data)
    job = job_submit(
        kind=Job.Kind.UPLOAD_CHECK,
        owner=request.user,
        task_path=upload_check_task.module_path,
        params={"check": path, "key": key, "details": details, "page": page, "token": token},
        input_data=data,
    )
    return go(request, job.get_absolute_url())


def checked_upload(request: HttpRequest, *, key: str, **expected) -> Report | None:
    """The report of a check made by the worker, for the import page it led back to.

    Only its owner's, finished, for this import (`key`) and these `expected` details; a valid
    file then waits for confirmation under `key` exactly as after a check in the request.
    """
    job_id = request.GET.get("verification", "")
    if not _UUID_RE.match(job_id) or not request.user.is_authenticated:
        return None
    job = (
        Job.objects.filter(
            pk=job_id,
            kind=Job.Kind.UPLOAD_CHECK,
            status=Job.Status.SUCCEEDED,
            owner=request.user,
            result_data__isnull=False,
        )
        .defer("input_data")
        .first()
    )
    if job is None or job.params.get("key") != key:
        return None
    details = job.params.get("details", {})
    if any(details.get(name) != value for name, value in expected.items()):
        return None
    report = checked_report(job)
    token = job.params.get("token")
    stashed = _stash_path(token)
    if report.ok and stashed is not None and stashed.exists():
        if (request.session.get(key) or {}).get("token") != token:
            discard_upload(request, key)
            request.session[key] = {"token": token, **details}
    elif report.ok:
        messages.error(
            request, _("Le fichier vérifié n'est plus disponible : envoyez-le de nouveau.")
        )
        return None
    elif stashed is not None:
        stashed.unlink(missing_ok=True)
    return report


def take_upload(request: HttpRequest, *, key: str, **expected) -> tuple[dict, bytes] | None:
    """The validated file and its details, once; None when there is none to confirm.

    `expected` details must match (a file validated for one budget is not confirmed for
    another). The file is discarded as it is taken: a second confirmation finds nothing.
    """
    found = pending_upload(request, key, request.POST.get("token"))
    if found is None or any(found[0].get(name) != value for name, value in expected.items()):
        return None
    discard_upload(request, key)
    return found


def upload_gone(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.error(request, message)
    return go(request, url)


def import_at_once[R: Report](form: forms.Form, run: Callable[[bytes], R]) -> R | None:
    """The imports without preview: the service reads and writes the file, all or nothing.

    A refusal of the whole request (a phase closed, a frozen campaign) goes onto the form:
    on its field when the form has one, else above it. None when the form refused the file.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return run(form.cleaned_data["file"].read())
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for item in errors:
                    form.add_error(name if name in form.fields else None, item)
        else:
            form.add_error(None, error)
        return None


def zone_template(request: HttpRequest, template_name: str) -> str:
    """The page, or only its import zone for htmx (the `zone` partial of every import page)."""
    return template_name + "#zone" if request.htmx else template_name

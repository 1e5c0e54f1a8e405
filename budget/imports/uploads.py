"""Uploaded files waiting for the user's confirmation (validate first, then confirm).

The file waits in a private temporary directory, referenced from the session by a random
token, so that the user does not upload it twice. Used by every back-office import page.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

PENDING_MAX_AGE = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


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

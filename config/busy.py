"""A database too busy to take a write in time answers 503 « réessayez », never a 500.

SQLite has one writer at a time: with BEGIN IMMEDIATE and a busy timeout (config/settings.py)
writers queue, and the one still waiting after the timeout raises OperationalError « database
is locked ». PostgreSQL raises the same kind of error when a lock or statement timeout is set
and reached. Either way nothing was written (the transaction is rolled back): the person only
has to send again, which Retry-After says to programs and the page says to people.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2
# SQLite's « database is locked » and « database table is locked », PostgreSQL's
# lock_timeout (« canceling statement due to lock timeout »).
_BUSY_MESSAGES = ("database is locked", "database table is locked", "lock timeout")


def is_busy(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and any(
        message in str(error).lower() for message in _BUSY_MESSAGES
    )


def busy_response(request: HttpRequest) -> HttpResponse:
    response = render(request, "busy.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never kept by a cache: the next try must reach the server.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("database busy, answered 503: %s %s", request.method, request.path)
        return busy_response(request)

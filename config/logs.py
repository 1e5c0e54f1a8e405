"""Structured logs: a request id for every request, and JSON lines in production.

Every record gets `request_id` and `user` (an id, or "anonymous") from the request being
served, through a context variable set by RequestIdMiddleware; outside a request (commands,
tasks) both are "-". Events add their own fields with `extra=` (event, campaign…), never an
e-mail, a name or an address in clear (votes/ratelimits.py hashes addresses).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# An id from the load balancer is kept if it is short and plain (it goes into every line).
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_current: ContextVar[HttpRequest | None] = ContextVar("arbitrages_request", default=None)

# Attributes every LogRecord has: whatever else a record carries came from `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class RequestIdMiddleware:
    """Takes the X-Request-ID the load balancer sent, or makes one, and sends it back."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request.request_id = given if _ACCEPTED.match(given) else uuid.uuid4().hex
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


def _user(request: HttpRequest | None) -> str:
    try:
        user = getattr(request, "user", None) if request is not None else None
        if user is None:
            return "-"
        return str(user.pk) if user.is_authenticated else "anonymous"
    except Exception:  # the session's database gone: the line must still be written
        return "-"


class RequestContextFilter(logging.Filter):
    """Adds request_id and user to every record (set on the handler, so every logger has them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx once the middlewares are done, but hands the request over.
        request = getattr(record, "request", None) or _current.get()
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", "-")
        if not hasattr(record, "user"):
            record.user = _user(request)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context and the extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # The request object that django.request adds to its records is not data to keep.
        line.pop("request", None)
        return json.dumps(line, ensure_ascii=False, default=str)

"""The events worth a log line (vote recorded, phase changed, import confirmed…).

An event inside a transaction is written when the transaction commits: a rolled-back vote
leaves no "vote recorded" line. Fields are ids, slugs and counts, never personal data; the
request id and the user id come from config/logs.py.
"""

from __future__ import annotations

import logging

from django.db import transaction

# A field named like a LogRecord attribute ("created", "name"…) would make logging raise,
# after the commit: refused at once instead, while the transaction can still roll back.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def log_event(logger: logging.Logger, event: str, **fields: object) -> None:
    clashes = _RESERVED.intersection(fields)
    if clashes:
        raise ValueError(f"log fields clash with LogRecord attributes: {sorted(clashes)}")
    transaction.on_commit(lambda: logger.info(event, extra={"event": event, **fields}))

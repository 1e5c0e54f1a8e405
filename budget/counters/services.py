"""Atomic counters (budget/counters/models.py): add one and read the result in one statement.

The rate limits of votes/ratelimits.py count here when no Redis is configured, so that N
simultaneous attempts beyond a limit let exactly the limit through.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from budget.counters.models import Counter


def _table() -> tuple[str, str, str, str]:
    quote = connection.ops.quote_name
    fields = {field.name: field.column for field in Counter._meta.fields}
    return (
        quote(Counter._meta.db_table),
        quote(fields["key"]),
        quote(fields["count"]),
        quote(fields["expires_at"]),
    )


def counter_add(*, key: str, expires_at: dt.datetime, amount: int = 1) -> int:
    """Add `amount` to the counter `key` (created at `amount`) and return its new value.

    Race: a read-then-write (DatabaseCache.incr, or get then save) lets two simultaneous
    requests read the same value and write the same next one. One INSERT … ON CONFLICT DO
    UPDATE … RETURNING is atomic: PostgreSQL locks the row (a second insert of a new key waits
    for the first, then updates it) and SQLite runs one writer at a time. Both support it
    (SQLite from 3.35).
    """
    table, key_column, count_column, expires_column = _table()
    sql = (
        f"INSERT INTO {table} ({key_column}, {count_column}, {expires_column}) "
        f"VALUES (%s, %s, %s) "
        f"ON CONFLICT ({key_column}) DO UPDATE SET {count_column} = {table}.{count_column} + %s "
        f"RETURNING {count_column}"
    )
    expires = connection.ops.adapt_datetimefield_value(expires_at)
    # Its own transaction (or savepoint) however it is called: the statement is one unit.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, amount, expires, amount])
        return cursor.fetchone()[0]


def counter_value(key: str) -> int:
    return Counter.objects.filter(key=key).values_list("count", flat=True).first() or 0


def counters_prune(*, before: dt.datetime, dry_run: bool = False) -> int:
    """Delete the counters whose window ended before `before` (idempotent)."""
    old = Counter.objects.filter(expires_at__lt=before)
    if dry_run:
        return old.count()
    return old.delete()[0]

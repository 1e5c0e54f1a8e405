"""Sessions in the database, read with one hand-written statement (issue 13 §2).

Django's database engine, unchanged but for the read every signed-in request makes: the ORM
compiled the same `SELECT` each time, about a tenth of the CPU of a ballot click
(bench/ballot_cpu.py). Same table, same rows, same expiry rule, so sessions stay shared by every
application instance and survive the switch from `django.contrib.sessions.backends.db`.
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone


@functools.cache
def _read_sql(vendor: str) -> str:
    """The statement, built once per process (the vendor only changes the quoting)."""
    ops = connections[router.db_for_read(Session)].ops
    meta = Session._meta
    table = ops.quote_name(meta.db_table)
    key = ops.quote_name(meta.get_field("session_key").column)
    data = ops.quote_name(meta.get_field("session_data").column)
    expiry = ops.quote_name(meta.get_field("expire_date").column)
    return f"SELECT {data}, {expiry} FROM {table} WHERE {key} = %s AND {expiry} > %s"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_read_sql(connection.vendor), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            # As the parent: an unknown or expired key is forgotten, a new one will be made.
            self._session_key = None
            return None
        # load() reads session_data only; expire_date is there for anyone else who asks.
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])

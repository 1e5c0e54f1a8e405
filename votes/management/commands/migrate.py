"""`migrate`, refusing a database made before the migrations were started afresh.

Issue 12 moved the panel, training and workshop models from simulator/ to votes/ and replaced
the migrations of both apps by a new initial set. A database created before that still lists
the old migrations; Django would silently skip the new ones and fail later with a traceback.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

# Migrations that only a database from before the reset has applied.
OLD_MIGRATIONS = {
    ("simulator", "0002_panels_training_workshops"),
    ("votes", "0002_instruction_published_at"),
    ("votes", "0003_ballots"),
    ("votes", "0004_council"),
}


def old_migrations_applied(alias: str = DEFAULT_DB_ALIAS) -> set[tuple[str, str]]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return set()
    return OLD_MIGRATIONS & set(recorder.applied_migrations())


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if old_migrations_applied(options.get("database") or DEFAULT_DB_ALIAS):
            raise CommandError(
                "Cette base de données a été créée par une version antérieure d'Arbitrages, "
                "dont les migrations ont été refondues (voir docs/changelog.md). Aucune donnée n'a "
                "été modifiée. Repartez d'une base neuve : « make reset-db » pour la base "
                "SQLite de développement, ou une nouvelle base PostgreSQL."
            )
        return super().handle(*args, **options)

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_it_refuses_a_database_made_before_the_migrations_were_started_afresh():
    recorder = MigrationRecorder.Migration.objects
    recorder.create(app="votes", name="0004_council")
    before = recorder.count()

    with pytest.raises(CommandError, match="version antérieure d'Arbitrages") as refused:
        call_command("migrate", verbosity=0)

    assert "make reset-db" in str(refused.value)
    assert recorder.count() == before


def test_it_migrates_a_database_of_the_current_generation():
    call_command("migrate", verbosity=0)

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    applied = MigrationRecorder.Migration.objects.filter(app="votes").values_list("name", flat=True)
    assert "0001_initial" in applied

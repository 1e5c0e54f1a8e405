"""The database cache table (settings.CACHES), so that migrate alone makes the site ready.

createcachetable does nothing for a cache that is not in the database (Redis) nor for a
table that exists: the migration can run on any installation.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("budget", "0006_glossary_terms")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

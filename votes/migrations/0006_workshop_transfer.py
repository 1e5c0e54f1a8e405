# A stable name for each workshop across databases (issue 15 §6: export from a laptop, import
# on the central server). Existing workshops each get their own uuid: added without the unique
# constraint, filled row by row, then made unique.
import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    Workshop = apps.get_model("votes", "Workshop")
    for workshop in Workshop.objects.filter(uuid__isnull=True).only("pk"):
        workshop.uuid = uuid.uuid4()
        workshop.save(update_fields=["uuid"])


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0005_storm_paper_voter_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="workshop",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]

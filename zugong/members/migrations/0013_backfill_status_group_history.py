"""Fill the members' status and party-group history from the dates their records keep (set-based INSERT …
SELECT on SQLite and PostgreSQL; see `zugong.members.history.backfill` for the dates it infers)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from zugong.members.history import backfill

    backfill(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("members", "0012_status_group_discipline_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]

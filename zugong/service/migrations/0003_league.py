"""The league index: the league tables and the service measures count, per organization subtree, the items
received or completed in a period. This index holds every column they read, so PostgreSQL answers a province's
table by an index-only scan (about 70 MB for a million items) whatever the width of the task rows.

Written as SQL (the model's Meta, owned by the tasks area, is unchanged, so the migration state is too):
PostgreSQL keys (org_path, received_on, completed_on) and INCLUDEs the counted columns; SQLite has no INCLUDE
and keys them all (it uses a covering index the same way)."""

from django.db import migrations

NAME = "service_task_league"
KEYS = "org_path, received_on, completed_on"
COUNTED = "status, on_time, satisfaction, callback_done, reopened_count"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        sql = f"CREATE INDEX IF NOT EXISTS {NAME} ON service_servicetask ({KEYS}) INCLUDE ({COUNTED})"
    else:
        sql = f"CREATE INDEX IF NOT EXISTS {NAME} ON service_servicetask ({KEYS}, {COUNTED})"
    schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("service", "0002_satisfaction")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

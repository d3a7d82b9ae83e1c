# Personal data at rest, step 2 of 3: encrypt every row's ID number and phone and fill the keyed hashes
# (batched, in primary-key order; `core.pii.seal_table`). The reverse decrypts them again.

from django.db import migrations

from zugong.core import pii

SPECS = [("id_number", "id_number", "id_hash", (("id_tail4", 4), ("id_tail6", 6))), ("phone", "phone", None, ())]


def forward(apps, schema_editor):
    pii.seal_table(schema_editor.connection, "people_person", SPECS)


def backward(apps, schema_editor):
    pii.seal_table(schema_editor.connection, "people_person", SPECS, reverse=True)
    with schema_editor.connection.cursor() as cur:  # the reversed copy the old search used
        cur.execute("SELECT id, id_number FROM people_person")
        rows = [(number[::-1], pk) for pk, number in cur.fetchall()]
        cur.executemany("UPDATE people_person SET id_rev = %s WHERE id = %s", rows)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_pii_columns")]

    operations = [migrations.RunPython(forward, backward)]

# Personal data at rest, step 2 of 3: encrypt every transfer's ID number and phone and fill the keyed hash.

from django.db import migrations

from zugong.core import pii

SPECS = [("id_number", "id_number", "id_hash", ()), ("phone", "phone", None, ())]


def forward(apps, schema_editor):
    pii.seal_table(schema_editor.connection, "members_transferrequest", SPECS)


def backward(apps, schema_editor):
    pii.seal_table(schema_editor.connection, "members_transferrequest", SPECS, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("members", "0006_pii_columns")]

    operations = [migrations.RunPython(forward, backward)]

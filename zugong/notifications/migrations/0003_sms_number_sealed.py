# Personal data at rest (issue 12): the SMS number of a user's reminder settings is a phone number, encrypted
# like every other (text column, sealed in place, then the sealed field).

from django.db import migrations, models

import zugong.core.pii
from zugong.core import pii

SPECS = [("sms_number", "phone", None, ())]


def forward(apps, schema_editor):
    pii.seal_table(schema_editor.connection, "notifications_subscriber", SPECS)


def backward(apps, schema_editor):
    pii.seal_table(schema_editor.connection, "notifications_subscriber", SPECS, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_i11_digest_items")]

    operations = [
        migrations.AlterField("subscriber", "sms_number",
                              models.TextField(blank=True, verbose_name="接收短信的手机号")),
        migrations.RunPython(forward, backward),
        migrations.AlterField("subscriber", "sms_number",
                              zugong.core.pii.SealedField(blank=True, max_length=20, purpose="phone",
                                                          verbose_name="接收短信的手机号")),
    ]

# Personal data at rest (issue 12), step 1 of 3: a transfer letter's ID number and phone columns become text
# (they will hold the sealed text) and the keyed hash is added; the open-inbound uniqueness moves to it later.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("members", "0005_dues_settled")]

    operations = [
        migrations.RemoveConstraint("transferrequest", "transfer_one_open_inbound_per_id"),
        migrations.AlterField("transferrequest", "id_number", models.TextField(verbose_name="公民身份号码")),
        migrations.AlterField("transferrequest", "phone", models.TextField(blank=True, verbose_name="联系电话")),
        migrations.AddField("transferrequest", "id_hash",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=32, null=True)),
    ]

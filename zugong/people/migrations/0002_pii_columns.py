# Personal data at rest (issue 12), step 1 of 3: the ID number and phone columns become text (they will hold
# the sealed text), and the keyed-hash columns are added.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.AlterField("person", "id_number", models.TextField(verbose_name="公民身份号码")),
        migrations.AlterField("person", "phone", models.TextField(blank=True, verbose_name="联系电话")),
        migrations.AddField("person", "id_hash",
                            models.CharField(blank=True, editable=False, max_length=32, null=True)),
        migrations.AddField("person", "id_tail4",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=32, null=True)),
        migrations.AddField("person", "id_tail6",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=32, null=True)),
    ]

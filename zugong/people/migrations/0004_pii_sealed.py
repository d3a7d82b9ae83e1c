# Personal data at rest, step 3 of 3: the columns are sealed fields, the full number's keyed hash is unique,
# and the reversed plain copy of the ID number (the old tail search) is gone.

from django.db import migrations, models

import zugong.core.pii


class Migration(migrations.Migration):
    dependencies = [("people", "0003_pii_encrypt")]

    operations = [
        # A default first, so that unapplying this migration can add the column back to a filled table
        # (0003's reverse then writes the reversed numbers into it).
        migrations.AlterField("person", "id_rev",
                              models.CharField(db_index=True, default="", editable=False, max_length=18)),
        migrations.RemoveField("person", "id_rev"),
        migrations.AlterField(
            "person", "id_number",
            zugong.core.pii.SealedField(index="id_hash", max_length=18, purpose="id_number",
                                        tails=(("id_tail4", 4), ("id_tail6", 6)), verbose_name="公民身份号码"),
        ),
        migrations.AlterField(
            "person", "phone",
            zugong.core.pii.SealedField(blank=True, max_length=20, purpose="phone", verbose_name="联系电话"),
        ),
        migrations.AlterField(
            "person", "id_hash",
            models.CharField(blank=True, editable=False, max_length=32, null=True, unique=True),
        ),
    ]

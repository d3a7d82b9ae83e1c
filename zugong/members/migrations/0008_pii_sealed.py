# Personal data at rest, step 3 of 3: sealed fields, and one open inbound transfer per ID number (by its hash).

from django.db import migrations, models

import zugong.core.pii


class Migration(migrations.Migration):
    dependencies = [("members", "0007_pii_encrypt")]

    operations = [
        migrations.AlterField(
            "transferrequest", "id_number",
            zugong.core.pii.SealedField(index="id_hash", max_length=18, purpose="id_number",
                                        verbose_name="公民身份号码"),
        ),
        migrations.AlterField(
            "transferrequest", "phone",
            zugong.core.pii.SealedField(blank=True, max_length=20, purpose="phone", verbose_name="联系电话"),
        ),
        migrations.AddConstraint(
            "transferrequest",
            models.UniqueConstraint(condition=models.Q(("kind", "in"), ("status__in", ["requested", "sent"])),
                                    fields=("id_hash",), name="transfer_one_open_inbound_per_id"),
        ),
    ]

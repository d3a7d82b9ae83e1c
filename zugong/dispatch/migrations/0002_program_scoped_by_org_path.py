"""Dispatch programs are scoped configuration: the issuing organization's path on the row (empty for the
national defaults, which apply everywhere)."""

from django.db import migrations, models


def fill_paths(apps, schema_editor):
    Program = apps.get_model("dispatch", "Program")
    for row in Program.objects.filter(organization__isnull=False).select_related("organization"):
        Program.objects.filter(pk=row.pk).update(org_path=row.organization.path)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial"), ("orgs", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="program",
            name="org_path",
            field=models.CharField(db_index=True, default="", max_length=255, verbose_name="所属组织路径"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
    ]

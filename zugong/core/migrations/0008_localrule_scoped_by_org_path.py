"""Local rules are scoped configuration: the issuing organization's path on the row (filled from it)."""

from django.db import migrations, models


def fill_paths(apps, schema_editor):
    LocalRule = apps.get_model("core", "LocalRule")
    for row in LocalRule.objects.select_related("organization"):
        LocalRule.objects.filter(pk=row.pk).update(org_path=row.organization.path)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_auditentry_operation"), ("orgs", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="localrule",
            name="org_path",
            field=models.CharField(db_index=True, default="", max_length=255, verbose_name="所属组织路径"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
    ]

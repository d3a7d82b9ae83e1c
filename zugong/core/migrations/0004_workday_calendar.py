from django.db import migrations


def fill(apps, schema_editor):
    from zugong.core.workdays import sync

    sync(model=apps.get_model("core", "WorkDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_workday_alter_auditentry_action_localrule_finding")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

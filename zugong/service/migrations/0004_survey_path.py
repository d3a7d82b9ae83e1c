"""Survey rounds keep their item's path (stored `Inherited("task")`), so the league tables count the rounds of a
subtree and a period from one index (满意率 per answered round)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    schema_editor.execute(
        "UPDATE service_survey SET org_path = (SELECT t.org_path FROM service_servicetask t "
        "WHERE t.id = service_survey.task_id)")


class Migration(migrations.Migration):
    dependencies = [("service", "0003_league")]

    operations = [
        migrations.AddField(model_name="survey", name="org_path",
                            field=models.CharField(default="", max_length=255, verbose_name="所属组织路径"),
                            preserve_default=False),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(model_name="survey",
                            index=models.Index(fields=["org_path", "closed_on", "result"], name="service_survey_league")),
    ]

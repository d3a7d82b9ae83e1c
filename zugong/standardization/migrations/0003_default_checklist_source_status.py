"""The default checklist's source note showed research tags (单一来源); rows still holding it are updated."""

from django.db import migrations

OLD = "地方手册示例（单一来源）；全国和山西的评分表未见（待核）"
NEW = "地方手册示例；全国和山西的评分表待补充，请按本地文件核对"


def forwards(apps, schema_editor):
    apps.get_model("standardization", "Checklist").objects.filter(source_status=OLD).update(source_status=NEW)


def backwards(apps, schema_editor):
    apps.get_model("standardization", "Checklist").objects.filter(source_status=NEW).update(source_status=OLD)


class Migration(migrations.Migration):
    dependencies = [("standardization", "0002_branch_score_measured")]
    operations = [migrations.RunPython(forwards, backwards)]

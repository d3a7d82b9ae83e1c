"""The default local rules of recruitment cited the reported 2026 revision of the 细则 with article numbers
nobody has checked (第十三条, 第十九条): they now say 条款号待核 (docs/rules-coverage.md). Only rows that still
hold the shipped default are changed (one UPDATE each); a department's own citation is left alone."""

from django.db import migrations

OLD_REGULATION = "《中国共产党发展党员工作细则》（2026年修订，待核）"
NEW_REGULATION = "《中国共产党发展党员工作细则》（2026年修订）"
DEFAULTS = {"recruitment.local.candidate_publicity": "第十三条", "recruitment.local.meeting_after_prereview": "第十九条"}


def forwards(apps, schema_editor):
    LocalRule = apps.get_model("core", "LocalRule")
    for code, article in DEFAULTS.items():
        LocalRule.objects.filter(code=code, regulation=OLD_REGULATION, article=article).update(
            regulation=NEW_REGULATION, article="条款号待核")


def backwards(apps, schema_editor):
    LocalRule = apps.get_model("core", "LocalRule")
    for code, article in DEFAULTS.items():
        LocalRule.objects.filter(code=code, regulation=NEW_REGULATION, article="条款号待核").update(
            regulation=OLD_REGULATION, article=article)


class Migration(migrations.Migration):
    dependencies = [("core", "0012_locking_job_heartbeat")]
    operations = [migrations.RunPython(forwards, backwards)]

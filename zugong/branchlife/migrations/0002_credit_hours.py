# 学时 is "credit hours" in the glossary: the meeting's field takes that name, and each absence keeps a copy
# of the credit hours the member did not earn (so the 32 学时 rule reads the absences alone).

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_hours(apps, schema_editor):
    """Absences recorded before the column existed take their meeting's credit hours (set-based)."""
    Absence = apps.get_model("branchlife", "Absence")
    Meeting = apps.get_model("branchlife", "Meeting")
    hours = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("credit_hours")[:1]
    with_hours = Meeting.objects.filter(credit_hours__gt=0).values("pk")
    Absence.objects.filter(meeting_id__in=with_hours).update(credit_hours=Subquery(hours))


class Migration(migrations.Migration):

    dependencies = [
        ("branchlife", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="meeting", old_name="study_hours", new_name="credit_hours"),
        migrations.AddField(
            model_name="absence",
            name="credit_hours",
            field=models.DecimalField(decimal_places=1, default=0, max_digits=4, verbose_name="未计入学时"),
        ),
        migrations.RunPython(copy_hours, migrations.RunPython.noop),
    ]

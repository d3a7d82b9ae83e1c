"""The approving organization of an admission (step 17), and the default local rules' citations: the 2026
revision's articles are unconfirmed (条款号待核); the conversion lead time becomes two local rules, installed
where the recruitment defaults already are (one organization at most: the codes are unique)."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

UNVERIFIED = "条款号待核"
PRACTICE = "本地工作安排（细则规定预备期满后及时讨论转正，期限各地自定）"
CONVERSION = [
    ("recruitment.local.conversion_late", "预备期满超过一个月未讨论转正", {"months": 1, "until": 3}, "warning"),
    ("recruitment.local.conversion_overdue", "预备期满超过三个月未讨论转正", {"months": 3, "until": 0}, "error"),
]


def forward(apps, schema_editor):
    LocalRule = apps.get_model("core", "LocalRule")
    rows = LocalRule.objects.filter(code__in=["recruitment.local.candidate_publicity",
                                              "recruitment.local.meeting_after_prereview"])
    rows.filter(article__in=["第十三条", "第十九条"]).update(article=UNVERIFIED)
    rows.filter(regulation="《中国共产党发展党员工作细则》（2026年修订，待核）").update(
        regulation="《中国共产党发展党员工作细则》（2026年修订）")
    installed = rows.order_by("pk").first()
    if installed is None:
        return
    present = set(LocalRule.objects.filter(code__in=[c for c, *_ in CONVERSION]).values_list("code", flat=True))
    LocalRule.objects.bulk_create([
        LocalRule(code=code, template="conversion_lead_time", title=title, params=params, severity=severity,
                  regulation=PRACTICE, article="", effective_from=dt.date(2014, 6, 10),
                  organization_id=installed.organization_id, org_path=installed.org_path, active=True)
        for code, title, params, severity in CONVERSION if code not in present])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_locking_job_heartbeat'),
        ('orgs', '0001_initial'),
        ('recruitment', '0002_public_notice_and_inspection_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='approving_organization',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.organization', verbose_name='审批的上级党委'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]

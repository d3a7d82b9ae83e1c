"""Deadlines of dispatch (registered in `core.deadlines`), on the dates the rules use (`rules.py`): the end of
an active dispatch's term (选派期满: the end-of-term assessment and the rotation) and the next periodic report
(`report_due`, the program's reporting period and grace days after the last period reported)."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse

from zugong.core import deadlines

from .models import Dispatch
from .rules import report_due


@deadlines.provider("term", "任期届满", more="dispatch:list")
def terms_ending(user, until, limit=None):
    rows = (Dispatch.objects.visible_to(user).filter(status=Dispatch.Status.ACTIVE, end_on__lte=until)
            .select_related("person", "program").order_by("end_on", "pk"))
    for d in deadlines.first(rows, limit):
        yield deadlines.Deadline(
            key=f"dispatch.term:{d.pk}", due=d.end_on, kind="term",
            title=f"{d.person.name}（{d.program.name}，{d.host_label}）：选派期满，期满考核", org_path=d.org_path,
            person_id=d.person_id, url=reverse("dispatch:evaluate", args=[d.pk]))


@deadlines.provider("report", "报告报送", more="dispatch:reports")
def reports_due(user, until, limit=None):
    rows = (report_due(Dispatch.objects.visible_to(user).filter(status=Dispatch.Status.ACTIVE))
            .filter(report_due__lte=until, next_start__lte=F("end_on"))
            .select_related("person", "program").order_by("report_due", "pk"))
    for d in deadlines.first(rows, limit):
        yield deadlines.Deadline(
            key=f"dispatch.report:{d.pk}:{d.next_start:%Y-%m}", due=d.report_due, kind="report",
            title=f"{d.person.name}（{d.program.name}）：{d.next_start:%Y年%m月}起的工作报告", org_path=d.org_path,
            person_id=d.person_id, url=reverse("dispatch:report", args=[d.pk]))

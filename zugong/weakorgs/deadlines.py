"""Deadlines of weak-organization rectification (registered in `core.deadlines`): the 整顿期限 of an open case,
the date the overdue rule (`weakorgs.rectification_overdue`) counts from."""

from __future__ import annotations

from django.urls import reverse

from zugong.core import deadlines

from .models import Rectification


@deadlines.provider("step", "流程办理时限", more="weakorgs:cases")
def rectifications_due(user, until, limit=None):
    rows = (Rectification.objects.visible_to(user)
            .filter(status__in=(Rectification.Status.IN_PROGRESS, Rectification.Status.FAILED), deadline__lte=until)
            .select_related("organization").order_by("deadline", "pk"))
    for case in deadlines.first(rows, limit):
        yield deadlines.Deadline(
            key=f"weakorgs.rectification:{case.pk}", due=case.deadline, kind="step",
            title=f"{case.organization.name}：软弱涣散整顿期满，申请验收销号", org_path=case.org_path,
            url=reverse("weakorgs:case_detail", args=[case.pk]))

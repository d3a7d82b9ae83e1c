"""Deadlines of members (registered in `core.deadlines`): probationary members whose one-year probation ends
(预备期满, 转正) and who have no running recruitment case (a case carries its own conversion deadline, with
any extension: `recruitment.deadlines`); the probation is counted from the day of admission (入党时间)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from zugong.core import deadlines
from zugong.core.sql import AddMonths

from .models import Membership

PROBATION_MONTHS = 12


@deadlines.provider("conversion", "预备党员转正", more="members:roster")
def probations_ending(user, until, limit=None):
    from zugong.recruitment.models import Case

    # Only whether a case exists: the membership rows themselves are scoped (visible_to).
    running = Case.objects.unrestricted().filter(person=OuterRef("person_id"), status=Case.Status.ACTIVE)
    rows = (Membership.objects.visible_to(user).present().filter(status=Membership.Status.PROBATIONARY)
            .annotate(due_on=AddMonths("joined_on", PROBATION_MONTHS)).filter(due_on__lte=until)
            .filter(~Exists(running)).select_related("person").order_by("due_on", "pk"))
    for m in deadlines.first(rows, limit):
        yield deadlines.Deadline(
            key=f"members.probation:{m.pk}", due=m.due_on, kind="conversion",
            title=f"{m.person.name}：预备期满，支部大会讨论转正", org_path=m.org_path, person_id=m.person_id,
            url=reverse("members:detail", args=[m.pk]))

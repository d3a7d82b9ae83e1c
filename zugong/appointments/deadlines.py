"""Deadlines of selection and appointment (registered in `core.deadlines`), the same dates a case page shows
(`timeline.deadlines`): the end of the pre-appointment notice (任前公示期满: the appointment may follow) and
the end of the one-year probation (试用期满: its assessment is due)."""

from __future__ import annotations

from django.urls import reverse

from zugong.core import deadlines

from .models import SelectionCase

Status = SelectionCase.Status


def notices_running(qs, as_of):
    """Cases whose 任前公示 runs on `as_of` (not yet appointed): the 工作台's items under 公示."""
    return qs.filter(status=Status.ACTIVE, appointed_on__isnull=True, public_notice_start__lte=as_of,
                     public_notice_end__gte=as_of)


@deadlines.provider("public_notice", "公示期满", more="appointments:notices")
def notices_ending(user, until, limit=None):
    rows = (SelectionCase.objects.visible_to(user)
            .filter(status=Status.ACTIVE, appointed_on__isnull=True, public_notice_end__isnull=False,
                    public_notice_end__lte=until)
            .select_related("cadre").order_by("public_notice_end", "pk"))
    for case in deadlines.first(rows, limit):
        yield deadlines.Deadline(
            key=f"appointments.notice:{case.pk}", due=case.public_notice_end, kind="public_notice",
            title=f"{case.cadre.name}（拟任{case.title}）：任前公示期满，办理任职", org_path=case.org_path,
            person_id=case.cadre.person_id, url=reverse("appointments:step", args=[case.pk]) + "?step=appointment")


@deadlines.provider("step", "流程办理时限", more="appointments:list")
def probations_ending(user, until, limit=None):
    rows = (SelectionCase.objects.visible_to(user)
            .filter(status=Status.PROBATION, probation_until__isnull=False, probation_until__lte=until)
            .select_related("cadre").order_by("probation_until", "pk"))
    for case in deadlines.first(rows, limit):
        yield deadlines.Deadline(
            key=f"appointments.probation:{case.pk}", due=case.probation_until, kind="step",
            title=f"{case.cadre.name}（{case.title}）：试用期满考核", org_path=case.org_path,
            person_id=case.cadre.person_id, url=reverse("appointments:step", args=[case.pk]) + "?step=probation")

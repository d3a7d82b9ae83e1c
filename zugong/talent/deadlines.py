"""The applications' deadlines for the 工作台 and the reminders: a `core.deadlines` provider over the
applications in 公示 (the 公示 ends: recognise, or answer its objections) and the objections waiting for an
answer (due the 公示's last day), earliest first."""

from __future__ import annotations

from django.urls import reverse

from zugong.core import deadlines

from .models import Application, Objection
from .models.applications import Status


@deadlines.provider("talent", "人才项目公示", more="talent:list")
def notices_ending(user, until, limit=None):
    rows = (Application.objects.visible_to(user).filter(status=Status.NOTICE, notice_end__lte=until)
            .select_related("person").order_by("notice_end", "pk").only("pk", "notice_end", "org_path",
                                                                        "person__name"))
    for case in deadlines.first(rows, limit):
        yield deadlines.Deadline(key=f"talent.notice:{case.pk}", due=case.notice_end, kind="talent",
                                 title=f"人才项目公示期满：{case.person.name}", org_path=case.org_path,
                                 url=reverse("talent:detail", args=[case.pk]))


@deadlines.provider("talent_objections", "人才项目公示异议待核查", more="talent:list")
def objections_waiting(user, until, limit=None):
    rows = (Objection.objects.visible_to(user).filter(outcome=Objection.Outcome.PENDING)
            .select_related("application", "application__person").order_by("received_on", "pk"))
    rows = rows.filter(application__notice_end__lte=until)
    for row in deadlines.first(rows, limit):
        case = row.application
        yield deadlines.Deadline(key=f"talent.objection:{row.pk}", due=case.notice_end, kind="talent_objections",
                                 title=f"公示异议待核查：{case.person.name}", org_path=case.org_path,
                                 url=reverse("talent:detail", args=[case.pk]))


@deadlines.provider("talent_reviews", "专家评审打分", more="talent:my_reviews")
def reviews_to_score(user, until, limit=None):
    """A reviewer's own assignments in a round under way, not yet submitted, due the round's closing day (a
    round without one: today). This is how a reviewer without the 人才工程 menu finds the score sheets."""
    from django.db.models import F, Q
    from django.utils import timezone

    from .models import ReviewRound
    from .review_services import reviewer_assignments

    today = timezone.localdate()
    rows = (reviewer_assignments(user).filter(submitted_at=None, round__status=ReviewRound.Status.OPEN)
            .filter(Q(round__closes_on__lte=until) | Q(round__closes_on=None))
            .order_by(F("round__closes_on").asc(nulls_first=True), "pk"))
    for row in deadlines.first(rows, limit):
        yield deadlines.Deadline(key=f"talent.review:{row.pk}", due=row.round.closes_on or today,
                                 kind="talent_reviews", title=f"专家评审打分：{row.application.person.name}"
                                 f"（{row.round.name}）", org_path=row.application.org_path,
                                 url=reverse("talent:review_sheet", args=[row.pk]))

"""The clock of an item on the real working calendar: the Spring Festival holiday and its 调休 make-up
Saturdays, a pause over a weekend, extensions (refused after the deadline, approved by the department above)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.core.models import WorkDay
from zugong.service import tasks_services as services
from zugong.service.models import Extension, Pause, ServiceTask

from .tasks_fixtures import *  # noqa: F403 — fixtures (calendar, service_defaults, svc)
from .tasks_fixtures import D, record, take_in


def test_the_calendar_holds_the_2026_spring_festival(calendar):
    days = dict(WorkDay.objects.filter(day__range=(D(2026, 2, 13), D(2026, 2, 28))).values_list("day", "is_workday"))
    assert days[D(2026, 2, 14)] is True  # Saturday, 调休上班
    assert not any(days[D(2026, 2, d)] for d in range(15, 24))  # 2.15–2.23 春节假期
    assert days[D(2026, 2, 24)] is True
    assert days[D(2026, 2, 28)] is True  # Saturday, 调休上班


def test_deadline_across_the_spring_festival_counts_the_make_up_saturdays(svc, users):
    # Received Thursday 2026-02-12 (not counted): 13 Fri (1), 14 Sat 调休 (2), 15–23 holiday, 24 (3) 25 (4) 26 (5)
    # 27 (6), 28 Sat 调休 (7), 3.1 Sunday, 3.2 (8) … 3.5 (11)
    task = take_in(users.admin, svc.b1, received=D(2026, 2, 12), limit_workdays=8)
    assert task.deadline == D(2026, 3, 2)
    assert task.clock_from == D(2026, 2, 12) and task.number == f"BS-2026-{task.pk:06d}"
    assert take_in(users.admin, svc.b1, received=D(2026, 2, 12), limit_workdays=2).deadline == D(2026, 2, 14)
    assert take_in(users.admin, svc.b1, received=D(2026, 2, 13), limit_workdays=2).deadline == D(2026, 2, 24)
    assert take_in(users.admin, svc.b1, received=D(2026, 2, 26), limit_workdays=2).deadline == D(2026, 2, 28)


def test_default_limit_is_the_urgency_class(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 2, 12), code="immediate")  # 3 working days
    assert task.limit_workdays == 3 and task.deadline == D(2026, 2, 24)
    assert task.status == "pending" and task.steps.unrestricted().get().kind == "receive"


def test_a_day_outside_the_calendar_is_refused_in_chinese(svc, users):
    with pytest.raises(ValidationError) as exc:
        take_in(users.admin, svc.b1, received=D(2024, 12, 20))
    assert "工作日历未包含 2024 年" in str(exc.value) and "zugong calendar sync" in str(exc.value)
    assert not ServiceTask.objects.unrestricted().exists()


def test_a_pause_over_a_weekend_stops_the_clock_for_its_working_days_only(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=10)  # Monday
    assert task.deadline == D(2026, 11, 16)
    services.claim(users.admin, task, record(D(2026, 11, 3)), person=svc.people.zhangsan)
    services.pause(users.admin, task, record(D(2026, 11, 6)), reason="等待诉求人提供材料")  # Friday
    task.refresh_from_db()
    assert task.status == "paused" and task.paused_since == D(2026, 11, 6)
    with pytest.raises(ValidationError, match="已暂停计时"):
        services.pause(users.admin, task, record(D(2026, 11, 7)), reason="再次暂停")
    services.resume(users.admin, task, record(D(2026, 11, 10)))  # Tuesday: (Fri, Tue] = Mon, Tue
    task.refresh_from_db()
    pause = Pause.objects.unrestricted().get(task=task)
    assert pause.workdays == 2 and pause.resumed_on == D(2026, 11, 10)
    assert task.paused_workdays == 2 and task.deadline == D(2026, 11, 18) and task.status == "active"
    assert task.paused_since is None


def test_a_pause_over_the_weekend_alone_costs_nothing(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=10)
    services.pause(users.admin, task, record(D(2026, 11, 6)), reason="等待答复")  # Friday
    services.resume(users.admin, task, record(D(2026, 11, 8)))  # Sunday
    task.refresh_from_db()
    assert task.paused_workdays == 0 and task.deadline == D(2026, 11, 16) and task.status == "pending"


def test_pause_after_the_deadline_is_refused(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)  # due 11-05
    with pytest.raises(ValidationError, match="办结期限.*已过，不能暂停计时"):
        services.pause(users.admin, task, record(D(2026, 11, 6)), reason="等待答复")


def test_extension_requested_after_the_deadline_is_refused(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)  # due Thursday 11-05
    with pytest.raises(ValidationError) as exc:
        services.request_extension(users.admin, task, record(D(2026, 11, 6)), workdays=5, reason="施工未完成")
    assert "延期申请应在办结期限（2026年11月5日）前提出" in str(exc.value)
    assert not Extension.objects.unrestricted().exists()
    # on the deadline day itself it is still in time
    services.request_extension(users.admin, task, record(D(2026, 11, 5)), workdays=5, reason="施工未完成")
    with pytest.raises(ValidationError, match="已有待审批的延期申请"):
        services.request_extension(users.admin, task, record(D(2026, 11, 5)), workdays=2, reason="再申请")


def test_extension_is_approved_by_the_department_above_only(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)
    services.request_extension(users.secretary, task, record(D(2026, 11, 4)), workdays=5, reason="材料未齐")
    ext = Extension.objects.unrestricted().get()
    with pytest.raises(PermissionDenied):
        services.decide_extension(users.secretary, task, record(D(2026, 11, 5)), extension=ext, approved=True)
    services.decide_extension(users.admin, task, record(D(2026, 11, 5)), extension=ext, approved=True, workdays=4)
    task.refresh_from_db()
    ext.refresh_from_db()
    assert ext.decision == "approved" and ext.approved_workdays == 4
    assert task.extended_workdays == 4 and task.deadline == D(2026, 11, 11)


def test_refused_extension_keeps_the_deadline(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)
    services.request_extension(users.admin, task, record(D(2026, 11, 4)), workdays=5, reason="材料未齐")
    ext = Extension.objects.unrestricted().get()
    services.decide_extension(users.admin, task, record(D(2026, 11, 4)), extension=ext, approved=False, note="应按期")
    task.refresh_from_db()
    assert task.deadline == D(2026, 11, 5) and Extension.objects.unrestricted().get().decision == "refused"


def test_complete_on_time_and_late(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)
    services.sign(users.admin, task, record(D(2026, 11, 2)))
    services.complete(users.admin, task, record(D(2026, 11, 5)))
    task.refresh_from_db()
    assert task.status == "done" and task.on_time is True and task.completed_on == D(2026, 11, 5)
    late = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)
    services.complete(users.admin, late, record(D(2026, 11, 9)))
    late.refresh_from_db()
    assert late.on_time is False
    with pytest.raises(ValidationError, match="已办结"):
        services.report(users.admin, late, record(D(2026, 11, 10), note="补充"))

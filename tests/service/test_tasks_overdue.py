"""The overdue rule `service.task_overdue`: running items past their deadline by working days, on the scan day;
the finding's text; paused and completed items are not judged; a step re-judges at once; the deadlines provider."""

import datetime as dt

from zugong.core import deadlines, rules
from zugong.core.models import Finding, WorkDay
from zugong.service import tasks_services as services

from .tasks_fixtures import *  # noqa: F403 — fixtures (calendar, service_defaults, svc)
from .tasks_fixtures import D, record, take_in

RULE = "service.task_overdue"


def _rule():
    return [rules.RULES[RULE]]


def test_overdue_by_working_days_with_its_text(svc, users):
    late = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3, title="修缮红星小区路灯")  # 11-05
    take_in(users.admin, svc.b1, received=D(2026, 11, 20), limit_workdays=10, title="加装电梯")  # due 12-04
    result = rules.scan("", D(2026, 11, 9), _rule())  # Monday: (Thu 11-05, Mon 11-09] = Fri, Mon
    assert result.per_rule[RULE] == 1
    finding = Finding.objects.unrestricted().get(rule=RULE)
    assert finding.object_id == late.pk and finding.organization_id == svc.b1.pk
    assert finding.detail == "“修缮红星小区路灯”（限期办，时限 3 个工作日）办结期限为2026年11月5日，超过办结期限 2 个工作日，尚未办结"
    assert finding.article == rules.UNVERIFIED_ARTICLE and finding.severity == "warning"
    rules.scan("", D(2026, 11, 27), _rule())
    finding.refresh_from_db()
    assert "超过办结期限 16 个工作日" in finding.detail


def test_a_friday_deadline_is_not_overdue_over_the_weekend(svc, users):
    take_in(users.admin, svc.b1, received=D(2026, 11, 3), limit_workdays=3)  # due Friday 11-06
    assert rules.scan("", D(2026, 11, 8), _rule()).opened == 0  # Sunday
    assert rules.scan("", D(2026, 11, 9), _rule()).opened == 1  # Monday


def test_spring_festival_days_do_not_count_as_overdue(svc, users):
    take_in(users.admin, svc.b1, received=D(2026, 2, 10), limit_workdays=3)  # 11, 12, 13: due 2026-02-13
    assert rules.scan("", D(2026, 2, 13), _rule()).per_rule[RULE] == 0  # due that day
    assert rules.scan("", D(2026, 2, 14), _rule()).opened == 1  # the make-up Saturday is a working day
    assert "超过办结期限 1 个工作日" in Finding.objects.unrestricted().get(rule=RULE, resolved_at__isnull=True).detail
    rules.scan("", D(2026, 2, 23), _rule())  # the holiday: still one
    assert "超过办结期限 1 个工作日" in Finding.objects.unrestricted().get(rule=RULE, resolved_at__isnull=True).detail


def test_paused_and_completed_items_are_not_judged_and_steps_rejudge(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)  # due 11-05
    rules.scan("", D(2026, 11, 27), _rule())
    assert Finding.objects.unrestricted().filter(rule=RULE, resolved_at__isnull=True).count() == 1
    services.complete(users.admin, task, record(D(2026, 11, 20)))  # the step re-judges the item at once
    assert not Finding.objects.unrestricted().filter(rule=RULE, resolved_at__isnull=True).exists()
    paused = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)
    services.pause(users.admin, paused, record(D(2026, 11, 4)), reason="等待诉求人")
    assert rules.scan("", D(2026, 11, 27), _rule()).opened == 0


def test_a_scan_day_outside_the_calendar_finds_nothing(svc, users):
    take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3)
    WorkDay.objects.filter(day__gt=D(2026, 11, 20)).delete()
    assert rules.scan("", D(2026, 11, 27), _rule()).opened == 0


def test_deadlines_provider_lists_due_and_overdue_items_in_scope(svc, users):
    late = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=3, title="路灯")
    soon = take_in(users.admin, svc.b1, received=D(2026, 11, 25), limit_workdays=3, title="电梯")  # 11-30
    take_in(users.admin, svc.b1, received=D(2026, 11, 25), limit_workdays=20, title="远期")
    take_in(users.admin, svc.b3, received=D(2026, 11, 2), limit_workdays=3, title="大同的")
    found = [d for d in deadlines.upcoming(users.taiyuan, D(2026, 12, 5), kinds=["service"])]
    assert [(d.title, d.due) for d in found] == [("办实事：路灯", late.deadline), ("办实事：电梯", soon.deadline)]
    assert found[0].overdue and found[0].url == f"/service/tasks/{late.pk}/"
    assert deadlines.kinds()["service"] == "办实事时限"
    assert dt.date(2026, 11, 30) == soon.deadline

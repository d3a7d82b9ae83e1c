"""Fixtures of the league tests: a small hand-built tree under 小店区委 (two townships, one with a village) and
items received, completed, late, reopened and answered in 2026, written directly with the models."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

__all__ = ["league_tree", "task", "EXPECTED_2026", "FIELDS"]

D = dt.date


def _child(parent, name, code, kind="committee"):
    from zugong.orgs.models import Organization

    org = Organization(name=name, code=code, kind=kind, sector="community")
    org = Organization.objects.add_child(parent, instance=org)
    parent.refresh_from_db()
    return org


def task(org, urgency, received, status="active", completed=None, on_time=None, satisfaction="", callback=False,
         reopened=0, **extra):
    from zugong.service.models import ServiceTask, Survey

    item = ServiceTask.objects.create(
        organization=org, title=extra.pop("title", f"{org.name}事项{received:%m%d}"), urgency=urgency,
        limit_workdays=15, received_on=received, clock_from=received, deadline=received + dt.timedelta(days=21),
        status=status, completed_on=completed, on_time=on_time, satisfaction=satisfaction, callback_done=callback,
        reopened_count=reopened, **extra)
    if satisfaction:  # the survey round of the completion, settled that day with this result
        Survey.objects.create(task=item, round=1, opened_on=completed, required=1, expires_on=completed,
                              closed_on=completed, passed=satisfaction in ("satisfied", "basic"), result=satisfaction)
    return item


@pytest.fixture
def league_tree(tree):
    from zugong.service.models import UrgencyClass

    urgency = UrgencyClass.objects.create(code="test.limit", name="限期办", limit_workdays=15)
    t1 = _child(tree.xiaodian, "中共太原市小店区坞城街道工作委员会", "140105T1")
    v1 = _child(t1, "中共太原市小店区坞城街道某某社区委员会", "140105T1V1")
    t2 = _child(tree.xiaodian, "中共太原市小店区黄陵街道工作委员会", "140105T2")
    tree.xiaodian.refresh_from_db()
    items = SimpleNamespace(
        # 坞城街道 itself
        fixed=task(t1, urgency, D(2026, 2, 10), "closed", D(2026, 3, 1), True, "satisfied", True,
                   title="为刘大妈家疏通下水道", requester_name="刘大妈", requester_phone="13912345678",
                   owner=tree.people.zhangsan, area="坞城街道某某小区"),
        late=task(t1, urgency, D(2026, 3, 5), "done", D(2026, 4, 20), False, "basic", True),
        reopened=task(t1, urgency, D(2026, 5, 6), "reopened", D(2026, 6, 1), None, "unsatisfied", True, 1),
        # its village
        running=task(v1, urgency, D(2026, 6, 10), "active"),
        last_year=task(v1, urgency, D(2025, 12, 20), "closed", D(2026, 1, 15), True, "satisfied", False),
        terminated=task(v1, urgency, D(2026, 7, 1), "terminated"),
        # 黄陵街道
        partial=task(t2, urgency, D(2026, 8, 3), "closed", D(2026, 8, 20), True, "partial", True, 1),
        pending=task(t2, urgency, D(2026, 9, 9), "pending"),
        unanswered=task(t2, urgency, D(2026, 10, 10), "done", D(2026, 11, 2), True, "", False),
        # 小店区委 itself (本级)
        own=task(tree.xiaodian, urgency, D(2026, 4, 1), "closed", D(2026, 4, 10), True, "satisfied", True),
        # 大同: another city, never in 小店's table
        datong=task(tree.b3, urgency, D(2026, 3, 3), "closed", D(2026, 3, 20), True, "satisfied", True,
                    title="大同某村修路"),
    )
    return SimpleNamespace(t1=t1, v1=v1, t2=t2, urgency=urgency, items=items, tree=tree)


# The figures of 2026 each row must show (taken, completed, on_time, satisfied, answered, called_back, reopened,
# taken_done), worked out by hand from the items above.
EXPECTED_2026 = {
    "140105T1": (4, 3, 2, 3, 4, 2, 1, 2),
    "140105T2": (3, 2, 2, 0, 1, 1, 1, 2),
    "140105": (1, 1, 1, 1, 1, 1, 0, 1),  # 本级
    "14010501": (0, 0, 0, 0, 0, 0, 0, 0),
    "14010502": (0, 0, 0, 0, 0, 0, 0, 0),
    None: (8, 6, 5, 4, 6, 4, 2, 5),  # 合计
}
FIELDS = ("taken", "completed", "on_time", "satisfied", "answered", "called_back", "reopened", "taken_done")

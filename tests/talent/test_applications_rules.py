"""The scan rule (公示期满未认定) and the deadlines of the applications (公示 ending, objections waiting)."""

import pytest

from zugong.core import rules
from zugong.talent import applications_services as services
from zugong.talent import deadlines
from zugong.talent.models import Application

from .applications_fixtures import *  # noqa: F403
from .applications_fixtures import D, rec, to_notice

pytestmark = pytest.mark.django_db


def test_stalled_after_the_notice_and_the_deadlines(application, users):
    to_notice(users.taiyuan, application)
    rule = rules.RULES["talent.recognition_stalled"]
    qs = Application.objects.unrestricted()
    # The 公示 ended 2026-10-10 (a 调休 Saturday): 10 working days after it is 10-23, not yet stalled.
    assert rule.violations(qs, D(2026, 10, 23)) == []
    found = rule.violations(qs, D(2026, 10, 26))
    assert [r["pk"] for r in found] == [application.pk]
    assert "超过 10 个工作日仍未认定" in rule.describe(found[0]) and "实施办法" in rule.describe(found[0])
    ending = list(deadlines.notices_ending(users.taiyuan, D(2026, 10, 31)))
    assert [d.due for d in ending] == [D(2026, 10, 10)]
    assert list(deadlines.notices_ending(users.datong, D(2026, 10, 31))) == []
    services.objection(users.taiyuan, application, rec(D(2026, 10, 8)), content="反映问题")
    waiting = list(deadlines.objections_waiting(users.taiyuan, D(2026, 10, 31)))
    assert len(waiting) == 1 and "公示异议待核查：张三" == waiting[0].title

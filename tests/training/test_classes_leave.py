"""Leave in 脱产 training: exactly 1/7 of the total 学时 is allowed, just above withdraws the trainee (退学) with the
citation; the warning at 80 % of the limit; the rules over enrolments (an over-limit trainee not withdrawn is an
error finding). Exact fractions: a total whose seventh is no finite decimal (50, 4.9) judged right."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zugong.core import rules
from zugong.core.models import Finding
from zugong.training import classes_services as services
from zugong.training.models import Attendance, Enrolment, LeavePolicy

from .classes_fixtures import *  # noqa: F403
from .classes_fixtures import enrol, make_class


def _sessions(cls):
    return list(cls.sessions.unrestricted().order_by("on"))


def test_exactly_one_seventh_is_allowed_and_just_above_withdraws(tree, users, rotation):
    p = tree.people
    by_person = enrol(users.taiyuan, rotation, p.zhangsan, p.lisi)
    s = _sessions(rotation)
    zhang, li = by_person[p.zhangsan.pk], by_person[p.lisi.pk]
    # 56 学时: the limit is 8 学时
    services.record_leave(users.taiyuan, s[0], zhang, "4", "感冒")
    _, standing = services.record_leave(users.taiyuan, s[1], zhang, "4", "出差")
    zhang.refresh_from_db()
    assert zhang.status == Enrolment.Status.ENROLLED and standing.leave == 8 and not standing.over
    assert standing.near  # 8 of 8: the warning share reached
    services.record_leave(users.taiyuan, s[0], li, "8", "家中有事")
    _, standing = services.record_leave(users.taiyuan, s[1], li, "0.1", "迟到")
    li.refresh_from_db()
    assert standing.over and li.status == Enrolment.Status.WITHDRAWN
    assert li.withdrawn_on == s[1].on
    assert "8.1" in li.withdraw_reason and "1/7" in li.withdraw_reason
    assert "《干部教育培训工作条例》（2023年修订）条款号待核" in li.withdraw_reason
    with pytest.raises(ValidationError):
        services.record_leave(users.taiyuan, s[2], li, "1", "又请假")


@pytest.mark.parametrize("total, allowed, over", [("50", "7.1", "7.2"), ("4.9", "0.7", "0.8"), ("7", "1", "1.1")])
def test_totals_whose_seventh_is_no_finite_decimal(tree, users, class_defaults, total, allowed, over):
    cls = make_class(tree.taiyuan, total=total, days=2, hours_per_day=total)
    by_person = enrol(users.taiyuan, cls, tree.people.zhangsan, tree.people.lisi)
    s = _sessions(cls)
    services.record_leave(users.taiyuan, s[0], by_person[tree.people.zhangsan.pk], allowed, "事假")
    services.record_leave(users.taiyuan, s[0], by_person[tree.people.lisi.pk], over, "事假")
    statuses = dict(Enrolment.objects.unrestricted().filter(training_class=cls).values_list("person_id", "status"))
    assert statuses == {tree.people.zhangsan.pk: "enrolled", tree.people.lisi.pk: "withdrawn"}


def test_a_class_not_off_the_job_withdraws_nobody(tree, users, class_defaults):
    cls = make_class(tree.taiyuan, off_job=False, kind="in_service")
    e = enrol(users.taiyuan, cls, tree.people.zhangsan)[tree.people.zhangsan.pk]
    s = _sessions(cls)
    for session in s[:3]:
        services.record_leave(users.taiyuan, session, e, "8", "工作冲突")
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ENROLLED


def test_a_department_may_set_another_limit(tree, users, class_defaults):
    LeavePolicy.objects.create(organization=tree.taiyuan, code="ty.leave", limit_numerator=1, limit_denominator=8,
                               warn_percent=50)
    cls = make_class(tree.taiyuan)  # 56 学时: 7 学时 allowed under 1/8
    e = enrol(users.taiyuan, cls, tree.people.zhangsan)[tree.people.zhangsan.pk]
    _, standing = services.record_leave(users.taiyuan, _sessions(cls)[0], e, "7.5", "事假")
    assert standing.over and standing.limit.text == "1/8"


def test_rules_judge_enrolments_over_and_near_the_limit(tree, users, rotation):
    p = tree.people
    by_person = enrol(users.taiyuan, rotation, p.zhangsan, p.lisi, p.wangwu)
    s = _sessions(rotation)
    # written without the service (an import of another system, a correction by hand): nobody withdrawn
    Attendance.objects.create(session=s[0], enrolment=by_person[p.zhangsan.pk], status="leave",
                              leave_hours=Decimal("8"), org_path=rotation.org_path)
    Attendance.objects.create(session=s[1], enrolment=by_person[p.zhangsan.pk], status="leave",
                              leave_hours=Decimal("0.5"), org_path=rotation.org_path)
    Attendance.objects.create(session=s[0], enrolment=by_person[p.lisi.pk], status="leave",
                              leave_hours=Decimal("6.4"), org_path=rotation.org_path)  # 80 % of 8
    Attendance.objects.create(session=s[0], enrolment=by_person[p.wangwu.pk], status="leave",
                              leave_hours=Decimal("6.3"), org_path=rotation.org_path)  # under 80 %
    rules.scan("", as_of=dt.date(2026, 11, 27))
    found = {(f.rule, f.person_id) for f in Finding.objects.unrestricted().open().filter(rule__startswith="training.class")}
    assert found == {("training.class_leave_over_limit", p.zhangsan.pk),
                     ("training.class_leave_near_limit", p.lisi.pk)}
    over = Finding.objects.unrestricted().get(rule="training.class_leave_over_limit")
    assert over.severity == "error" and "8.5" in over.detail and over.article == rules.UNVERIFIED_ARTICLE
    # the withdrawal resolves the error
    services.withdraw(users.taiyuan, by_person[p.zhangsan.pk], dt.date(2026, 11, 3), "请假超过规定")
    rules.scan("", as_of=dt.date(2026, 11, 27))
    assert not Finding.objects.unrestricted().open().filter(rule="training.class_leave_over_limit").exists()

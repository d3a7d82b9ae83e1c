"""Imports of classes and of class-level attendance: every bad row named in Chinese, nothing written on error; the
attendance totals kept on the enrolment, leave over 1/7 of a 脱产 class withdraws, 结业 credits the totals."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.workbooks import xlsx
from zugong.core.models import Job
from zugong.training import classes_services as services
from zugong.training.models import Credit, Enrolment, TrainingClass

from .classes_fixtures import *  # noqa: F403
from .classes_fixtures import make_class

CLASS_HEADER = ["序号", "班次代码", "班次名称", "主办单位代码", "培训类型", "是否脱产", "开始日期", "结束日期", "总学时"]
ATT_HEADER = ["序号", "班次代码", "公民身份号码", "姓名", "出勤学时", "请假学时"]


def _run(tmp_path, kind, rows, user):
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", kind, str(path), "--user", user.username)


def _errors():
    return "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])


def test_class_rows_with_errors_are_named_and_nothing_is_written(tree, users, class_defaults, tmp_path):
    make_class(tree.datong, code="DT-2026-01")
    rows = [CLASS_HEADER,
            [1, "TY-2026-11", "县处级干部集中轮训班", "1401", "集中轮训", "是", "2026-03-02", "2026-03-08", 56],
            [2, "TY-2026-12", "新任职干部培训班", "1402", "任职培训", "", "2026-04-01", "2026-04-05", 40],   # 3: org
            [3, "TY-2026-13", "专题班", "1401", "夜校", "", "2026-04-01", "2026-04-05", 40],                 # 4: type
            [4, "TY-2026-14", "专题班", "1401", "专题", "也许", "2026-04-05", "2026-04-01", 0],             # 5
            [5, "TY-2026-11", "重复", "1401", "专题培训", "", "2026-04-01", "2026-04-05", "7.25"],          # 6
            [6, "DT-2026-01", "别人的", "1401", "专题培训", "", "2026-04-01", "2026-04-05", 8]]             # 7
    with pytest.raises(CommandError):
        _run(tmp_path, "training-classes", rows, users.taiyuan)
    assert TrainingClass.objects.unrestricted().count() == 1
    errors = _errors()
    for expected in ("第3行“主办单位代码”列：1402 不是您管辖范围内的组织", "第4行“培训类型”列：“夜校”不是已启用的培训类型",
                     "第5行“是否脱产”列：“也许”应为“是”或“否”", "第5行“结束日期”列：结束日期 2026-04-01 早于开始日期",
                     "第5行“总学时”列：总学时应大于 0", "第6行“班次代码”列：与第2行的班次代码重复",
                     "第6行“总学时”列：学时 7.25 最多保留一位小数", "第7行“班次代码”列：班次代码 DT-2026-01 已被其他单位"):
        assert expected in errors, (expected, errors)
    _run(tmp_path, "training-classes", rows[:2] + [[2, "TY-2026-12", "在职学习班", "140105", "在职", "", "2026-04-01",
                                                    "2026-04-05", 16]], users.taiyuan)
    a, b = TrainingClass.objects.unrestricted().filter(code__startswith="TY").order_by("code")
    assert (a.kind, a.off_job, a.total_hours, a.organization) == ("rotation", True, Decimal(56), tree.taiyuan)
    assert (b.kind, b.off_job, b.organization) == ("in_service", False, tree.xiaodian)


def test_attendance_totals_errors_then_totals_leave_and_closing(tree, users, class_defaults, tmp_path):
    p = tree.people
    cls = make_class(tree.taiyuan, code="TY-2026-21", capacity=3)  # 56 学时: 8 allowed
    make_class(tree.datong, code="DT-2026-21")
    bad = [ATT_HEADER,
           [1, "TY-2026-21", p.zhangsan.id_number, "张三", 56, ""],
           [2, "DT-2026-21", p.lisi.id_number, "李四", 40, 0],                    # 3: class out of scope
           [3, "TY-2026-21", p.zhaoliu.id_number, "赵六", 40, 0],                 # 4: person out of scope
           [4, "TY-2026-21", p.lisi.id_number, "李二", 40, 0],                    # 5: name
           [5, "TY-2026-21", p.zhangsan.id_number, "张三", 40, 0],                # 6: duplicate
           [6, "TY-2026-21", p.wangwu.id_number, "王五", 50, 8],                  # 7: over the total
           [7, "TY-2026-21", p.wangwu.id_number, "王五", "四十", 0]]              # 8: not a number
    with pytest.raises(CommandError):
        _run(tmp_path, "training-attendance", bad, users.taiyuan)
    assert not Enrolment.objects.unrestricted().exists()
    errors = _errors()
    for expected in ("第3行“班次代码”列：DT-2026-21 不是您可以修改的培训班次", "第4行“公民身份号码”列：",
                     "第5行“姓名”列：姓名“李二”与该公民身份号码登记的姓名“李四”不一致",
                     "第6行“公民身份号码”列：与第2行重复", "第7行“出勤学时”列：出勤 50 学时与请假 8 学时之和超过班次总学时 56",
                     "第8行“出勤学时”列：“四十”不是数字"):
        assert expected in errors, (expected, errors)
    good = [ATT_HEADER,
            [1, "TY-2026-21", p.zhangsan.id_number, "张三", 56, ""],
            [2, "TY-2026-21", p.lisi.id_number, "李四", 48, 8],       # exactly 1/7
            [3, "TY-2026-21", p.wangwu.id_number, "王五", "47.5", "8.5"]]  # above: 退学
    _run(tmp_path, "training-attendance", good, users.taiyuan)
    rows = {e.person_id: e for e in Enrolment.objects.unrestricted().filter(training_class=cls)}
    assert (rows[p.lisi.pk].hours_total, rows[p.lisi.pk].leave_total, rows[p.lisi.pk].status) == (
        Decimal(48), Decimal(8), "enrolled")
    assert rows[p.wangwu.pk].status == "withdrawn" and "8.5" in rows[p.wangwu.pk].withdraw_reason
    services.close_class(users.taiyuan, cls)
    credited = dict(Credit.objects.unrestricted().values_list("person_id", "hours"))
    assert credited == {p.zhangsan.pk: Decimal(56), p.lisi.pk: Decimal(48)}

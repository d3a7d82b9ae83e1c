"""`zugong import service-tasks`: every bad row named in Chinese, nothing written on any error; deadlines from the
working calendar (the class's default when 办结时限 is empty)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.workbooks import xlsx
from zugong.core.models import Job
from zugong.service.models import ServiceTask

from .tasks_fixtures import *  # noqa: F403 — fixtures (calendar, service_defaults, svc)
from .tasks_fixtures import D

HEADER = ["序号", "事项名称", "类别", "来源", "责任组织代码", "责任人公民身份号码", "紧急程度", "受理日期", "办结时限（工作日）"]


def _run(tmp_path, rows, user):
    path = tmp_path / "tasks.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", "service-tasks", str(path), "--user", user.username)


def _errors():
    return "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])


def test_bad_rows_are_named_and_nothing_is_written(svc, users, tmp_path):
    zhang = svc.people.zhangsan.id_number
    rows = [HEADER,
            [1, "修缮红星小区路灯", "民生服务", "12345热线", "14010501", zhang, "限期办", "2026-02-12", 8],
            [2, "村道硬化", "", "", "14021301", "", "限期办", "2026-02-12", ""],            # 3: other city
            [3, "加装电梯", "养老", "走访收集", "14010501", "", "马上办", "2026-02-12", ""],    # 4: category, urgency
            [4, "清理河道", "", "网络", "14010501", "", "立刻办", "2024-12-20", "0"],          # 5: source, limit, calendar
            [5, "路面修补", "", "", "14010501", zhang[:-1] + "X", "立刻办", "2026-12-20", ""],  # 6: id, future
            ]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan)
    assert not ServiceTask.objects.unrestricted().exists()
    errors = _errors()
    for expected in ("第3行“责任组织代码”列：14021301 不是您管辖范围内的组织",
                     "第4行“类别”列：“养老”不是适用的事项类别",
                     "第4行“紧急程度”列：“马上办”不是适用的紧急程度（立刻办、限期办、分期办）",
                     "第5行“来源”列：“网络”应为", "第5行“办结时限（工作日）”列：“0”应为 1 至 3650 之间的整数",
                     "第6行“责任人公民身份号码”列", "第6行“受理日期”列：受理日期 2026-12-20 晚于今天"):
        assert expected in errors, (expected, errors)


def test_rows_outside_the_calendar_are_refused(svc, users, tmp_path):
    rows = [HEADER, [1, "清理河道", "", "", "14010501", "", "立刻办", "2024-12-20", ""]]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan)
    assert "第2行“受理日期”列：工作日历未包含 2024 年" in _errors()


def test_import_computes_deadlines_on_the_calendar(svc, users, tmp_path):
    zhang = svc.people.zhangsan
    rows = [HEADER,
            [1, "修缮红星小区路灯", "民生服务", "12345热线", "14010501", zhang.id_number, "限期办", "2026-02-12", 8],
            [2, "加装电梯", "", "", "140105", "", "立刻办", "2026-02-12", ""]]
    _run(tmp_path, rows, users.taiyuan)
    lamp, lift = ServiceTask.objects.unrestricted().order_by("pk")
    assert (lamp.deadline, lamp.limit_workdays, lamp.source, lamp.owner, lamp.category.name) == (
        D(2026, 3, 2), 8, "hotline", zhang, "民生服务")
    assert (lift.deadline, lift.limit_workdays, lift.source, lift.organization) == (
        D(2026, 2, 24), 3, "visit", svc.xiaodian)
    assert lamp.number == f"BS-2026-{lamp.pk:06d}" and lamp.org_path == svc.b1.path
    assert lamp.steps.unrestricted().get().kind == "receive" and lamp.status == "pending"

"""Importing course study from .xlsx (`zugong import course-study`): every bad row named in Chinese, nothing
written on error; the valid rows written through the service and credited to the ledger."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.workbooks import xlsx
from zugong.core.models import Job
from zugong.training import courses_services as services
from zugong.training.models import Course, Credit, StudyLog

from .courses_fixtures import *  # noqa: F403 — fixtures (categories, course, national)

pytestmark = pytest.mark.django_db
HEADER = ["序号", "课程代码", "课程名称", "公民身份号码", "姓名", "学习日期", "学习时长（分钟）", "考试通过"]


def _run(tmp_path, rows, user):
    path = tmp_path / "课程学习.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", "course-study", str(path), "--user", user.username)


def _errors() -> str:
    return "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])


def test_every_bad_row_is_named_and_nothing_is_written(tree, users, course, national, categories, tmp_path):
    p = tree.people
    services.create_course(users.taiyuan, Course(organization=tree.xiaodian, code="XD-01", title="党史学习专题",
                                                 minutes=30, category=categories["党史学习"]))  # same title
    services.create_course(users.taiyuan, Course(organization=tree.taiyuan, code="TY-OLD", title="旧课程",
                                                 minutes=30, category=categories["其他"], active=False))
    services.record_study(users.taiyuan, course, [p.wangwu], studied_on=dt.date(2026, 11, 2), minutes=45)
    rows = [
        HEADER,
        [1, "TY-TH-01", "", p.zhangsan.id_number, "张三", "2026-11-02", 45, "是"],           # 2: good
        [2, "", "", p.lisi.id_number, "李四", "2026-11-02", 45, ""],                          # 3: no course
        [3, "NOPE-1", "", p.lisi.id_number, "李四", "2026-11-02", 45, ""],                    # 4: unknown code
        [4, "", "党史学习专题", p.lisi.id_number, "李四", "2026-11-02", 45, ""],              # 5: two of the title
        [5, "TY-TH-01", "", p.zhaoliu.id_number, "赵六", "2026-11-02", 45, ""],               # 6: 大同
        [6, "TY-TH-01", "", p.lisi.id_number, "王二", "2026-11-02", 45, ""],                  # 7: name
        [7, "TY-TH-01", "", p.lisi.id_number, "李四", "2027-01-02", 45, ""],                  # 8: future
        [8, "TY-TH-01", "", p.lisi.id_number, "李四", "2026-11-03", 0, ""],                   # 9: minutes
        [9, "QG-DS-01", "", p.lisi.id_number, "李四", "2026-11-03", 90, "是"],                # 10: no test
        [10, "TY-TH-01", "", p.zhangsan.id_number, "张三", "2026-11-02", 30, "否"],           # 11: dup of 2
        [11, "TY-TH-01", "", p.wangwu.id_number, "王五", "2026-11-02", 45, ""],               # 12: recorded
        [12, "TY-OLD", "", p.lisi.id_number, "李四", "2026-11-02", 45, ""],                   # 13: inactive
        [13, "TY-TH-01", "", p.lisi.id_number, "李四", "2026-11-04", 45, "也许"],             # 14: yes/no
        [14, "TY-TH-01", "", "140105198005171234", "李四", "2026-11-04", 45, ""],             # 15: bad number
    ]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan)
    assert StudyLog.objects.unrestricted().count() == 1 and Credit.objects.unrestricted().count() == 1
    errors = _errors()
    for expected in ("第3行“课程代码”列：课程代码和课程名称至少填一项",
                     "第4行“课程代码”列：没有您可以看到的课程代码为“NOPE-1”的课程",
                     "第5行“课程名称”列：有 2 门名为“党史学习专题”的课程", "第6行“公民身份号码”列：",
                     "不是您管辖范围内（可登记学习）的人员", "第7行“姓名”列：姓名“王二”与该公民身份号码登记的姓名“李四”不一致",
                     "第8行“学习日期”列：学习日期 2027-01-02 晚于今天", "第9行“学习时长（分钟）”列：学习时长应大于 0 分钟",
                     "第10行“考试通过”列：课程“党史学习专题”没有课后测试", "第11行“学习日期”列：与第2行重复",
                     "第12行“学习日期”列：王五在 2026-11-02 已有课程“太行精神的时代内涵”的学习记录",
                     "第13行“课程代码”列：课程“旧课程”已停用", "第14行“考试通过”列：“也许”应为“是”或“否”",
                     "第15行“公民身份号码”列："):
        assert expected in errors, (expected, errors)
    assert not any(line.startswith("第2行") for line in errors.splitlines())
    assert tree.people.zhaoliu.id_number not in errors  # named masked


def test_valid_rows_are_recorded_and_credited(tree, users, course, national, tmp_path):
    p = tree.people
    rows = [HEADER,
            [1, "TY-TH-01", "", p.zhangsan.id_number, "张三", dt.datetime(2026, 11, 2), 45, "是"],
            [2, "", "太行精神的时代内涵", p.lisi.id_number, "李四", "2026-11-02", "20", "否"],
            [3, "QG-DS-01", "", p.wangwu.id_number, "", "2026-10-09", 90, ""]]
    _run(tmp_path, rows, users.taiyuan)
    logs = {log.person.name: log for log in StudyLog.objects.unrestricted().select_related("person")}
    assert set(logs) == {"张三", "李四", "王五"}
    assert logs["张三"].passed_test and logs["张三"].recorded_by == users.taiyuan
    hours = {c.person.name: c.hours for c in Credit.objects.unrestricted().select_related("person")}
    assert hours == {"张三": Decimal("1.5"), "李四": Decimal("0.5"), "王五": Decimal("2")}
    # the same file again: every row already recorded, nothing more written
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan)
    assert "已有课程" in _errors() and StudyLog.objects.unrestricted().count() == 3


def test_the_template(users, login, course):
    client = login(users.taiyuan)
    r = client.get("/core/imports/template/course-study.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    header = next(wb.active.iter_rows(values_only=True))
    assert [h.rstrip("*") for h in header[1:]] == [*HEADER[1:], "学习方式"]
    example = list(wb.active.iter_rows(values_only=True))[1]
    assert "TY-TH-01" in example  # an example course the user sees
    assert "课程学习记录" in client.get("/core/imports/").content.decode()

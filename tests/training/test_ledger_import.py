"""`zugong import online-learning FILE --source NAME`: rows credited by the online rule; unknown people, name
mismatches, impossible dates and duplicates (in the file, already imported) named per row; nothing written on
any error."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from zugong.core.models import AuditEntry
from zugong.training.models import Credit

from .ledger_fixtures import install_defaults, person_hours

HEADERS = ["公民身份号码", "姓名", "课程名称", "学习时长（分钟）", "完成日期", "考试通过"]
pytestmark = pytest.mark.django_db


def _xlsx(tmp_path, rows, headers=HEADERS, name="online.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(list(r))
    target = tmp_path / name
    wb.save(target)
    return target


def _run(path, source="山西干部在线学院", user="admin"):
    out, err = io.StringIO(), io.StringIO()
    args = ["import", "online-learning", str(path), "--user", user]
    if source:
        args += ["--source", source]
    try:
        call_command(*args, stdout=out, stderr=err)
        return True, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return False, str(exc), err.getvalue()


@pytest.fixture
def ready(tree, users):
    install_defaults()
    return tree


def test_import_credits_by_the_online_rule(ready, tmp_path):
    z, w = ready.people.zhangsan, ready.people.wangwu
    rows = [(z.id_number, z.name, "党史专题", 30, "2025-04-01", "是"),
            (z.id_number, z.name, "政策解读", 15, "2025-04-02", "否"),
            (z.id_number, z.name, "微课", 14, "2025-04-03", ""),
            (w.id_number, w.name, "党史专题", 29, "2025/4/1", "否")]
    ok, out, err = _run(_xlsx(tmp_path, rows))
    assert ok, (out, err)
    assert person_hours(z, 2025) == {"online": Decimal("2.25")}  # 1 + 0.5 + 0.5 + 0.25
    assert person_hours(w, 2025) == {"online": Decimal("0.5")}
    line = Credit.objects.unrestricted().get(person=z, source_label="党史专题")
    assert (line.provider, line.source, line.rule) == ("山西干部在线学院", "training.online", "training.credit.online")
    assert AuditEntry.objects.unrestricted().filter(model="training.credit", action="create").count() == 4


def test_import_names_every_bad_row_and_writes_nothing(ready, tmp_path):
    z, zl = ready.people.zhangsan, ready.people.zhaoliu
    ok, *_ = _run(_xlsx(tmp_path, [(z.id_number, z.name, "已学课程", 40, "2025-03-01", "否")], name="first.xlsx"))
    assert ok
    rows = [
        (z.id_number, z.name, "党史专题", 30, "2025-04-01", "是"),
        (z.id_number, z.name, "党史专题", 45, "2025-04-01", "否"),  # the same course, day and source again
        (z.id_number, "张叁", "政策解读", 30, "2025-04-02", "是"),  # name mismatch
        ("110101199003077777", "某人", "政策解读", 30, "2025-04-02", "是"),  # malformed ID number
        (zl.id_number, zl.name, "政策解读", 30, "2025-04-02", "是"),  # 大同: out of 太原's scope
        (z.id_number, z.name, "未来课程", 30, "2027-01-05", "是"),  # after today (2026-11-27)
        (z.id_number, z.name, "坏日期", 30, "2025-02-30", "是"),  # no such day
        (z.id_number, z.name, "已学课程", 40, "2025-03-01", "否"),  # imported before
        (z.id_number, z.name, "时长", 0, "2025-05-01", "可能"),
    ]
    ok, out, err = _run(_xlsx(tmp_path, rows), user="ty_admin")
    assert not ok and "未导入任何数据" in out
    assert "第3行“课程名称”列：与第2行重复" in err
    assert "第4行“姓名”列：姓名“张叁”与该公民身份号码登记的姓名“张三”不一致" in err
    assert "第5行“公民身份号码”列" in err
    assert f"第6行“公民身份号码”列：{zl.id_number} 不是您管辖范围内登记的人员" in err
    assert "第7行“完成日期”列：完成日期 2027-01-05 晚于今天" in err
    assert "第8行“完成日期”列：日期“2025-02-30”不存在" in err
    assert "第9行“课程名称”列：该课程已于此前导入" in err
    assert "第10行“学习时长（分钟）”列" in err and "第10行“考试通过”列" in err
    assert Credit.objects.unrestricted().count() == 1  # only the first file's


def test_import_needs_a_source(ready, tmp_path):
    z = ready.people.zhangsan
    ok, out, err = _run(_xlsx(tmp_path, [(z.id_number, z.name, "党史专题", 30, "2025-04-01", "是")]), source="")
    assert not ok and "第2行“学习平台”列：未指明学习平台" in err
    ok, out, err = _run(_xlsx(tmp_path, [(z.id_number, z.name, "党史专题", 30, "2025-04-01", "是", "某县党员教育平台")],
                              headers=[*HEADERS, "学习平台"], name="with.xlsx"), source="")
    assert ok, (out, err)
    assert Credit.objects.unrestricted().get().provider == "某县党员教育平台"

"""The checks (审核要点) and the report workflow (上报 / 冻结 / 退回): frozen figures do not move, a return and a
resubmission replace them (audited), the level above sees and returns, a sibling does neither, submission is
refused with an error or an unexplained 需说明, and 上年底总数 equals last year's submitted 实有数."""

import datetime as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.stats.fixtures import member as _member


def member(*args, person_fields=None, **kwargs):
    """A member with a 学历 (本科) unless the test says otherwise: 表4's 总数 = the education columns would
    otherwise fail for every member and block 上报."""
    return _member(*args, person_fields={"education": "20", **(person_fields or {})}, **kwargs)
from zugong.core.models import AuditEntry, LocalRule
from zugong.stats import checks, definitions, figures
from zugong.stats import reports_services as services
from zugong.stats.defaults import install_checks
from zugong.stats.engine import Grid
from zugong.stats.models import Edition, FrozenTable, Report

pytestmark = pytest.mark.django_db
DAY = D.date(2025, 12, 31)
LAST = D.date(2024, 12, 31)


@pytest.fixture
def installed(db):
    """The 2017 edition with table 2 only: these tests are about the workflow and the checks, on figures known
    by hand (the other tables' formulas would ask for data the fixtures leave out, e.g. table 4's education)."""
    from zugong.stats.models import TableDef

    definitions.install("2017")
    TableDef.objects.filter(edition__code="2017").exclude(number=2).delete()
    return definitions.load("2017")


def _open(user, org, day=DAY):
    report = services.open_report(user, org, day, "2017")
    return services.save_cover(user, report, responsible="王书记", preparer="李干事", phone="0351-1234567")


def _t2(org, day=DAY, report=None):
    return figures.figures(org, day, [definitions.load_table("2017", 2)], report=report)[2]


def _steps(report):
    return [c["label"] for e in AuditEntry.objects.unrestricted().of_records(report).filter(action="step")
            .order_by("id") for c in e.changes if c.get("label") in ("上报", "退回")]


# ------------------------------------------------------------------ frozen means frozen


def test_submit_freezes_and_a_return_and_resubmission_replace_the_figures(tree, users, installed):
    first = member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    report = services.submit(users.taiyuan, _open(users.taiyuan, tree.taiyuan))
    assert report.status == Report.Status.SUBMITTED and report.submitted_by == users.taiyuan
    assert report.data_as_of is not None
    assert FrozenTable.objects.unrestricted().filter(report=report).count() == len(installed)
    assert _t2(tree.taiyuan, report=report).values[0][0] == 1

    member(tree.b2, "乙", 22, joined=D.date(2025, 3, 1), status="probationary",
           person_fields={"occupation_class": "60"})  # a new member counted on DAY
    first.person.occupation_class = "13"
    first.person.save()  # an edited record
    frozen = _t2(tree.taiyuan, report=report)
    assert frozen.values[0][0] == 1 and frozen.values[3][0] == 1 and frozen.values[5][0] == 0
    assert _t2(tree.taiyuan).values[0][0] == 2  # without the report: computed now

    with pytest.raises(ValidationError, match="已冻结"):
        services.save_cover(users.taiyuan, report, responsible="张", preparer="李")
    with pytest.raises(ValidationError, match="只能退回已上报|理由"):
        services.return_report(users.admin, report, "  ")
    services.return_report(users.admin, report, "表2 职业分类有误，请核实")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.return_reason == "表2 职业分类有误，请核实"
    row = FrozenTable.objects.unrestricted().get(report=report, number=2)
    assert row.values[0][0] == 1  # kept until the resubmission
    assert _t2(tree.taiyuan, report=report).values[0][0] == 2  # live again while returned

    # 乙 has no recruitment case (not counted as 发展党员): 表1's 差 of 1 asks for an explanation
    for f in services.findings(report):
        if f.severity == checks.EXPLAIN and not f.explained:
            services.explain(users.taiyuan, report, f.code, f.number, f.row, f.col, "已核实")
    services.submit(users.taiyuan, report)
    row = FrozenTable.objects.unrestricted().get(report=report, number=2)
    assert row.values[0][0] == 2 and row.values[5][0] == 1
    assert FrozenTable.objects.unrestricted().filter(report=report).count() == len(installed)
    assert _steps(report) == ["上报", "退回", "上报"]


def test_submit_is_refused_with_an_error_or_an_unexplained_named_list_or_no_cover(tree, users, installed):
    member(tree.b1, "甲", 21)  # no occupation class: counted in 总计, in no row → r0 = r1 + … fails
    report = services.open_report(users.taiyuan, tree.taiyuan, DAY, "2017")
    with pytest.raises(ValidationError, match="单位负责人、填表人"):
        services.submit(users.taiyuan, report)
    report = _open(users.taiyuan, tree.taiyuan)
    found = services.findings(report)
    errors = [f for f in found if f.severity == checks.ERROR]
    assert errors and errors[0].code.startswith("formula:") and (errors[0].row, errors[0].col) == (0, 0)
    assert "左边为 1，右边为 0" in errors[0].message and checks.GUIDE in errors[0].source
    with pytest.raises(ValidationError, match="错误"):
        services.submit(users.taiyuan, report)
    assert Report.objects.unrestricted().get(pk=report.pk).status == Report.Status.DRAFT

    m = member(tree.b2, "乙", 23, person_fields={"occupation_class": "50", "student_level": "undergraduate", "student_year": "final"}, birth=D.date(1970, 1, 1))  # 55
    m.person.__class__.objects.filter(occupation_class="").update(occupation_class="11")
    found = services.findings(report)
    assert not [f for f in found if f.severity == checks.ERROR]
    named = [f for f in found if f.severity == checks.EXPLAIN]
    assert [(f.code, f.number, f.row, f.col) for f in named] == [("named_list:1", 2, None, None)]
    assert "46岁及以上的学生党员" in named[0].message and "共 1 名" in named[0].message
    assert checks.CHECK_POINTS in named[0].source and named[0].blocking
    with pytest.raises(ValidationError, match="需说明"):
        services.submit(users.taiyuan, report)
    with pytest.raises(ValidationError):
        services.explain(users.taiyuan, report, "named_list:1", 2, None, None, "  ")
    services.explain(users.taiyuan, report, "named_list:1", 2, None, None, "该同志为在职研究生，已核实")
    found = services.findings(report)
    assert found[0].explained and found[0].explanation == "该同志为在职研究生，已核实"
    assert services.submit(users.taiyuan, report).status == Report.Status.SUBMITTED


def test_a_sibling_neither_sees_nor_returns_and_the_organization_does_not_return_its_own(
        tree, users, installed, login):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    report = services.submit(users.taiyuan, _open(users.taiyuan, tree.taiyuan))
    assert not Report.objects.visible_to(users.datong).filter(pk=report.pk).exists()
    assert Report.objects.visible_to(users.admin).filter(pk=report.pk).exists()
    with pytest.raises(PermissionDenied):
        services.return_report(users.datong, report, "看不到也不能退回")
    with pytest.raises(PermissionDenied):
        services.return_report(users.taiyuan, report, "本级不能退回本级")
    with pytest.raises(PermissionDenied):
        services.open_report(users.datong, tree.taiyuan, DAY, "2017")
    with pytest.raises(PermissionDenied):
        services.submit(users.reader, report)
    client = login(users.datong)
    assert client.get("/stats/report/", {"organization": "1401", "date": "2025-12-31"}).status_code == 404
    client.post("/stats/report/", {"organization": "1401", "date": "2025-12-31", "action": "return",
                                   "reason": "x"})
    assert Report.objects.unrestricted().get(pk=report.pk).status == Report.Status.SUBMITTED
    page = client.get("/stats/subordinates/", {"organization": "14", "date": "2025-12-31"})
    assert page.status_code == 404


# ------------------------------------------------------------------ the pages


def test_the_report_page_fills_submits_and_the_level_above_returns(tree, users, installed, login):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "50", "student_level": "undergraduate", "student_year": "final"}, birth=D.date(1970, 1, 1))
    client = login(users.taiyuan)
    q = {"organization": "1401", "date": "2025-12-31"}
    page = client.get("/stats/report/", q)
    assert page.status_code == 200 and "未上报" in page.content.decode() and "查看名单" in page.content.decode()
    client.post("/stats/report/", {**q, "action": "cover", "responsible": "王书记", "preparer": "李干事",
                                   "phone": "0351-1234567"})
    client.post("/stats/report/", {**q, "action": "submit"})
    report = Report.objects.unrestricted().get(organization=tree.taiyuan)
    assert report.status == Report.Status.DRAFT and report.preparer == "李干事"
    client.post("/stats/report/", {**q, "action": "explain", "code": "named_list:1", "number": "2", "row": "",
                                   "col": "", "text": "已核实"})
    names = client.get("/stats/check-list/", {**q, "number": "2", "check": "1"})
    assert names.status_code == 200 and "甲" in names.content.decode()
    client.post("/stats/report/", {**q, "action": "submit"})
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    page = client.get("/stats/report/", q).content.decode()
    assert "已上报" in page and "已冻结" in page and 'id="return-report"' not in page

    above = login(users.admin)
    page = above.get("/stats/report/", q).content.decode()
    assert 'id="return-report"' in page
    above.post("/stats/report/", {**q, "action": "return", "reason": "请核实学生党员"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert "请核实学生党员" in above.get("/stats/report/", q).content.decode()


def test_the_subordinates_page_sums_the_submitted_reports(tree, users, installed, login):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    member(tree.b2, "乙", 22, person_fields={"occupation_class": "11"})
    member(tree.b3, "丙", 25, area="140213", person_fields={"occupation_class": "60"})
    services.submit(users.taiyuan, _open(users.taiyuan, tree.taiyuan))
    client = login(users.admin)
    q = {"organization": "14", "date": "2025-12-31", "table": "2"}
    page = client.get("/stats/subordinates/", q).content.decode()
    assert "已上报 1 / 2" in page and 'id="missing"' in page and "中共大同市委员会" in page.split('id="missing"')[1]
    assert page.count("未上报") >= 1
    services.submit(users.datong, _open(users.datong, tree.datong))
    response = client.get("/stats/subordinates/", q)
    total = response.context["total_rows"]
    assert total[0]["values"][0] == 3 and total[3]["values"][0] == 2 and total[21]["values"][0] == 1
    assert [p["values"][0] for p in response.context["per_org"]] == [2, 1]
    assert 'id="missing"' not in response.content.decode()


# ------------------------------------------------------------------ the checks on small tables


T1 = {"number": 1, "title": "党员数量变化情况", "population": "members",
      "rows": [{"label": "一、上年底总数"}, {"label": "恢复党籍"}, {"label": "停止党籍"}, {"label": "本年底实有数"},
               {"label": "实有数与应有数之差"}],
      "columns": [{"label": "人数"}]}


def _last_year(org, number, values):
    edition = Edition.objects.get(code="2017")
    report = Report.objects.create(organization=org, edition=edition, as_of=LAST, status=Report.Status.SUBMITTED)
    FrozenTable.objects.create(report=report, number=number, values=values,
                               sources=[["computed"] * len(values[0]) for _ in values])
    return report


def _run(org, table, values, report=None):
    grid = Grid(table.number, values, [["computed"] * len(values[0]) for _ in values])
    return checks.run(report, org, DAY, [table], {table.number: grid})


def test_start_equals_last_end(tree, installed):
    t1 = definitions.Table.from_json(T1)
    found = _run(tree.taiyuan, t1, [[120], [0], [0], [118], [0]])
    assert [(f.code, f.severity) for f in found] == [("carry_over", checks.NOTE)]
    assert "没有本组织上年底" in found[0].message

    _last_year(tree.taiyuan, 1, [[100], [0], [0], [120], [0]])
    assert _run(tree.taiyuan, t1, [[120], [0], [0], [118], [0]]) == []
    found = _run(tree.taiyuan, t1, [[121], [2], [1], [118], [3]])
    by_code = {(f.code, f.row): f for f in found}
    wrong = by_code[("carry_over", 0)]
    assert wrong.severity == checks.ERROR and "121" in wrong.message and "120" in wrong.message
    assert "相差 1" in wrong.message
    assert by_code[("named_list", 1)].severity == checks.EXPLAIN and by_code[("named_list", 1)].list_query
    assert by_code[("named_list", 2)].severity == checks.EXPLAIN
    assert by_code[("difference", 4)].severity == checks.EXPLAIN
    # another organization's last year, or a draft, is not this one's
    assert [f.severity for f in _run(tree.datong, t1, [[120], [0], [0], [118], [0]])] == [checks.NOTE]


def test_formulas_name_both_sides(tree, installed):
    t = definitions.Table.from_json({
        "number": 90, "title": "试验", "population": "members",
        "rows": [{"label": "合计"}, {"label": "甲"}, {"label": "乙"}], "columns": [{"label": "总数"}, {"label": "女"}],
        "formulas": ["r0 = r1 + r2", "c0 >= c1", "R2C1 <= R1C1"]})
    found = _run(tree.taiyuan, t, [[5, 3], [2, 1], [2, 4]])
    got = {(f.code, f.row, f.col): f.message for f in found}
    assert set(got) == {("formula:0", 0, 0), ("formula:0", 0, 1), ("formula:1", 2, 0), ("formula:2", 2, 1)}
    assert "左边为 5，右边为 4，相差 1" in got[("formula:0", 0, 0)]
    # the relation as printed on the form: 行次 and 栏次 from 1, never the definition's 0-based r0/c1
    assert "不符合表内关系“第1行 = 第2行 + 第3行”（各栏）" in got[("formula:0", 0, 0)]
    assert "“第1栏 ≥ 第2栏”（各行）" in got[("formula:1", 2, 0)]
    assert "“第3行第2栏 ≤ 第2行第2栏”，" in got[("formula:2", 2, 1)]
    assert "左边为 2，右边为 4" in got[("formula:1", 2, 0)]
    assert all(f.severity == checks.ERROR and f.blocking for f in found)
    # a cell not filled in leaves its formula unchecked
    assert [f.code for f in _run(tree.taiyuan, t, [[None, 2], [2, 1], [2, 1]])] == []


def test_year_on_year_thresholds_are_configuration(tree, installed):
    t = definitions.Table.from_json({
        "number": 91, "title": "试验", "population": "members",
        "rows": [{"label": "总计"}, {"label": "甲"}, {"label": "乙"}],
        "columns": [{"label": "总数"}, {"label": "女"}],
        "checks": [{"code": "yoy", "cells": "col:1", "text": "女党员变化较大的，请说明原因"}]})
    assert _run(tree.taiyuan, t, [[0, 125], [0, 115], [0, 19]]) == []  # no last year: nothing to compare
    _last_year(tree.taiyuan, 91, [[0, 100], [0, 100], [0, 10]])
    found = [f for f in _run(tree.taiyuan, t, [[0, 125], [0, 115], [0, 19]]) if f.code == "yoy"]
    assert [(f.row, f.col) for f in found] == [(0, 1)]  # +25 (25 %); +15 is 15 %; +9 is under 10 people
    assert "本年 125，上年已上报 100，增加 25（25.0%）" in found[0].message
    assert "女党员变化较大的" in found[0].message and found[0].severity == checks.EXPLAIN

    install_checks(tree.root)
    row = LocalRule.objects.unrestricted().get(code="stats.yoy")
    row.params = {"percent": 10, "min_people": 5}
    row.save()
    found = [f for f in _run(tree.taiyuan, t, [[0, 125], [0, 115], [0, 19]]) if f.code == "yoy"]
    assert [(f.row, f.col) for f in found] == [(0, 1), (1, 1), (2, 1)]
    assert "变化幅度 10%、且至少 5 名" in found[1].message


def test_named_list_cells_link_to_the_counted_rows_only(tree, installed):
    t = definitions.Table.from_json({
        "number": 92, "title": "试验", "population": "members",
        "rows": [{"label": "总计"}, {"label": "恢复党籍"}, {"label": "其他"}], "columns": [{"label": "人数"}],
        "cells": [{"rows": [2], "cols": "*", "source": "manual"}],
        "checks": [{"code": "named_list", "cells": [[1, 0], [2, 0]], "text": "附名单"}]})
    found = _run(tree.taiyuan, t, [[3], [1], [2]])
    assert [(f.code, f.row, f.severity) for f in found] == [("named_list:0", 1, checks.EXPLAIN),
                                                           ("named_list:0", 2, checks.EXPLAIN)]
    assert "row=1" in found[0].list_query and found[1].list_query == ""  # entered by hand: no list
    assert _run(tree.taiyuan, t, [[3], [0], [0]]) == []

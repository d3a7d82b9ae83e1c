"""Importing the recruitment ledger (发展党员台账): exact errors per row and column, nothing written when a
row is wrong (all mode), new people created, and a scan that opens the ledger's past violations."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from zugong.core.models import Finding, Job
from zugong.members.models import Membership
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person
from zugong.recruitment.importers import RecruitmentImporter
from zugong.recruitment.models import Case, CaseContact, Step

pytestmark = [pytest.mark.django_db]

HEADER = [c.header for c in RecruitmentImporter.columns]
NEW_A = make_id_number("140105", dt.date(1998, 5, 4), 401)
NEW_B = make_id_number("140105", dt.date(1999, 7, 8), 402)
NEW_C = make_id_number("140105", dt.date(2000, 9, 9), 403)
BAD_CHECK = NEW_B[:-1] + ("1" if NEW_B[-1] != "1" else "2")
UNKNOWN = make_id_number("140105", dt.date(1960, 1, 1), 405)


def ledger_row(**values):
    return [values.get(h) for h in HEADER]


def xlsx(rows) -> bytes:
    wb = Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def admitted_row(name, number, members, **extra):
    """A case admitted in 2023 and converted in 2025, with a late talk and a short training (past violations)."""
    values = {
        "姓名": name, "公民身份号码": number, "所在党组织代码": "14010501", "重点群体": "产业工人",
        "递交入党申请书日期": "2022-03-01", "谈话日期": "2022-04-15", "确定入党积极分子日期": "2022-09-10",
        "确定发展对象日期": "2023-10-12", "政治审查结论日期": "2023-11-20", "集中培训开始日期": "2023-11-06",
        "集中培训结束日期": "2023-11-07", "集中培训学时": 16, "入党积极分子备案日期": "2022-09-12",
        "培养教育考察日期": "2023-03-10、2023-09-10", "发展对象备案日期": "2023-10-15", "支部委员会审查日期": "2023-11-25",
        "上级党委预审日期": "2023-12-01", "支部大会讨论日期": "2023-12-20", "应到会有表决权正式党员数": 12,
        "实到会有表决权正式党员数": 11, "赞成票数": 11, "上级党委派人谈话日期": "2024-01-05",
        "上级党委审批日期": "2024-01-15",
        "入党宣誓日期": "2024-02-01", "转正申请日期": "2024-12-01", "转正支部大会日期": "2024-12-20",
        "转正审批日期": "2025-01-10",
        "培养联系人1公民身份号码": members.a.id_number, "培养联系人2公民身份号码": members.b.id_number,
        "入党介绍人1公民身份号码": members.a.id_number, "入党介绍人2公民身份号码": members.c.id_number,
    }
    return ledger_row(**(values | extra))


def messy(tree, members):
    zhangsan = tree.people.zhangsan.id_number
    return [
        admitted_row("钱一", NEW_A, members),  # row 2: fine (with past violations)
        ledger_row(姓名="孙二", 公民身份号码=NEW_C, 所在党组织代码="14010501", 递交入党申请书日期="2024-05-10",
                   谈话日期="2024-05-01"),  # row 3: talk before the application
        ledger_row(姓名="李三", 公民身份号码=BAD_CHECK, 所在党组织代码="14010501", 递交入党申请书日期="2024-05-10"),
        ledger_row(姓名="周四", 公民身份号码=make_id_number("140213", dt.date(1997, 1, 1), 407),
                   所在党组织代码="14021301", 递交入党申请书日期="2024-05-10"),  # row 5: 大同, not ours
        ledger_row(姓名="吴五", 公民身份号码=make_id_number("140105", dt.date(1997, 2, 2), 409),
                   所在党组织代码="14010501", 递交入党申请书日期="2024-05-10", 确定入党积极分子日期="2024-11-10",
                   培养联系人1公民身份号码=UNKNOWN),  # row 6: sponsor not registered
        ledger_row(姓名="郑六", 公民身份号码=make_id_number("140105", dt.date(1997, 3, 3), 411),
                   所在党组织代码="14010501", 递交入党申请书日期="2022-05-10", 确定入党积极分子日期="2022-11-10",
                   确定发展对象日期="2023-11-20", 支部大会讨论日期="2024-03-01", 应到会有表决权正式党员数=9,
                   实到会有表决权正式党员数=10, 赞成票数=8),  # row 7: more present than expected
        ledger_row(姓名="王七", 公民身份号码=make_id_number("140105", dt.date(1997, 4, 4), 413),
                   所在党组织代码="14010501", 递交入党申请书日期="2023-02-30"),  # row 8: no such date
        ledger_row(姓名="张叁", 公民身份号码=zhangsan, 所在党组织代码="14010501",
                   递交入党申请书日期="2024-05-10"),  # row 9: registered as 张三
        admitted_row("钱一", NEW_A, members),  # row 10: same person as row 2
        ledger_row(姓名="冯九", 公民身份号码=make_id_number("140105", dt.date(1997, 5, 5), 415),
                   所在党组织代码="14010501", 递交入党申请书日期="2023-05-10",
                   确定发展对象日期="2024-06-01"),  # row 11: a candidate who was never an activist
        ledger_row(姓名="陈十", 公民身份号码=make_id_number("140105", dt.date(1997, 6, 6), 417),
                   所在党组织代码="14010501", 递交入党申请书日期="2023-05-10", 重点群体="工农兵"),  # row 12
        ledger_row(姓名="褚十一", 公民身份号码=make_id_number("140105", dt.date(1997, 7, 7), 419),
                   所在党组织代码="14010502", 递交入党申请书日期="2023-05-10",
                   集中培训开始日期="2023-09-01"),  # row 13: training without its end; other branch
        admitted_row("卫十二", make_id_number("140105", dt.date(1997, 8, 8), 421), members, 实到会有表决权正式党员数=None,
                     赞成票数=None, 转正支部大会赞成票数=9),  # row 14: counts missing, conversion counts partial
    ]


EXPECTED = [
    "第3行“谈话日期”列：谈话日期（2024-05-01）早于递交入党申请书日期（2024-05-10）",
    f"第4行“公民身份号码”列：公民身份号码校验码错误：末位应为 {NEW_B[-1]}，实为 {BAD_CHECK[-1]}",
    "第5行“所在党组织代码”列：组织代码 14021301 不存在或不在您的管辖范围内",
    f"第6行“培养联系人1公民身份号码”列：公民身份号码 {UNKNOWN} 未登记或不在您的管辖范围内",
    "第7行“实到会有表决权正式党员数”列：实到会人数 10 多于应到会人数 9",
    "第8行“递交入党申请书日期”列：日期“2023-02-30”不存在",
    "第9行“姓名”列：姓名“张叁”与已登记的张三（中共太原市小店区坞城街道红星社区支部委员会）不一致",
    "第10行“公民身份号码”列：与第2行的公民身份号码重复",
    "第11行“确定发展对象日期”列：填写了确定发展对象日期，但缺少确定入党积极分子日期",
    "第12行“重点群体”列：“工农兵”不是有效的重点群体，应为产业工人、青年农民、高知识群体、大学生、两新组织从业人员、其他",
    "第13行“集中培训结束日期”列：集中培训开始日期和结束日期应同时填写，缺少集中培训结束日期",
    "第14行“实到会有表决权正式党员数”列：填写了支部大会讨论日期，应同时填写实到会有表决权正式党员数",
    "第14行“赞成票数”列：填写了支部大会讨论日期，应同时填写赞成票数",
    "第14行“转正支部大会应到会有表决权正式党员数”列：填写了转正支部大会日期，应同时填写转正支部大会应到会有表决权正式党员数",
    "第14行“转正支部大会实到会有表决权正式党员数”列：填写了转正支部大会日期，应同时填写转正支部大会实到会有表决权正式党员数",
]


def upload(client, content: bytes, mode="all"):
    r = client.post("/core/imports/", {"importer": "recruitment", "mode": mode,
                                        "file": SimpleUploadedFile("发展党员台账.xlsx", content)})
    assert r.status_code == 302, r.content.decode()[:2000]
    job = Job.objects.unrestricted().get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
    from zugong.core import jobs  # the request only queued it: run it as the worker would

    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    return job


def test_a_messy_ledger_gets_exact_errors_and_nothing_is_written(login, tree, users, members):
    people = Person.objects.unrestricted().count()
    job = upload(login(users.taiyuan), xlsx(messy(tree, members)))
    assert job.status == Job.Status.FAILED
    assert sorted(job.result["errors"]) == sorted(EXPECTED)
    assert not Case.objects.unrestricted().exists()
    assert Person.objects.unrestricted().count() == people
    assert not Finding.objects.unrestricted().exists()


def test_valid_rows_are_imported_and_the_scan_opens_past_violations(login, tree, users, members):
    job = upload(login(users.taiyuan), xlsx(messy(tree, members)), mode="valid")
    assert job.status == Job.Status.DONE, job.message
    assert job.result["written"] == 1 and job.result["rejected"] == 12
    case = Case.objects.unrestricted().select_related("person").get()
    person = case.person
    assert (person.name, person.birth_date, person.sex, person.organization) == ("钱一", dt.date(1998, 5, 4), "1",
                                                                                 tree.b1)
    assert (case.status, case.stage, case.target_group, case.converted_on) == ("converted", 5, "industrial_worker",
                                                                               dt.date(2024, 12, 20))
    assert CaseContact.objects.unrestricted().filter(case=case).count() == 4
    # 14 dated steps, the two designations, two filings, two inspections and the approval talk
    assert Step.objects.unrestricted().filter(case=case).count() == 21
    membership = Membership.objects.unrestricted().get(person=person)
    assert (membership.status, membership.joined_on, membership.converted_on) == ("full", dt.date(2023, 12, 20),
                                                                                  dt.date(2024, 12, 20))
    findings = dict(Finding.objects.unrestricted().filter(object_id=case.pk).values_list("rule", "detail"))
    assert findings == {
        "recruitment.talk_within_month":
            "谈话在递交入党申请书后 45 天进行（2022-03-01 递交，2022-04-15 谈话），超过 1 个月",
        "recruitment.training": "集中培训 2 天、16 学时，不足 3 天（或 24 学时）",
    }


def test_the_command_line_import(tree, users, members, tmp_path, capsys):
    good = tmp_path / "台账.xlsx"
    good.write_bytes(xlsx([admitted_row("钱一", NEW_A, members, 谈话日期="2022-03-20", 集中培训学时=24)]))
    call_command("import", "recruitment", str(good), "--user", "ty_admin")
    assert "已导入 1 行" in capsys.readouterr().out
    case = Case.objects.unrestricted().get()
    assert not Finding.objects.unrestricted().filter(object_id=case.pk).exists()

    bad = tmp_path / "有错的台账.xlsx"
    bad.write_bytes(xlsx(messy(tree, members)[1:3]))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import", "recruitment", str(bad), "--user", "ty_admin")
    assert "第2行“谈话日期”列" in capsys.readouterr().err
    call_command("import", "recruitment", str(bad), "--user", "ty_admin", "--mode", "valid")
    rejected = load_workbook(tmp_path / "有错的台账-未导入的行.xlsx").active
    assert [r[0] for r in rejected.iter_rows(min_row=2, values_only=True)] == [2, 3]
    with pytest.raises(CommandError, match="没有“no_such_kind”这种导入"):
        call_command("import", "no_such_kind", str(good))
    with pytest.raises(CommandError, match="没有导入数据的权限"):
        call_command("import", "recruitment", str(good), "--user", "b1_sec")


def test_the_same_ledger_twice(login, tree, users, members):
    client = login(users.taiyuan)
    content = xlsx([admitted_row("钱一", NEW_A, members)])
    assert upload(client, content).status == Job.Status.DONE
    job = upload(client, content)
    assert job.result["errors"] == ["第2行“公民身份号码”列：钱一的这条发展党员记录已经导入过"]


def test_the_template_has_the_ledger_columns(login, users):
    r = login(users.taiyuan).get("/core/imports/template/recruitment.xlsx")
    headers = [c.value for c in next(load_workbook(io.BytesIO(r.content)).active.iter_rows(max_row=1))]
    for name in ("姓名*", "公民身份号码*", "所在党组织代码*", "递交入党申请书日期*", "转正审批日期",
                 "入党介绍人2公民身份号码", "应到会有表决权正式党员数", "集中培训学时"):
        assert name in headers


def test_the_ledger_may_give_the_filings_inspections_and_approval_talk(login, tree, users, members):
    """Without them the rules of issue 13 report the steps as not recorded; with a wrong one the row is refused."""
    job = upload(login(users.taiyuan), xlsx([
        admitted_row("钱一", NEW_A, members, 培养教育考察日期="2023-03-10、2023-12-10", 发展对象备案日期=None,
                     上级党委派人谈话日期=None),
        admitted_row("孙二", NEW_C, members, 确定入党积极分子日期="2022-09-10", 入党积极分子备案日期="2022-09-01"),
    ]), mode="valid")
    assert job.status == Job.Status.DONE, job.message
    assert job.result["written"] == 1 and job.result["rejected"] == 1
    case = Case.objects.unrestricted().get()
    findings = dict(Finding.objects.unrestricted().filter(object_id=case.pk).values_list("rule", "detail"))
    assert findings["recruitment.activist_assessment"] == (
        "上次培养教育考察（2023-03-10）后半年内（至 2023-09-10）未记录培养教育考察")
    assert findings["recruitment.candidate_filed"] == (
        "2023-10-12 确定为发展对象，至支部委员会审查（2023-11-25）未记录报上级党委备案")
    assert "recruitment.approval_talk" in findings and "recruitment.activist_filed" not in findings

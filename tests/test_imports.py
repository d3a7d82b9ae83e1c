"""Excel imports: messy files get exact Chinese errors per row and column, and nothing is half-written."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from zugong.core.models import AuditEntry, Job
from zugong.orgs.models import Organization
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person
from tests.workbooks import xlsx


def upload(client, content: bytes, importer="people", mode="all", name="人员.xlsx", run=True):
    """Upload through the 数据导入 page (the request only stores the file and queues the job), then run the
    job as the worker would (`run=False` leaves it queued)."""
    from zugong.core import jobs

    r = client.post("/core/imports/", {"importer": importer, "mode": mode,
                                        "file": SimpleUploadedFile(name, content)})
    assert r.status_code == 302, r.content.decode()[:1000]
    job = Job.objects.unrestricted().get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
    if run and job.status == Job.Status.QUEUED:
        jobs.run_job.call(job.pk)
        job.refresh_from_db()
    return job


GOOD_A = make_id_number("140105", dt.date(1985, 3, 7), 21)
GOOD_B = make_id_number("140105", dt.date(1990, 12, 31), 22)
BAD_CHECK = GOOD_A[:-1] + ("1" if GOOD_A[-1] != "1" else "2")
OLD_15 = "140105720101013"  # 1972-01-01, sequence 013 (male)
HEADER = ["序号", "姓名", "身份证号", "性别", "民族", "出生日期", "所在党组织代码", "学历", "联系电话"]


def messy_rows():
    return [
        HEADER,
        [1, "刘一", GOOD_A, "男", "汉族", "1985-03-07", "14010501", "本科", "13800000001"],  # row 2: fine
        [2, "陈二", BAD_CHECK, "男", "汉", "", "14010501", "", ""],  # row 3: checksum
        [None] * 9,  # row 4: blank, skipped
        [3, "杨三", GOOD_B, "女", "汉族", "1990-02-30", "14010501", "", ""],  # row 5: impossible date
        [4, "黄四", GOOD_A, "男", "汉族", "", "14010502", "", ""],  # row 6: duplicate of row 2
        [5, "周五", OLD_15, "男", "回族", dt.datetime(1972, 1, 1), "14010502", "大专", ""],  # row 7: 15-digit, fine
        [6, "吴六", make_id_number("140105", dt.date(1979, 1, 1), 33), "女", "汉族", "", "14021301", "", ""],  # row 8
        [7, "郑七", make_id_number("140105", dt.date(1979, 1, 1), 35), "男", "火星族", "", "99999", "", "12"],  # 9
    ]


EXPECTED = [
    f"第3行“身份证号”列：公民身份号码校验码错误：末位应为 {GOOD_A[-1]}，实为 {BAD_CHECK[-1]}",
    "第5行“出生日期”列：日期“1990-02-30”不存在",
    "第6行“身份证号”列：与第2行的公民身份号码重复",
    "第8行“所在党组织代码”列：组织代码 14021301 不存在或不在您的管辖范围内",
    "第8行“性别”列：性别“女”与公民身份号码（男）不一致",
    "第9行“民族”列：“火星族”不是有效的民族",
    "第9行“联系电话”列：联系电话“12”格式不正确",
    "第9行“所在党组织代码”列：组织代码 99999 不存在或不在您的管辖范围内",
]


@pytest.fixture
def taiyuan_client(login, users):
    return login(users.taiyuan)


@pytest.mark.django_db
def test_messy_file_reports_every_error_and_writes_nothing(taiyuan_client, tree):
    people, entries = Person.objects.unrestricted().count(), AuditEntry.objects.unrestricted().count()
    job = upload(taiyuan_client, xlsx(messy_rows()))
    assert job.status == Job.Status.FAILED
    assert sorted(job.result["errors"]) == sorted(EXPECTED)
    assert "未导入任何数据" in job.message
    assert Person.objects.unrestricted().count() == people
    assert AuditEntry.objects.unrestricted().count() == entries
    page = taiyuan_client.get(f"/core/jobs/{job.pk}/").content.decode()
    assert "与第2行的公民身份号码重复" in page


@pytest.mark.django_db
def test_valid_rows_only_imports_them_and_returns_the_rejected_with_reasons(taiyuan_client, tree):
    job = upload(taiyuan_client, xlsx(messy_rows()), mode="valid")
    assert job.status == Job.Status.DONE, job.message
    assert job.result["written"] == 2 and job.result["rejected"] == 5
    liu = Person.objects.unrestricted().get(name="刘一")
    zhou = Person.objects.unrestricted().get(name="周五")
    assert zhou.id_number == "14010519720101013" + zhou.id_number[-1] and len(zhou.id_number) == 18
    assert zhou.ethnicity == "03" and zhou.education == "30" and zhou.organization == tree.b2
    assert liu.education == "20" and liu.name_initials == "ly"
    tree.b1.refresh_from_db()
    assert tree.b1.direct_people == 3
    assert AuditEntry.objects.unrestricted().filter(model="people.person", object_id=str(zhou.pk),
                                                    action="create", actor_name="ty_admin").exists()
    r = taiyuan_client.get(f"/core/jobs/{job.pk}/output/")
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    assert [r[0] for r in rows[1:]] == [3, 5, 6, 8, 9]
    assert "校验码错误" in rows[1][-1] and "重复" in rows[3][-1]


@pytest.mark.django_db
def test_wrong_and_missing_headers(taiyuan_client, tree):
    job = upload(taiyuan_client, xlsx([["姓名", "公民身份号码", "政治面貌"], ["刘一", GOOD_A, "群众"]]))
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == [
        "第1行“政治面貌”列：无法识别的列名（第C列），请使用模板中的列名",
        "第1行“所在党组织代码”列：缺少必填列",
    ]
    assert not Person.objects.unrestricted().filter(name="刘一").exists()


@pytest.mark.django_db
def test_not_an_excel_file(taiyuan_client, tree):
    # Refused by the page itself (its zip directory cannot be read), before any job is queued.
    r = taiyuan_client.post("/core/imports/", {"importer": "people", "mode": "all",
                                               "file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really")})
    assert r.status_code == 400 and "“x.xlsx”不是有效的 Excel (.xlsx) 文件，无法打开" in r.content.decode()
    assert not Job.objects.unrestricted().exists()


@pytest.mark.django_db
def test_duplicate_of_a_record_in_the_database_names_it_only_when_visible(login, tree, users):
    rows = [HEADER, [1, "甲", tree.people.zhangsan.id_number, "", "", "", "14021301", "", ""],
            [2, "乙", tree.people.zhaoliu.id_number, "", "", "", "14021301", "", ""]]
    job = upload(login(users.datong), xlsx(rows))
    assert job.result["errors"] == [
        "第2行“身份证号”列：该公民身份号码已登记，请联系上级组织部门",
        "第3行“身份证号”列：公民身份号码已登记：赵六（中共大同市平城区某某村支部委员会）",
    ]


@pytest.mark.django_db
def test_organization_import_builds_the_subtree_in_order(taiyuan_client, tree):
    rows = [
        ["组织名称", "组织代码", "上级组织代码", "组织类别", "领域", "所在单位", "本届任期开始日期"],
        ["中共太原市小店区某某中学总支部委员会", "1401059001", "140105", "党总支", "学校", "某某中学", "2023-09-01"],
        ["中共太原市小店区某某中学教工第一支部委员会", "1401059002", "1401059001", "党支部", "学校", "", ""],
        ["某某党小组", "1401059003", "1401059002", "党小组", "", "", ""],
        ["越权支部", "1401059004", "1402", "党支部", "", "", ""],
    ]
    job = upload(taiyuan_client, xlsx(rows), importer="orgs", mode="valid")
    assert job.result["errors"] == ["第5行“上级组织代码”列：上级组织代码 1402 不存在或不在您的管辖范围内"]
    zb = Organization.objects.unrestricted().get(code="1401059001")
    assert zb.kind == "general_branch" and zb.term_ends_on == dt.date(2026, 9, 1) and zb.unit.name == "某某中学"
    group = Organization.objects.unrestricted().get(code="1401059003")
    assert group.path.startswith(zb.path) and group.depth == zb.depth + 2
    assert Organization.objects.unrestricted().get(code="140105").numchild == 3


@pytest.mark.django_db(transaction=True)
def test_large_file_runs_in_the_background_with_progress(taiyuan_client, tree, settings):
    rows = [HEADER] + [
        [i, f"测试{i}", make_id_number("140105", dt.date(1970, 1, 1) + dt.timedelta(days=i), 101),
         "", "", "", "14010502", "", ""]
        for i in range(1200)
    ]
    job = upload(taiyuan_client, xlsx(rows), run=False)
    assert job.status == Job.Status.QUEUED
    page = taiyuan_client.get(f"/core/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in page
    call_command("db_worker", "--batch", "--no-startup-delay")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == 1200 and job.result["written"] == 1200
    assert Person.objects.unrestricted().filter(name__startswith="测试").count() == 1200


@pytest.mark.django_db
def test_template_download_has_the_columns(taiyuan_client, tree):
    r = taiyuan_client.get("/core/imports/template/people.xlsx")
    header = [c.value for c in next(load_workbook(io.BytesIO(r.content)).active.iter_rows())]
    assert header[:3] == ["序号", "姓名*", "公民身份号码*"] and "所在党组织代码*" in header


def _template(client, kind="people"):
    r = client.get(f"/core/imports/template/{kind}.xlsx")
    assert r.status_code == 200
    return r.content, load_workbook(io.BytesIO(r.content))


@pytest.mark.django_db
def test_the_template_has_dropdowns_an_instructions_sheet_and_a_valid_example(taiyuan_client, tree):
    from zugong.core import refdata
    from zugong.people.idnumber import parse_id_number

    _content, wb = _template(taiyuan_client)
    assert wb.sheetnames == ["人员导入模板", "可选值", "说明"] and wb["可选值"].sheet_state == "hidden"
    ws = wb["人员导入模板"]
    header = [c.value for c in ws[1]]
    example = dict(zip(header, [c.value for c in ws[2]]))
    assert example["序号"] == "示例"
    parse_id_number(example["公民身份号码*"])  # a correct check digit
    assert example["所在党组织代码*"] == tree.b1.code  # the first branch the downloading user manages
    lists = {}
    codes = wb["可选值"]
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        sheet, cells = dv.formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        values = [c.value for row in codes[f"{first}:{last}"] for c in row]
        target = header[ws[str(dv.sqref).split(":")[0]].column - 1]
        lists[target] = values
    assert lists["性别"] == ["男", "女"]
    assert lists["民族"] == list(refdata.labels(refdata.ETHNICITIES)) and "汉族" in lists["民族"]
    assert lists["学历"] == list(refdata.labels(refdata.EDUCATION))
    notes = wb["说明"]
    rows = {r[0]: r for r in notes.iter_rows(min_row=5, values_only=True)}
    assert rows["姓名"][1] == "必填" and rows["联系电话"][1] == "选填"
    assert "校验码" in rows["公民身份号码"][2] and rows["学历"][3] == "、".join(refdata.labels(refdata.EDUCATION))
    assert "示例" in notes["A2"].value and "自动跳过" in notes["A2"].value


@pytest.mark.django_db
def test_a_template_imported_with_its_example_left_in_imports_nothing_and_does_not_fail(taiyuan_client, tree):
    content, _wb = _template(taiyuan_client)
    job = upload(taiyuan_client, content, mode="all")
    assert job.status == Job.Status.DONE, job.message
    assert job.result["errors"] == [] and job.result["written"] == 0


@pytest.mark.django_db
def test_the_templates_example_row_itself_passes_the_importer(taiyuan_client, tree):
    _content, wb = _template(taiyuan_client)
    ws = wb.active
    ws["A2"] = None  # no longer marked as the example: a real row
    buf = io.BytesIO()
    wb.save(buf)
    job = upload(taiyuan_client, buf.getvalue(), mode="all")
    assert job.status == Job.Status.DONE, job.result
    person = Person.objects.unrestricted().get(id_number=ws["C2"].value)
    assert person.organization == tree.b1 and person.get_education_display() == "大学本科"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["orgs", "dues", "recruitment", "meetings"])
def test_every_template_imported_as_downloaded_does_not_fail(taiyuan_client, tree, kind):
    from zugong.core import imports

    if kind not in imports.IMPORTERS:
        pytest.skip(f"no importer {kind}")
    content, wb = _template(taiyuan_client, kind)
    assert wb.active["A2"].value == "示例" and "说明" in wb.sheetnames
    job = upload(taiyuan_client, content, importer=kind, mode="all")
    assert job.status == Job.Status.DONE, job.result

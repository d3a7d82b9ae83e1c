"""Safe input and output (issue 12, findings 2, 3 and 5): control characters refused everywhere and harmless in
exports, spreadsheet formulas neutralized in every export, uploads limited before parsing and always run in the
background, uploaded files deleted after their job, exports that say who made them and when."""

import datetime as dt
import io
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from openpyxl import Workbook, load_workbook

from zugong.core import jobs
from zugong.core.models import Job
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person
from tests.workbooks import xlsx

pytestmark = pytest.mark.django_db


def run_queued():
    for pk in Job.objects.unrestricted().filter(status=Job.Status.QUEUED).values_list("pk", flat=True):
        jobs.run_job.call(pk)


def export_book(client, url, params=None):
    r = client.get(url, {"export": "xlsx", **(params or {})})
    assert r.status_code == 200, r.content[:500]
    data = r.content if not r.streaming else b"".join(r.streaming_content)
    return load_workbook(io.BytesIO(data))


# ---------------------------------------------------------------- finding 5: control characters


def test_every_text_field_of_every_model_refuses_control_characters():
    from zugong.core.textguard import NoControlCharacters

    checked = 0
    for model in apps.get_models():
        if not model.__module__.startswith("zugong."):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
                continue
            guards = [v for v in field.validators if isinstance(v, NoControlCharacters)]
            assert guards, f"{model._meta.label}.{field.name} accepts control characters"
            with pytest.raises(ValidationError) as caught:
                field.run_validators("张\u0005三")
            assert any(str(field.verbose_name) in m and "控制字符" in m for m in caught.value.messages)
            for bad in ("a\x00b", "a\x85b", "a\x7fb", "a\x1bb"):
                with pytest.raises(ValidationError):
                    field.run_validators(bad)
            try:  # a text may span lines (many are edited in a textarea); a format of its own may refuse it
                field.run_validators("第一行\r\n\t第二行")
            except ValidationError as exc:
                assert not any("控制字符" in m for m in exc.messages)
            checked += 1
    assert checked > 100


def test_api_refuses_a_control_character_and_names_the_field(tree, users, api_client):
    client = api_client()
    client.force_authenticate(users.taiyuan)
    r = client.post("/api/people/", {"name": "张\u0005三", "id_number": make_id_number("140105", dt.date(1990, 1, 1), 21),
                                     "organization": tree.b1.code}, format="json")
    assert r.status_code == 400, r.content
    assert "name" in r.json() and "姓名" in r.json()["name"][0] and "控制字符" in r.json()["name"][0]
    r = client.patch(f"/api/people/{tree.people.zhangsan.pk}/", {"native_place": "太原\x1b"}, format="json")
    assert r.status_code == 400 and "native_place" in r.json()
    assert not Person.objects.unrestricted().filter(name__contains="\u0005").exists()


def test_forms_refuse_a_control_character_and_name_the_field(login, tree, users):
    from django import forms

    client = login(users.taiyuan)
    zhangsan = tree.people.zhangsan
    r = client.get(f"/people/{zhangsan.pk}/edit/")
    assert r.status_code == 200
    form = r.context["form"]
    data = {name: form[name].value() for name, f in form.fields.items()
            if not isinstance(f, forms.FileField) and form[name].value() is not None}
    data["name"] = "张\u0005三"
    r = client.post(f"/people/{zhangsan.pk}/edit/", data)
    assert r.status_code in (200, 400)
    assert "姓名" in str(r.context["form"].errors["name"]) and "控制字符" in str(r.context["form"].errors["name"])
    zhangsan.refresh_from_db()
    assert zhangsan.name == "张三"

    class Plain(forms.Form):  # a field no model declares: guarded too
        note = forms.CharField(label="备注")
        text = forms.CharField(label="说明", widget=forms.Textarea)

    f = Plain({"note": "a\x07b", "text": "第一行\r\n第二行"})
    assert not f.is_valid() and "备注" in f.errors["note"][0] and "text" not in f.errors
    f = Plain({"note": "a\nb", "text": "x"})  # a single-line field keeps to one line
    assert not f.is_valid() and "note" in f.errors


def test_an_excel_import_refuses_a_control_character_naming_row_and_column(login, tree, users):
    client = login(users.taiyuan)
    # A C1 control (a workbook cannot hold the C0 ones but these it can).
    content = xlsx([["姓名", "身份证号", "所在党组织代码"],
                    ["张\x85三", make_id_number("140105", dt.date(1985, 3, 7), 21), "14010501"]])
    client.post("/core/imports/", {"importer": "people", "mode": "all", "file": SimpleUploadedFile("人员.xlsx", content)})
    run_queued()
    job = Job.objects.unrestricted().get(kind="import")
    assert job.status == Job.Status.FAILED
    assert any("第2行“姓名”列" in e and "控制字符" in e for e in job.result["errors"]), job.result


def test_an_export_containing_a_stored_control_character_works(login, tree, users):
    Person.objects.unrestricted().filter(pk=tree.people.zhangsan.pk).update(name="张\u0005三")
    wb = export_book(login(users.taiyuan), "/people/", {"org": tree.b1.code})
    names = sorted(r[0] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0])
    assert names == ["张三", "李四"]


# ---------------------------------------------------------------- finding 2: formula injection

FORMULAS = ['=HYPERLINK("http://x.invalid","点我")', "=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


def test_the_people_export_writes_formulas_as_text(login, tree, users):
    people = Person.objects.unrestricted()
    for person, text in zip(people.order_by("pk"), FORMULAS):
        people.filter(pk=person.pk).update(name=text)
    wb = export_book(login(users.admin), "/people/")
    ws = wb.worksheets[0]
    cells = [row[0] for row in ws.iter_rows(min_row=2) if row[0].value]
    written = {c.value for c in cells}
    assert set(FORMULAS[:5]) <= written
    for c in cells:
        assert c.data_type == "s", (c.value, c.data_type)
        if str(c.value)[:1] in "=+-@\t\r":
            assert c.quotePrefix, c.value


def test_the_audit_log_export_writes_formulas_as_text(login, tree, users):
    from zugong.core import audit

    zhangsan = tree.people.zhangsan
    with audit.acting_as(users.taiyuan):
        zhangsan.name = "=1+2"
        zhangsan.save()
    from zugong.accounts.models import User

    auditor = User.objects.create_user(username="auditor", password="Zg-test-pass-2026", duty="auditor")
    wb = export_book(login(auditor), "/core/audit/")  # the global log is the security auditor's (三员分立)
    ws = wb.worksheets[0]
    formula_cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula_cells, "the renamed person is in the audit export"
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_cells)


def test_numbers_stay_numbers_and_text_stays_text(tmp_path):
    from zugong.core import exports

    export = exports.Export("测试", ["数", "文"], lambda: [[-5, "-5"], [1.5, "=A1"]], 2)
    exports.write(export, tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert ws["A2"].value == -5 and ws["A2"].data_type == "n" and ws["A3"].value == 1.5
    assert ws["B2"].value == "-5" and ws["B2"].data_type == "s" and ws["B3"].value == "=A1" and ws["B3"].data_type == "s"


# ---------------------------------------------------------------- finding 3: uploads


def million_row_xlsx(dimension=True) -> bytes:
    """A valid .xlsx of 1,000,000 rows, about a hundred KB on disk."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if dimension:
                sheet.write(b'<dimension ref="A1:A1000000"/>')
            sheet.write(b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c></row>')
            chunk = b"".join(b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' for _ in range(10_000))
            for _ in range(100):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def test_a_million_row_xlsx_is_refused_before_parsing_naming_the_row_limit(login, tree, users, settings):
    content = million_row_xlsx()
    assert len(content) < 300 * 1024
    client = login(users.taiyuan)
    r = client.post("/core/imports/", {"importer": "people", "mode": "all",
                                       "file": SimpleUploadedFile("人员.xlsx", content)})
    assert r.status_code == 400
    feedback = r.content.decode().split('invalid-feedback">', 1)[1].split("<", 1)[0]
    assert "行数" in feedback and f"{settings.ZUGONG_IMPORT_MAX_ROWS:,}" in feedback, feedback
    assert not Job.objects.unrestricted().filter(kind="import").exists()


def test_a_million_row_xlsx_without_dimension_is_counted_streaming_and_refused():
    from zugong.core import uploads

    with pytest.raises(uploads.Refused) as caught:
        uploads.check_xlsx(io.BytesIO(million_row_xlsx(dimension=False)))
    assert "行数" in str(caught.value)


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    zeros = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(10):
            with z.open(f"表{i}.lrmx", "w") as member:
                for _ in range(19):
                    member.write(zeros)
    return buf.getvalue()


def test_a_zip_bomb_to_the_adform_import_is_refused_before_decompressing(login, tree, users):
    content = zip_bomb()
    assert len(content) < 1024 * 1024
    client = login(users.taiyuan)
    r = client.post("/adform/import/", {"files": [SimpleUploadedFile("干部.zip", content)],
                                        "organization": tree.xiaodian.pk})
    assert r.status_code in (200, 400)
    assert "解压后" in r.content.decode()
    assert not Job.objects.unrestricted().exists()


def test_a_file_over_the_size_limit_is_refused(login, tree, users, settings):
    settings.ZUGONG_UPLOAD_LIMITS = {**settings.ZUGONG_UPLOAD_LIMITS, "xlsx": 64 * 1024}
    client = login(users.taiyuan)
    big = xlsx([["姓名"]] + [[f"人员{i}" * 20] for i in range(5000)])
    assert len(big) > 64 * 1024
    r = client.post("/core/imports/", {"importer": "people", "mode": "all", "file": SimpleUploadedFile("人员.xlsx", big)})
    body = r.content.decode()
    assert r.status_code == 400 and "文件太大" in body and "64 KB" in body, body[body.find("invalid-feedback"):][:300]
    assert not Job.objects.unrestricted().exists()


def test_a_small_import_runs_as_a_background_job(login, tree, users):
    client = login(users.taiyuan)
    content = xlsx([["姓名", "身份证号", "所在党组织代码"],
                    ["刘一", make_id_number("140105", dt.date(1985, 3, 7), 21), "14010501"]])
    r = client.post("/core/imports/", {"importer": "people", "mode": "all", "file": SimpleUploadedFile("人员.xlsx", content)})
    assert r.status_code == 302
    job = Job.objects.unrestricted().get(kind="import")
    assert job.status == Job.Status.QUEUED  # the web request only stored the file
    assert not Person.objects.unrestricted().filter(name="刘一").exists()
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and Person.objects.unrestricted().filter(name="刘一").exists()


def test_adform_uploads_run_as_background_jobs(login, tree, users):
    from zugong.adform import lrmx

    from adform.samples import sample_form

    client = login(users.taiyuan)
    r = client.post("/adform/import/", {"files": [SimpleUploadedFile("王建国.lrmx", lrmx.write_lrmx(sample_form()))],
                                        "organization": tree.xiaodian.pk})
    assert r.status_code == 302
    assert Job.objects.unrestricted().get().status == Job.Status.QUEUED


# ---------------------------------------------------------------- uploaded files deleted after the job


def _stored(job) -> bool:
    return bool(job.input_file.name) and job.input_file.storage.exists(job.input_file.name)


@pytest.mark.parametrize("good", [True, False])
def test_the_uploaded_file_is_deleted_when_the_import_ends(login, tree, users, good):
    client = login(users.taiyuan)
    number = make_id_number("140105", dt.date(1985, 3, 7), 21) if good else "123"
    content = xlsx([["姓名", "身份证号", "所在党组织代码"], ["刘一", number, "14010501"]])
    client.post("/core/imports/", {"importer": "people", "mode": "all", "file": SimpleUploadedFile("人员.xlsx", content)})
    job = Job.objects.unrestricted().get(kind="import")
    name = job.input_file.name
    assert _stored(job)
    run_queued()
    job.refresh_from_db()
    assert job.status == (Job.Status.DONE if good else Job.Status.FAILED)
    assert not job.input_file.storage.exists(name) and not job.input_file.name


def test_a_retention_keeps_the_file_until_the_cleanup_finds_it_old(login, tree, users, settings):
    from django.utils import timezone

    from zugong.core import uploads

    settings.ZUGONG_UPLOAD_RETENTION_DAYS = 3
    client = login(users.taiyuan)
    content = xlsx([["姓名", "身份证号", "所在党组织代码"], ["刘一", make_id_number("140105", dt.date(1985, 3, 7), 21), "14010501"]])
    client.post("/core/imports/", {"importer": "people", "mode": "all", "file": SimpleUploadedFile("人员.xlsx", content)})
    run_queued()
    job = Job.objects.unrestricted().get(kind="import")
    assert job.status == Job.Status.DONE and _stored(job)
    uploads.purge()
    assert _stored(job)  # younger than three days
    Job.objects.unrestricted().filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=4))
    name = job.input_file.name
    assert uploads.purge() >= 1
    job.refresh_from_db()
    assert not job.input_file.storage.exists(name) and not job.input_file.name


def test_the_adform_upload_is_kept_for_the_confirmation_then_deleted(login, tree, users):
    from zugong.adform import lrmx

    from adform.samples import sample_form

    client = login(users.taiyuan)
    client.post("/adform/import/", {"files": [SimpleUploadedFile("王建国.lrmx", lrmx.write_lrmx(sample_form(
        id_number=make_id_number("140105", dt.date(1965, 5, 17), 31))))], "organization": tree.xiaodian.pk})
    run_queued()
    preview = Job.objects.unrestricted().get()
    assert preview.status == Job.Status.DONE and _stored(preview)
    name = preview.input_file.name
    client.post(f"/adform/import/{preview.pk}/confirm/", {"confirm": []})
    run_queued()
    job = Job.objects.unrestricted().exclude(pk=preview.pk).get()
    assert job.status == Job.Status.DONE, job.message
    assert not preview.input_file.storage.exists(name)
    preview.refresh_from_db()
    assert not preview.input_file.name


# ---------------------------------------------------------------- exports carry who and when


def test_an_export_says_who_made_it_and_when(login, tree, users):
    wb = export_book(login(users.taiyuan), "/people/", {"org": tree.b1.code})
    props = wb.properties
    assert props.creator == users.taiyuan.display_name and props.lastModifiedBy == users.taiyuan.display_name
    assert props.title == "人员名册" and f"所属组织代码：{tree.b1.code}" in props.description
    assert props.created is not None and abs(props.created - dt.datetime.utcnow()) < dt.timedelta(minutes=5)
    footer = wb.worksheets[0].oddFooter
    text = "".join(part.text or "" for part in (footer.left, footer.center, footer.right))
    assert f"导出人：{users.taiyuan.display_name}" in text and "导出时间：" in text


def test_a_large_export_job_says_who_made_it(login, tree, users, monkeypatch):
    from zugong.core import exports

    monkeypatch.setattr(exports, "SYNC_ROWS", 1)
    client = login(users.taiyuan)
    r = client.get("/people/", {"export": "xlsx"})
    assert r.status_code == 302
    run_queued()
    job = Job.objects.unrestricted().get(kind="export")
    with job.output_file.open("rb") as f:
        wb = load_workbook(io.BytesIO(f.read()))
    assert wb.properties.creator == users.taiyuan.display_name
    assert f"导出人：{users.taiyuan.display_name}" in wb.worksheets[0].oddFooter.center.text


def test_a_word_document_says_who_made_it_and_when(users):
    from docx import Document

    from zugong.core import audit, docx

    doc = docx.new_document()
    docx.title(doc, "任前公示")
    with audit.acting_as(users.taiyuan):
        data = docx.to_bytes(doc)
    back = Document(io.BytesIO(data))
    assert back.core_properties.author == users.taiyuan.display_name
    assert back.core_properties.title == "任前公示"
    footer = "".join(p.text for p in back.sections[0].footer.paragraphs)
    assert f"导出人：{users.taiyuan.display_name}" in footer and "导出时间：" in footer


def test_a_workbook_a_page_built_itself_is_neutralized_and_signed(users):
    """`exports.recorded` (several-sheet workbooks such as the structure analysis) passes them through here."""
    from zugong.core import exports

    wb = Workbook()
    wb.active.append(["组织", "人数"])
    wb.active.append(["=1+2", 3])
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(exports._signed(buf.getvalue(), users.taiyuan, "结构分析", "组织：小店区")))
    assert back.active["A2"].data_type == "s" and back.active["A2"].quotePrefix and back.active["B2"].value == 3
    assert back.properties.creator == users.taiyuan.display_name and "组织：小店区" in back.properties.description
    assert f"导出人：{users.taiyuan.display_name}" in back.active.oddFooter.center.text

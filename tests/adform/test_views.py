"""The pages: upload → preview → confirm → report; the cadre's downloads; batch export; scope."""

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from zugong.adform import lrm, lrmx
from zugong.adform.models import AdForm
from zugong.cadres import services as cadre_services
from zugong.cadres.models import Cadre
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person

from .samples import sample_form

NEW_ID = make_id_number("140105", dt.date(1965, 5, 17), 31)


def _run_queued():
    """Every upload is a background job: run the queued ones as the worker would."""
    from zugong.core import jobs
    from zugong.core.models import Job

    for pk in Job.objects.unrestricted().filter(status=Job.Status.QUEUED).values_list("pk", flat=True):
        jobs.run_job.call(pk)


def _upload(client, tree, *files):
    r = client.post("/adform/import/", {"files": list(files), "organization": tree.xiaodian.pk})
    _run_queued()
    return r


def test_upload_preview_confirm_report(login, tree, users):
    client = login(users.taiyuan)
    assert client.get("/adform/import/").status_code == 200
    new = SimpleUploadedFile("王建国.lrmx", lrmx.write_lrmx(sample_form(id_number=NEW_ID)))
    by_name = SimpleUploadedFile("李四.lrmx", lrmx.write_lrmx(sample_form(name="李四", birth="198005", sex="女")))
    old = sample_form(name="王五", birth="198005")
    lrm_file = SimpleUploadedFile("王五.lrm", lrm.write_lrm(old))
    pic = SimpleUploadedFile("王五.pic", old.photo)
    broken = SimpleUploadedFile("坏.lrmx", b"<Person>")
    r = _upload(client, tree, new, by_name, lrm_file, pic, broken)
    assert r.status_code == 302
    page = client.get(r["Location"])
    body = page.content.decode()
    assert "新增人员" in body and "按姓名和出生年月匹配，需确认" in body and "XML 格式错误" in body
    assert 'name="confirm" value="李四.lrmx"' in body and 'name="confirm" value="王五.lrm"' in body
    assert not Person.objects.unrestricted().filter(id_number=NEW_ID).exists()  # nothing written yet
    pk = int(r["Location"].rstrip("/").rsplit("/", 1)[-1])
    r = client.post(f"/adform/import/{pk}/confirm/", {"confirm": ["王五.lrm"]})
    _run_queued()
    report = client.get(r["Location"]).content.decode()
    assert "已导入" in report and "未确认，未导入" in report
    assert Person.objects.unrestricted().filter(id_number=NEW_ID).exists()
    assert Cadre.objects.unrestricted().filter(person=tree.people.wangwu).exists()
    assert not Cadre.objects.unrestricted().filter(person=tree.people.lisi).exists()
    assert Person.objects.unrestricted().get(pk=tree.people.wangwu.pk).photo


def test_upload_needs_files_of_the_right_kind(login, tree, users):
    client = login(users.taiyuan)
    r = _upload(client, tree, SimpleUploadedFile("表.xlsx", b"x"))
    assert r.status_code == 200 and "只接受 .lrmx、.lrm、.pic 和 .zip 文件" in r.content.decode()
    r = client.post("/adform/import/", {"organization": tree.xiaodian.pk})
    assert "请选择要导入的任免审批表文件" in r.content.decode()
    assert login(users.reader).get("/adform/import/").status_code == 403


def test_sessions_are_the_users_own(login, tree, users):
    r = _upload(login(users.taiyuan), tree, SimpleUploadedFile("王建国.lrmx", lrmx.write_lrmx(sample_form(id_number=NEW_ID))))
    other = login(users.admin)
    assert other.get(r["Location"]).status_code == 404


def _cadre(tree, users):
    cadre = cadre_services.create_cadre(users.taiyuan, tree.people.zhangsan, tree.xiaodian)
    AdForm.objects.create(cadre=cadre, proposed_post="小店区副区长", age_as_of="20251101")
    return cadre


def test_cadre_downloads(login, tree, users):
    cadre = _cadre(tree, users)
    client = login(users.taiyuan)
    r = client.get(f"/adform/cadre/{cadre.pk}/lrmx/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    form = lrmx.parse_lrmx(r.content)
    assert form.name == "张三" and form.proposed_post == "小店区副区长" and form.retirement_month == "204305"
    r = client.get(f"/adform/cadre/{cadre.pk}/docx/")
    doc = Document(io.BytesIO(r.content))
    text = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "张三" in text and "小店区副区长" in text and "1980.05\n（45岁）" in text
    assert tree.people.zhangsan.id_number not in text  # the ID number is not printed
    r = client.get(f"/adform/cadre/{cadre.pk}/pdf/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert login(users.datong).get(f"/adform/cadre/{cadre.pk}/pdf/").status_code == 404


def test_edit_the_per_form_fields(login, tree, users):
    cadre = _cadre(tree, users)
    client = login(users.taiyuan)
    r = client.post(f"/adform/cadre/{cadre.pk}/edit/", {"proposed_post": "拟任X", "age_as_of": "2026.1",
                                                       "filled_on": "20260105"})
    assert r.status_code == 302
    saved = AdForm.objects.unrestricted().get(cadre=cadre)
    assert (saved.proposed_post, saved.age_as_of, saved.filled_on) == ("拟任X", "202601", "20260105")
    r = client.post(f"/adform/cadre/{cadre.pk}/edit/", {"age_as_of": "明年"})
    assert "计算年龄时间“明年”不是日期" in r.content.decode()
    assert login(users.reader).post(f"/adform/cadre/{cadre.pk}/edit/", {}).status_code == 403


def test_batch_export_selected_and_scoped(login, tree, users):
    a = _cadre(tree, users)
    b = cadre_services.create_cadre(users.taiyuan, tree.people.wangwu, tree.xiaodian)
    dt_cadre = cadre_services.create_cadre(users.datong, tree.people.zhaoliu, tree.datong)
    r = login(users.taiyuan).get(f"/adform/export/?ids={a.pk},{b.pk},{dt_cadre.pk}")
    assert r.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert sorted(n.split("-")[0] for n in names) == ["张三", "王五"]
    r = login(users.datong).get(f"/adform/export/?ids={a.pk}")
    assert r.status_code == 302  # nothing of the other side: "没有可导出的干部"


def test_roster_buttons_export_selected_and_filtered(login, tree, users):
    a = _cadre(tree, users)
    b = cadre_services.create_cadre(users.taiyuan, tree.people.wangwu, tree.xiaodian)
    client = login(users.taiyuan)
    body = client.get("/cadres/").content.decode()
    assert 'id="adform-export-selected"' in body and f'name="ids" value="{a.pk}"' in body
    r = client.post("/adform/export/", {"ids": [b.pk]})
    assert [n.split("-")[0] for n in zipfile.ZipFile(io.BytesIO(r.content)).namelist()] == ["王五"]
    r = client.post("/adform/export/", {}, HTTP_REFERER="/cadres/")
    assert r.status_code == 302
    r = client.get("/adform/export/?sex=2")  # the roster's filters: nobody
    assert r.status_code == 302
    r = client.get("/adform/export/?sex=1")
    assert len(zipfile.ZipFile(io.BytesIO(r.content)).namelist()) == 2


def test_cadre_page_has_the_adform_section(login, tree, users):
    cadre = _cadre(tree, users)
    body = login(users.taiyuan).get(f"/cadres/{cadre.pk}/?tab=adform").content.decode()
    assert "导出任免审批表 (.lrmx)" in body and "打印 (.docx)" in body and "打印 (PDF)" in body
    assert "小店区副区长" in body and "2043-05（63岁" in body  # 到龄年月 by the reform's rule

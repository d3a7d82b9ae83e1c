"""The course library: study credited to the one ledger (and withdrawn), the refusals, materials served only
within the course's scope, intranet links only, the pages and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zugong.core.models import AuditEntry
from zugong.training import courses_services as services
from zugong.training.models import Course, CourseMaterial, Credit, StudyLog

from .courses_fixtures import *  # noqa: F403 — fixtures (categories, course, national) and helpers
from .courses_fixtures import docx_bytes, member, pdf_bytes, pptx_like_bytes

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


def _credits(log):
    return list(Credit.objects.unrestricted().filter(source="training.course", source_id=log.pk))


# ---------------------------------------------------------------- the ledger


def test_study_is_credited_to_the_ledger_by_the_online_rule(tree, users, course):
    p = tree.people
    logs = services.record_study(users.secretary, course, [p.zhangsan, p.lisi], studied_on=DAY, minutes=45)
    assert len(logs) == 2 and {log.person_id for log in logs} == {p.zhangsan.pk, p.lisi.pk}
    for log in logs:
        (credit,) = _credits(log)
        assert (credit.person_id, credit.on, credit.kind) == (log.person_id, DAY, "course")
        assert credit.hours == Decimal(1)  # 30 minutes or more = 1 学时
        assert "太行精神的时代内涵" in credit.source_label and credit.rule
    passed = services.record_study(users.secretary, course, [p.zhangsan], studied_on=DAY - dt.timedelta(days=1),
                                   minutes=20, passed_test=True)[0]
    assert _credits(passed)[0].hours == Decimal("1.0")  # 15–30 minutes = 0.5, a passed test +0.5
    assert logs[0].recorded_by == users.secretary and logs[0].method == StudyLog.Method.SELF
    # one operation: the logs and their ledger lines share it
    ops = set(AuditEntry.objects.unrestricted().filter(model__in=["training.studylog", "training.credit"])
              .values_list("operation", flat=True))
    assert len(ops) == 2


def test_a_course_with_stated_hours_credits_them_when_studied_whole(tree, users, national):
    whole = services.record_study(users.secretary, national, [tree.people.zhangsan], studied_on=DAY, minutes=90)[0]
    part = services.record_study(users.secretary, national, [tree.people.lisi], studied_on=DAY, minutes=20)[0]
    assert _credits(whole)[0].hours == Decimal(2)
    assert _credits(part)[0].hours == Decimal("0.5")  # not the whole course: by the minutes


def test_deleting_a_study_withdraws_its_credit(tree, users, course, login):
    a, b = services.record_study(users.secretary, course, [tree.people.zhangsan, tree.people.lisi],
                                 studied_on=DAY, minutes=45)
    services.delete_study(users.secretary, a)
    assert not StudyLog.objects.unrestricted().filter(pk=a.pk).exists() and not _credits(a)
    assert len(_credits(b)) == 1
    # the page does the same; a user of another city cannot reach the record
    assert login(users.datong).post(f"/training/courses/study/{b.pk}/delete/").status_code == 404
    assert len(_credits(b)) == 1
    r = login(users.secretary).post(f"/training/courses/study/{b.pk}/delete/")
    assert r.status_code == 302 and not _credits(b) and not StudyLog.objects.unrestricted().exists()


# ---------------------------------------------------------------- refusals


def test_refusals_in_chinese_and_nothing_written(tree, users, course):
    p = tree.people

    def refused(exc_type=ValidationError, **kwargs):
        values = {"studied_on": DAY, "minutes": 45} | kwargs
        people = values.pop("people", [p.zhangsan])
        user = values.pop("user", users.secretary)
        with pytest.raises(exc_type) as info:
            services.record_study(user, course, people, **values)
        return " ".join(getattr(info.value, "messages", [str(info.value)]))

    assert "晚于今天" in refused(studied_on=dt.date(2026, 11, 28))
    assert "应大于 0 分钟" in refused(minutes=0)
    services.record_study(users.secretary, course, [p.zhangsan], studied_on=DAY, minutes=45)
    assert "张三在 2026-11-20 已有该课程的学习记录，不能重复登记" in refused(people=[p.lisi, p.zhangsan])
    assert "不在您可以登记的范围内" in refused(PermissionDenied, user=users.datong, people=[p.zhaoliu, p.lisi])
    course.has_test = False
    assert "没有课后测试" in refused(passed_test=True, studied_on=DAY - dt.timedelta(days=2))
    course.active = False
    assert "已停用" in refused(studied_on=DAY - dt.timedelta(days=2))
    assert StudyLog.objects.unrestricted().count() == 1 and Credit.objects.unrestricted().count() == 1


def test_a_course_is_kept_by_its_issuer_and_a_studied_one_is_not_deleted(tree, users, course, categories):
    with pytest.raises(PermissionDenied):
        services.update_course(users.datong, course)
    with pytest.raises(PermissionDenied):  # a secretary may record study, not publish courses
        services.create_course(users.secretary, Course(organization=tree.b1, code="B1-01", title="支部课",
                                                       minutes=30, category=categories["其他"]))
    with pytest.raises(PermissionDenied):  # a national course: the department admins of a root only
        services.create_course(users.taiyuan, Course(code="QG-02", title="全国课", minutes=30,
                                                     category=categories["其他"]))
    with pytest.raises(ValidationError) as info:
        services.create_course(users.taiyuan, Course(organization=tree.taiyuan, code="TY-TH-01", title="重复代码",
                                                     minutes=30, category=categories["其他"]))
    assert "已被使用" in str(info.value)
    services.record_study(users.secretary, course, [tree.people.zhangsan], studied_on=DAY, minutes=45)
    with pytest.raises(ValidationError) as info:
        services.delete_course(users.taiyuan, course)
    assert "已有 1 条学习记录，不能删除" in str(info.value)


# ---------------------------------------------------------------- materials


def _upload(client, course, name, content, **extra):
    return client.post(f"/training/courses/{course.pk}/materials/new/",
                       {"title": extra.get("title", ""), "link": extra.get("link", ""),
                        **({"file": SimpleUploadedFile(name, content)} if name else {})})


def test_materials_are_served_only_to_those_who_see_the_course(tree, users, course, national, login, client):
    ty = login(users.taiyuan)
    assert _upload(ty, course, "太行精神.pdf", pdf_bytes()).status_code == 302
    assert _upload(ty, course, "讲稿.docx", docx_bytes()).status_code == 302
    pdf, doc = CourseMaterial.objects.unrestricted().filter(course=course).order_by("pk")
    assert pdf.title == "太行精神" and pdf.size == len(pdf_bytes()) and pdf.file.name.endswith(".pdf")
    assert "太行精神" not in pdf.file.name  # stored under a random name
    r = login(users.admin).post(f"/training/courses/{national.pk}/materials/new/",
                                {"title": "党史课件", "file": SimpleUploadedFile("ds.pptx", pptx_like_bytes())})
    assert r.status_code == 302
    (ds,) = CourseMaterial.objects.unrestricted().filter(course=national)

    sec = login(users.secretary)  # a branch of 太原: sees 太原's course
    r = sec.get(f"/training/courses/materials/{pdf.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == pdf_bytes()
    assert r["Content-Type"] == "application/pdf" and "attachment" in r["Content-Disposition"]
    assert sec.get(f"/training/courses/materials/{doc.pk}/")["Content-Type"].endswith("wordprocessingml.document")

    dt_client = login(users.datong)  # another city: the course and its materials are not there
    for url in (f"/training/courses/materials/{pdf.pk}/", f"/training/courses/materials/{doc.pk}/",
                f"/training/courses/{course.pk}/", f"/training/courses/{course.pk}/edit/"):
        assert dt_client.get(url).status_code == 404, url
    assert dt_client.post(f"/training/courses/materials/{pdf.pk}/delete/").status_code == 404
    assert dt_client.get(f"/training/courses/materials/{ds.pk}/").status_code == 200  # the national one
    page = dt_client.get("/training/courses/").content.decode()
    assert "党史学习专题" in page and "太行精神的时代内涵" not in page
    # a national course's page shows each user the study of the people they see only
    services.record_study(users.secretary, national, [tree.people.zhangsan], studied_on=DAY, minutes=90)
    services.record_study(users.datong, national, [tree.people.zhaoliu], studied_on=DAY, minutes=90)
    page = login(users.datong).get(f"/training/courses/{national.pk}/").content.decode()
    assert "赵六" in page and "张三" not in page and "学习记录（1 人次）" in page
    listed = login(users.datong).get("/training/courses/").content.decode()
    row = next(r for r in listed.split("<tr") if "QG-DS-01" in r)
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in row.split("<td")[1:]]
    assert cells[7] == "1"  # 学习人次: 赵六 only, not 张三 of 太原
    dt_client = login(users.datong)

    # the file itself is not reachable through /media/ (which serves people's photos only)
    assert login(users.secretary).get(f"/media/{pdf.file.name}").status_code == 404
    client.logout()
    r = client.get(f"/training/courses/materials/{pdf.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_only_course_files_and_intranet_links_are_accepted(tree, users, course, login):
    ty = login(users.taiyuan)

    def error(name=None, content=b"", **extra):
        r = _upload(ty, course, name, content, **extra)
        assert r.status_code == 200, r.status_code
        return r.content.decode()

    assert "只能是 PDF" in error("工具.exe", b"MZ\x90\x00")
    assert "与扩展名不符" in error("假的.pdf", b"<html>not a pdf</html>")
    assert "与扩展名不符" in error("假的.docx", pdf_bytes())
    assert "不是内网 IP 地址" in error(title="外网", link="http://8.8.8.8/a.mp4")
    assert "不是内网地址" in error(title="外网", link="https://news.example.com/x")
    assert "本机" in error(title="本机", link="http://127.0.0.1/x")
    assert "应为以 / 开头" in error(title="协议", link="ftp://10.1.1.1/a")
    assert "应为以 / 开头" in error(title="协议相对", link="//example.com/a")
    assert "请填写资料名称" in error(link="http://10.14.0.8/kejian/1.mp4")
    assert not CourseMaterial.objects.unrestricted().exists()
    for link in ("http://10.14.0.8/kejian/taihang.mp4", "http://dangxiao/kc/1", "/training/", "https://192.168.3.4/"):
        assert _upload(ty, course, None, b"", title="课件", link=link).status_code == 302, link
    assert CourseMaterial.objects.unrestricted().count() == 4
    link = CourseMaterial.objects.unrestricted().get(link="http://dangxiao/kc/1")
    r = ty.get(f"/training/courses/materials/{link.pk}/")
    assert r.status_code == 302 and r["Location"] == "http://dangxiao/kc/1"


def test_the_size_limit_of_a_material(tree, users, course, settings):
    settings.ZUGONG_UPLOAD_LIMITS = {**settings.ZUGONG_UPLOAD_LIMITS, "document": 100}
    with pytest.raises(ValidationError) as info:
        services.add_material(users.taiyuan, course, title="大文件",
                              file=SimpleUploadedFile("大.pdf", pdf_bytes(b"x" * 200)))
    assert "文件太大" in str(info.value)


# ---------------------------------------------------------------- pages and the API


def test_the_pages_publish_a_course_and_record_a_branch_s_members(tree, users, categories, login):
    for p in (tree.people.zhangsan, tree.people.lisi):
        member(p, tree.b1)
    ty = login(users.taiyuan)
    assert ty.get("/training/").status_code == 200
    r = ty.post("/training/courses/new/", {
        "organization": tree.taiyuan.pk, "code": "TY-LL-01", "title": "吕梁精神", "minutes": 40,
        "category": categories["革命精神（太行精神、吕梁精神、右玉精神）"].pk, "active": "on"})
    assert r.status_code == 302
    course = Course.objects.unrestricted().get(code="TY-LL-01")
    assert course.org_path == tree.taiyuan.path and course.hours is None
    sec = login(users.secretary)
    r = sec.post(f"/training/courses/{course.pk}/study/", {
        "organization": tree.b1.pk, "studied_on": "2026-11-25", "minutes": 40, "method": "group"})
    assert r.status_code == 302, r.content.decode()[:3000]
    logs = StudyLog.objects.unrestricted().filter(course=course)
    assert {log.person.name for log in logs} == {"张三", "李四"} and {log.method for log in logs} == {"group"}
    page = sec.get(f"/training/courses/{course.pk}/").content.decode()
    assert "张三" in page and "集中学习" in page and "学习记录（2 人次）" in page
    r = sec.post(f"/training/courses/{course.pk}/study/", {
        "people": [tree.people.zhangsan.pk], "studied_on": "2026-11-25", "minutes": 40, "method": "self"})
    assert r.status_code == 200 and "不能重复登记" in r.content.decode()
    r = sec.post(f"/training/courses/{course.pk}/study/", {
        "people": [tree.people.wangwu.pk], "studied_on": "2026-11-25", "minutes": 40, "method": "self"})
    assert r.status_code == 200 and "不在您的管辖范围内" in r.content.decode()  # 王五 is not of 红星社区
    assert sec.get(f"/training/courses/{course.pk}/edit/").status_code == 403
    r = login(users.taiyuan).post(f"/training/courses/{course.pk}/edit/", {
        "code": "TY-LL-01", "title": "吕梁精神（修订）", "minutes": 40, "hours": "1.5",
        "category": course.category_id, "active": "on"})
    assert r.status_code == 302
    course.refresh_from_db()
    assert course.title == "吕梁精神（修订）" and course.hours == Decimal("1.5")
    listed = login(users.secretary).get("/training/courses/?q=吕梁").content.decode()
    assert "吕梁精神（修订）" in listed


def test_the_api_lists_the_courses_in_scope(tree, users, course, national, login):
    services.add_material(users.taiyuan, course, title="讲稿", file=SimpleUploadedFile("讲稿.pdf", pdf_bytes()))
    data = login(users.datong).get("/api/training/courses/").json()
    assert [c["code"] for c in data["results"]] == ["QG-DS-01"]
    data = login(users.secretary).get("/api/training/courses/").json()
    codes = {c["code"]: c for c in data["results"]}
    assert set(codes) == {"QG-DS-01", "TY-TH-01"}
    assert codes["TY-TH-01"]["issuer"] == "1401" and codes["TY-TH-01"]["hours"] is None
    assert codes["QG-DS-01"]["issuer"] == "" and codes["QG-DS-01"]["hours"] == "2.0"
    assert codes["TY-TH-01"]["materials"][0]["url"].startswith("/training/courses/materials/")
    only = login(users.secretary).get("/api/training/courses/", {"category": "党史学习"}).json()
    assert [c["code"] for c in only["results"]] == ["QG-DS-01"]
    assert login(users.datong).get(f"/api/training/courses/{course.pk}/").status_code == 404


# ---------------------------------------------------------------- the demo


def test_the_demo_library_is_dated_up_to_its_day_and_credited(tree, users, login):
    from zugong.demo import training_courses

    for p in (tree.people.zhangsan, tree.people.lisi, tree.people.wangwu, tree.people.zhaoliu):
        member(p, p.organization)
    as_of = dt.date(2026, 11, 27)
    counts = training_courses.seed(tree.root, tree.taiyuan, seed=7, as_of=as_of, log=lambda *a: None)
    assert counts["training_courses"] == 12 and counts["training_study_logs"] > 0
    assert training_courses.seed(tree.root, tree.taiyuan, seed=7, as_of=as_of, log=lambda *a: None) == {}
    courses = Course.objects.unrestricted()
    assert {c.org_path for c in courses} == {tree.taiyuan.path} and courses.filter(active=False).count() == 1
    logs = StudyLog.objects.unrestricted()
    assert all(dt.date(2026, 1, 1) <= log.studied_on <= as_of for log in logs)
    assert "赵六" not in {log.person.name for log in logs}  # 大同's members study nothing of 太原's
    credited = set(Credit.objects.unrestricted().filter(source="training.course").values_list("source_id", flat=True))
    assert credited == {log.pk for log in logs}
    files = CourseMaterial.objects.unrestricted().exclude(file="")
    pdfs = [m for m in files if m.extension == ".pdf"]
    assert files.count() >= 11 and CourseMaterial.objects.unrestricted().exclude(link="").count() == 3
    client = login(users.secretary)
    for m in [files.filter(file__endswith=".docx").first(), *pdfs[:1]]:
        body = b"".join(client.get(f"/training/courses/materials/{m.pk}/").streaming_content)
        assert body.startswith(b"%PDF-" if m.extension == ".pdf" else b"PK")
    assert login(users.datong).get(f"/training/courses/materials/{files.first().pk}/").status_code == 404

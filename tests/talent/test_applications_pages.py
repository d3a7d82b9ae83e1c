"""The applications' pages as 太原's administrator (list, filters, export, the application page with the
pre-check, the review score pending until published, objections; opening; the step pages through
`actions.ACTIONS`; the 公示 list export) and hidden from 大同's."""

import io

import pytest
from django.urls import reverse

from zugong.talent.models import Application, ReviewRound

from .applications_fixtures import *  # noqa: F403
from .applications_fixtures import D, apply, to_notice, to_review

pytestmark = pytest.mark.django_db


def post(client, case, data):
    """POST a step page with the application's current version (as the page carries it)."""
    from zugong.core import versions

    case = Application.objects.unrestricted().get(pk=case.pk)
    return client.post(reverse("talent:step", args=[case.pk]), {"record_version": versions.token(case), **data})


def test_list_detail_and_scope(application, program, tree, users, login):
    to_review(users.taiyuan, application)  # recommending stores the engine's pre-check; then one is planted
    Application.objects.unrestricted().filter(pk=application.pk).update(precheck=[
        {"condition": "近五年未受党纪政务处分", "kind": "no_sanction", "met": False, "evidence": "2024年 警告",
         "source": "太原市人才支持计划实施办法（测试）条款号待核"}])
    theirs = apply(users.admin, program, tree.people.zhaoliu, tree.b3, tier="young")
    client = login(users.taiyuan)
    text = client.get(reverse("talent:list")).content.decode()
    assert "张三" in text and "赵六" not in text
    text = client.get(reverse("talent:list") + f"?edition={program.edition.pk}&status=reviewed&org=140105").content.decode()
    assert "张三" in text
    assert "张三" not in client.get(reverse("talent:list") + "?status=notice").content.decode()
    export = client.get(reverse("talent:list") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    page = client.get(reverse("talent:detail", args=[application.pk])).content.decode()
    assert "2024年 警告" in page and "不符合" in page and "条款号待核" in page
    assert "待发布" in page and "88.50" not in page
    ReviewRound.objects.create(edition=program.edition, name="第一轮", status=ReviewRound.Status.PUBLISHED,
                               published_on=D(2026, 6, 15))
    page = client.get(reverse("talent:detail", args=[application.pk])).content.decode()
    assert "88.50" in page and "待发布" not in page
    other = login(users.datong)
    assert other.get(reverse("talent:detail", args=[application.pk])).status_code == 404
    assert "张三" not in other.get(reverse("talent:list")).content.decode()
    assert other.get(reverse("talent:detail", args=[theirs.pk])).status_code == 200  # in 大同: theirs


def test_open_and_steps_through_the_pages(program, tree, users, login):
    client = login(users.taiyuan)
    assert client.get(reverse("talent:create")).status_code == 200
    r = client.post(reverse("talent:create"), {
        "edition": program.edition.pk, "tier": program.tiers["top"].pk, "person": tree.people.lisi.pk,
        "organization": tree.b1.pk, "field": "信息技术", "on": "2026-05-05"})
    assert r.status_code == 200 and "不在" in str(r.context["form"].errors["on"])
    r = client.post(reverse("talent:create"), {
        "edition": program.edition.pk, "tier": program.tiers["top"].pk, "person": tree.people.lisi.pk,
        "organization": tree.b1.pk, "field": "信息技术", "on": "2026-03-05", "co_applicants": "王某，太原理工大学",
        "supervisor": tree.people.wangwu.pk, "supervisor_name": ""})
    case = Application.objects.unrestricted().get(person=tree.people.lisi)
    assert r.status_code == 302 and case.co_applicants.unrestricted().get().name == "王某"
    assert case.supervisor_id == tree.people.wangwu.pk  # the form names the supervisor the review avoids
    url = reverse("talent:step", args=[case.pk])
    case_ = case
    assert client.get(url + "?step=recommend").status_code == 200
    r = post(client, case_, {"step": "recommend", "on": "2026-03-20", "opinion": "同意推荐"})
    assert r.status_code == 302
    r = post(client, case_, {"step": "qualify", "on": "2026-04-01", "decision": "failed"})
    assert r.status_code == 200 and "请填写理由" in r.content.decode()
    r = post(client, case_, {"step": "qualify", "on": "2026-04-01", "decision": "passed"})
    case.refresh_from_db()
    assert r.status_code == 302 and case.status == "qualified"
    assert client.get(url + "?step=approve").status_code == 404  # the review comes first


def test_notice_step_page_and_the_notice_export(application, program, users, login):
    to_review(users.taiyuan, application)
    client = login(users.taiyuan)
    case_ = application
    post(client, case_, {"step": "approve", "on": "2026-09-20", "decision": "passed"})
    r = post(client, case_, {"step": "public_notice", "on": "2026-09-29", "end": "2026-10-09"})
    assert r.status_code == 200 and "不足本批次规定的 5 个工作日" in r.content.decode()
    r = post(client, case_, {"step": "public_notice", "on": "2026-09-29", "end": "2027-01-10"})
    assert "工作日历未包含 2027 年" in str(r.context["form"].errors["end"])
    r = post(client, case_, {"step": "public_notice", "on": "2026-09-29", "end": "2026-10-10"})
    assert r.status_code == 302
    export = client.get(reverse("talent:notice_export") + f"?edition={program.edition.pk}")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1] == ["序号", "姓名", "性别", "出生年月", "工作单位及职务", "层次", "专业领域"]
    assert values[2][:4] == [1, "张三", "男", "1980.05"] and values[2][5:] == ["拔尖骨干", "材料科学"]
    doc = client.get(reverse("talent:notice_export") + f"?edition={program.edition.pk}&format=docx&contact=0351-1234567")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(doc.content)).paragraphs)
    assert "2026年9月29日至2026年10月10日" in text and "0351-1234567" in text
    assert "中共太原市委组织部" in text  # signed by the issuer's organization department, not the programme
    assert login(users.datong).get(reverse("talent:notice_export") + f"?edition={program.edition.pk}").status_code == 404


def test_objection_step_page(application, users, login):
    to_notice(users.taiyuan, application)
    client = login(users.taiyuan)
    case_ = application
    r = post(client, case_, {"step": "objection", "on": "2026-10-08", "content": "反映业绩不实"})
    assert r.status_code == 302
    page = client.get(reverse("talent:detail", args=[application.pk])).content.decode()
    assert "反映业绩不实" in page and "核查中" in page
    r = post(client, case_, {"step": "recognize", "on": "2026-10-12"})
    assert r.status_code == 200 and "异议尚在核查" in r.content.decode()

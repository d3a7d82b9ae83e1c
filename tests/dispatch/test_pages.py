"""Dispatch pages: the list with its filters, summary and exports; the forms end to end; the program settings."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from zugong.dispatch.models import Dispatch, Evaluation, Rotation, WorkTeam

from .conftest import make_dispatch

pytestmark = pytest.mark.django_db


def xlsx_text(response) -> str:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return " ".join(str(c.value) for row in load_workbook(BytesIO(response.content)).active.iter_rows() for c in row)


@pytest.fixture
def records(tree, programs):
    return [
        make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b1, target_group="young",
                      host_title="第一书记"),
        make_dispatch(programs.dunmiao, tree.people.lisi, tree.b1, host_org=tree.b2, target_group="female"),
    ]


def test_list_filters_summary_and_export(login, tree, users, records):
    client = login(users.taiyuan)
    body = client.get("/dispatch/").content.decode()
    assert "王五" in body and "李四" in body and 'id="summary"' in body
    body = client.get("/dispatch/?kind=dunmiao").content.decode()
    assert "李四" in body and "王五" not in body.split('id="dispatches"')[1]
    body = client.get("/dispatch/?target_group=young").content.decode()
    assert "王五" in body.split('id="dispatches"')[1] and "李四" not in body.split('id="dispatches"')[1]
    text = xlsx_text(client.get("/dispatch/?export=xlsx&kind=first_secretary"))
    assert "王五" in text and "李四" not in text and "2025-06-01" in text
    text = xlsx_text(client.get("/dispatch/?export=summary"))
    assert "第一书记（山西）" in text and "年轻干部" in text
    body = client.get("/dispatch/?on_duty=2028-01-01").content.decode()
    assert "王五" not in body.split('id="dispatches"')[1]


def test_create_dispatch_through_the_form(login, tree, users, programs):
    client = login(users.taiyuan)
    assert client.get("/dispatch/new/").status_code == 200
    data = {"program": programs.fs.pk, "person": tree.people.wangwu.pk, "target_group": "young",
            "organization": tree.b2.pk, "host_org": tree.b1.pk, "start_on": "2025-06-01", "end_on": "2026-06-01"}
    r = client.post("/dispatch/new/", data)
    body = r.content.decode()
    assert r.status_code == 200 and "短于规定的 24 个月" in body and "例外办理理由" in body
    r = client.post("/dispatch/new/", data | {"exception_reason": "经部务会研究同意"})
    record = Dispatch.objects.unrestricted().get()
    assert r.status_code == 302 and r["Location"] == f"/dispatch/{record.pk}/"
    r = client.post("/dispatch/new/", data | {"end_on": ""})
    assert "不能重复选派" in r.content.decode()


def test_secretary_without_manage_right_sees_no_exception_field(login, tree, users, programs):
    client = login(users.secretary)
    data = {"program": programs.dunmiao.pk, "person": tree.people.zhangsan.pk, "target_group": "young",
            "organization": tree.b1.pk, "host_name": "某乡镇", "start_on": "2025-06-01"}
    r = client.post("/dispatch/new/", data)
    assert r.status_code == 302


def test_report_evaluation_recall_pages(login, tree, users, records):
    client = login(users.taiyuan)
    fs = records[0]
    r = client.post(f"/dispatch/{fs.pk}/report/", {"period_start": "2026-03", "days_in_village": "16",
                                                  "work_log": "召开党员大会", "submitted_on": "2026-04-03"})
    assert r.status_code == 302
    body = client.get(f"/dispatch/{fs.pk}/?tab=reports").content.decode()
    assert "召开党员大会" in body and "2026-03" in body
    r = client.post(f"/dispatch/{fs.pk}/recall/", {"on": "2026-04-01", "reason": ""})
    assert "这个字段是必填项" in r.content.decode() or "召回原因" in r.content.decode()
    r = client.post(f"/dispatch/{fs.pk}/evaluate/", {"kind": "annual", "year": "2025", "grade": "excellent",
                                                    "comments": "成绩突出", "evaluated_on": "2026-01-10"})
    assert r.status_code == 302 and Evaluation.objects.unrestricted().count() == 1
    assert "成绩突出" in client.get("/dispatch/evaluations/").content.decode()
    r = client.post(f"/dispatch/{fs.pk}/recall/", {"on": "2026-04-01", "reason": "工作需要调回"})
    assert r.status_code == 302
    body = client.get(f"/dispatch/{fs.pk}/").content.decode()
    assert "提前召回" in body and "工作需要调回" in body
    assert "召回原因" in client.get(f"/dispatch/{fs.pk}/?tab=log").content.decode()


def test_reader_cannot_change(login, tree, users, records):
    client = login(users.reader)
    assert client.get(f"/dispatch/{records[0].pk}/").status_code == 200
    assert client.get(f"/dispatch/{records[0].pk}/report/").status_code == 403


def test_team_and_rotation_pages(login, tree, users, programs):
    client = login(users.taiyuan)
    r = client.post("/dispatch/teams/new/", {"program": programs.team.pk, "name": "财政局工作队",
                                             "organization": tree.b2.pk, "host_org": tree.b1.pk,
                                             "start_on": "2025-06-01"})
    team = WorkTeam.objects.unrestricted().get()
    assert r.status_code == 302
    assert "财政局工作队" in client.get("/dispatch/teams/").content.decode()
    assert client.get(f"/dispatch/new/?team={team.pk}").status_code == 200
    r = client.post("/dispatch/rotations/new/", {
        "person": tree.people.wangwu.pk, "organization": tree.b2.pk, "kind": "up_down", "reason": "training",
        "from_level": "county", "from_unit_name": "小店区财政局", "to_level": "city", "to_unit_name": "太原市财政局",
        "on": "2025-03-01", "planned_end_on": "2026-03-01"})
    rotation = Rotation.objects.unrestricted().get()
    assert r.status_code == 302
    body = client.get(f"/dispatch/rotations/{rotation.pk}/").content.decode()
    assert "小店区财政局" in body and "太原市财政局" in body
    text = xlsx_text(client.get("/dispatch/rotations/?export=xlsx"))
    assert "上下交流" in text and "2025-03-01" in text


def test_program_settings(login, tree, users, programs):
    client = login(users.admin)
    body = client.get("/dispatch/programs/").content.decode()
    assert "第一书记（山西）" in body and "全年不少于工作日的 2/3" in body and "已确认" in body
    data = {"name": "第一书记（山西）", "default_term_months": 24, "min_term_months": 24, "report_every_months": 1,
            "report_grace_days": 10, "reminder_days": 90, "village_share_num": 2, "village_share_den": "",
            "document": "x", "document_status": "V", "active": "on"}
    r = client.post(f"/dispatch/programs/{programs.fs.pk}/", data)
    assert "在村比例的分子和分母应同时填写或同时留空" in r.content.decode()
    r = client.post(f"/dispatch/programs/{programs.fs.pk}/", data | {"village_share_den": 3})
    assert r.status_code == 302
    programs.fs.refresh_from_db()
    assert programs.fs.reminder_days == 90
    assert login(users.taiyuan).get(f"/dispatch/programs/{programs.fs.pk}/").status_code == 403


def test_cadre_panel_context(rf, tree, users, records):
    from zugong.dispatch.panels import _context

    request = rf.get("/")
    request.user = users.datong

    class Cadre:
        person_id = records[0].person_id

    assert _context(request, Cadre()) == {"dispatches": [], "rotations": []}
    request.user = users.taiyuan
    assert _context(request, Cadre())["dispatches"] == [records[0]]


def test_dates_are_iso_in_the_record_page(login, tree, users, records):
    body = login(users.taiyuan).get(f"/dispatch/{records[0].pk}/").content.decode()
    assert "2025-06-01 至 2027-06-01" in body
    assert dt.date(2025, 6, 1)

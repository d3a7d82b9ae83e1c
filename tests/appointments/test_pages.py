"""The pages: the list by stage, a case's page with its timeline and pre-check, step forms (refusal shown with
the exception field for an administrator), the notices and their .docx, the observation pages, the cadre-page
panel, the API."""

import datetime as dt
import io

import pytest
from formdata import step_post
from django.template.loader import render_to_string
from django.test import RequestFactory
from docx import Document

from tests.appointments.conftest import make_case, make_observation
from zugong.appointments.models import CaseStep, SelectionCase
from zugong.cadres import panels

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(cadre):
    case = make_case(cadre, recommended_on=D(2026, 3, 10), inspection_start=D(2026, 3, 16),
                     inspection_end=D(2026, 3, 20), decided_on=D(2026, 4, 1), members_expected=9, members_present=8,
                     votes_yes=8, public_notice_start=D(2026, 4, 2), public_notice_end=D(2026, 4, 9),
                     public_notice_workdays=5)
    CaseStep.objects.create(case=case, kind="proposal", on=case.proposed_on, done_by="区委组织部")
    return case


def test_list_by_stage_and_export(login, users, noticed):
    client = login(users.taiyuan)
    r = client.get("/appointments/")
    body = r.content.decode()
    assert r.status_code == 200 and "张三" in body and "区委组织部副部长" in body
    assert "任前公示 <span" in body  # the stage buttons with their counts
    assert "2026-04-09" in body  # the date the case waits for
    assert "张三" not in client.get("/appointments/?stage=2").content.decode()
    r = client.get("/appointments/?export=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_case_page_timeline_precheck_and_scope(login, users, cadre, noticed):
    client = login(users.taiyuan)
    body = client.get(f"/appointments/{noticed.pk}/").content.decode()
    assert 'data-step="public_notice"' in body and "2026-04-02 至 2026-04-09（5 个工作日）" in body
    assert "任职资格审查" in body and "符合工龄" in body
    cadre.work_started_on = D(2023, 8, 1)
    cadre.save()
    body = client.get(f"/appointments/{noticed.pk}/").content.decode()
    assert "参加工作 2 年 8 个月（2023-08-01 参加工作），不足 5 年" in body
    assert client.get(f"/appointments/{noticed.pk}/?tab=log").status_code == 200
    assert login(users.datong).get(f"/appointments/{noticed.pk}/").status_code == 404


def test_create_and_record_steps_through_forms(login, users, tree, cadre):
    client = login(users.taiyuan)
    r = client.post("/appointments/new/", {
        "cadre": cadre.pk, "organization": tree.xiaodian.pk, "unit_name": "中共太原市小店区委员会",
        "title": "区委组织部副部长", "rank": "county_deputy", "appointment_method": "appointed",
        "probation_applies": "on", "ends_current_posts": "on", "on": "2026-03-02", "reason": "职位空缺"})
    case = SelectionCase.objects.unrestricted().get(cadre=cadre)
    assert r.status_code == 302 and r["Location"] == f"/appointments/{case.pk}/"
    url = f"/appointments/{case.pk}/step/"
    assert client.get(url + "?step=decision").status_code == 404  # not before the inspection
    r = step_post(client, url, {"step": "recommendation", "on": "2026-03-10", "participants": 40, "issued": 40,
                          "returned": 40, "valid": 39, "received": 41})
    assert "得票 41 张，多于有效票 39 张" in r.content.decode()
    step_post(client, url, {"step": "recommendation", "on": "2026-03-10", "participants": 40, "issued": 40,
                      "returned": 40, "valid": 39, "received": 35})
    obs = make_observation(cadre)
    r = client.get(url + "?step=inspection")
    assert "“7·20”抗洪抢险" in r.content.decode()
    step_post(client, url, {"step": "inspection", "on": "2026-03-16", "end": "2026-03-20", "people_talked": 20,
                      "observations": [obs.pk]})
    r = client.get(url + "?step=decision")
    assert "任职资格审查" in r.content.decode()
    r = step_post(client, url, {"step": "decision", "on": "2026-04-01", "expected": 9, "present": 5, "yes": 5})
    body = r.content.decode()
    assert "实到会成员 5 人，不足应到会成员 9 人的三分之二" in body and 'name="exception_reason"' in body
    r = step_post(client, url, {"step": "decision", "on": "2026-04-01", "expected": 9, "present": 8, "yes": 8})
    assert r.status_code == 302
    step_post(client, url, {"step": "public_notice", "on": "2026-04-02", "days": 5})
    case.refresh_from_db()
    assert (case.stage, case.public_notice_end, list(case.observations.all())) == (5, D(2026, 4, 9), [obs])
    r = step_post(client, url, {"step": "appointment", "on": "2026-04-20", "document_no": "小组干字〔2026〕12号"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.document_no) == ("probation", "小组干字〔2026〕12号")


def test_notices_page_and_docx(login, users, noticed):
    client = login(users.taiyuan)
    body = client.get("/appointments/notices/").content.decode()
    assert "张三" in body and "2026-04-09" in body and "公示期满，可办理任职" in body
    for url in ("/appointments/notices/docx/", f"/appointments/{noticed.pk}/docx/"):
        r = client.get(url)
        assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
        text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
        assert "任前公示" in text
        assert "张三，男，汉族，1980年5月生，2003年7月参加工作，大学本科学历，现任坞城街道党工委书记，" \
               "拟任中共太原市小店区委员会区委组织部副部长。" in text
        assert "公示时间：2026年4月2日至2026年4月9日（5个工作日）。" in text
        assert "中共太原市小店区委员会组织部" in text
    r = login(users.datong).get("/appointments/notices/docx/")
    assert r.status_code == 302


def test_observation_pages(login, users, cadre):
    client = login(users.taiyuan)
    r = client.post("/appointments/observations/new/", {
        "cadre": cadre.pk, "observed_on": "2025-07-22", "task_kind": "disaster", "task": "抗洪抢险",
        "conduct": "驻守堤坝五昼夜", "rating": "good", "observer": "区委组织部干部科"})
    assert r.status_code == 302
    obs = cadre.observations.get()
    assert "驻守堤坝五昼夜" in client.get(f"/appointments/observations/{obs.pk}/").content.decode()
    body = client.get("/appointments/observations/").content.decode()
    assert "抗洪抢险" in body
    r = client.post(f"/appointments/observations/{obs.pk}/edit/", {
        "observed_on": "2025-07-22", "task_kind": "disaster", "task": "抗洪抢险", "conduct": "x", "rating": "",
        "observer": ""})
    assert "该字段是必填项" in r.content.decode()
    r = client.post(f"/appointments/observations/{obs.pk}/edit/", {"delete": "1"})
    assert r.status_code == 302 and not cadre.observations.exists()
    assert login(users.datong).get("/appointments/observations/").content.decode().count("抗洪抢险") == 0


def test_cadre_panel_shows_observations_and_cases(users, cadre, noticed):
    make_observation(cadre)
    request = RequestFactory().get("/")
    request.user = users.taiyuan
    panel = next(p for p in panels.registered() if p.key == "appointments")
    html = render_to_string(panel.template_name, panel.context(request, cadre) | {"cadre": cadre}, request=request)
    assert "“7·20”抗洪抢险" in html and "区委组织部副部长" in html
    request.user = users.datong
    html = render_to_string(panel.template_name, panel.context(request, cadre) | {"cadre": cadre}, request=request)
    assert "抗洪抢险" not in html


def test_api(login, users, noticed):
    client = login(users.taiyuan)
    data = client.get("/api/appointments/cases/").json()
    assert data["count"] == 1 and data["results"][0]["notice_end"] == "2026-04-09"
    assert login(users.datong).get("/api/appointments/cases/").json()["count"] == 0

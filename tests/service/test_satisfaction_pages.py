"""The satisfaction pages: the phone page without login (no personal data), the code sheet, the callback, 复办
and 销号 pages, the settings page, and scope (another county sees nothing of the survey)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from zugong.service import satisfaction_services as services
from zugong.service.models import CallbackCode, Feedback, SatisfactionPolicy

from .satisfaction_fixtures import *  # noqa: F403
from .satisfaction_fixtures import make_done_task

TODAY = dt.date(2026, 11, 27)


def _post(c, url, data):
    """Post a step form as a browser does: with the record version the page rendered."""
    page = c.get(url).content.decode()
    found = re.search(r'name="record_version" value="([^"]*)"', page)
    return c.post(url, {**data, **({"record_version": found.group(1)} if found else {})})


def _codes_from_sheet(body: str) -> list[str]:
    return re.findall(r'class="slip-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', body)


@pytest.mark.django_db
def test_the_phone_page_needs_no_login_and_shows_no_personal_data(client, tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    [code] = services.issue_codes(users.secretary, survey)
    r = client.get(reverse("service:pj"))
    assert r.status_code == 200 and "评价码" in r.content.decode()
    r = client.post(reverse("service:pj"), {"code": code.code})
    body = r.content.decode()
    assert r.status_code == 200 and task.title in body and task.area in body
    for private in ("刘大妈", "13912345678", "139****5678", tree.b1.name, "张三"):
        assert private not in body
    for label in ("满意", "基本满意", "部分解决", "不满意"):
        assert f">{label}</button>" in body
    r = client.post(reverse("service:pj"), {"code": code.code, "answer": "satisfied", "comment": "很及时"})
    assert r.status_code == 200 and "评价已提交" in r.content.decode()
    feedback = Feedback.objects.unrestricted().get(survey=survey)
    assert (feedback.answer, feedback.comment) == ("satisfied", "很及时")
    # used: refused
    r = client.post(reverse("service:pj"), {"code": code.code, "answer": "unsatisfied"})
    assert "已经使用" in r.content.decode()
    task.refresh_from_db()
    assert task.satisfaction == "satisfied"


@pytest.mark.django_db
def test_the_qr_opens_the_answer_page_and_unsatisfied_reopens(client, tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    [code] = services.issue_codes(users.secretary, survey)
    url = reverse("service:pj_token", args=[code.token])
    r = client.get(url)
    assert r.status_code == 200 and task.title in r.content.decode() and "刘大妈" not in r.content.decode()
    r = client.post(url, {"code": code.token, "answer": "unsatisfied", "comment": "没修好"})
    assert "评价已提交" in r.content.decode()
    task.refresh_from_db()
    assert task.status == "reopened" and task.reopened_on == TODAY
    r = client.get(url)
    assert "已经使用" in r.content.decode()
    assert client.get(reverse("service:pj_token", args=["not-a-token"])).status_code == 404


@pytest.mark.django_db
def test_the_code_sheet_shows_codes_once_with_qrs(login, tree, users, service_config):
    task, survey = make_done_task(tree.b1, households=35)
    c = login(users.secretary)
    url = reverse("service:satisfaction_codes", args=[survey.pk])
    r = c.get(url)
    assert r.status_code == 200 and 'value="4"' in r.content.decode()
    r = c.post(url, {"count": "4"})
    body = r.content.decode()
    codes = _codes_from_sheet(body)
    assert len(codes) == 4 and body.count("<svg") >= 4 and "/service/pj/" in body
    assert CallbackCode.objects.unrestricted().filter(survey=survey).count() == 4
    r = c.post(url, {"count": "2", "format": "pdf"})
    assert r["Content-Type"] == "application/pdf" and r.content[:4] == b"%PDF"
    assert CallbackCode.objects.unrestricted().filter(survey=survey).count() == 2  # the unused four withdrawn


@pytest.mark.django_db
def test_panel_callback_reopen_and_close_pages(login, tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    c = login(users.secretary)
    r = c.get(reverse("service:satisfaction_panel", args=[task.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "第1轮" in body and "评价中" in body and "发放评价码" in body
    # close refused before the check passes (a secretary cannot waive)
    r = c.get(reverse("service:satisfaction_close", args=[task.pk]))
    assert "群众评价尚未通过，不能销号" in r.content.decode() and "waiver_reason" not in r.content.decode()
    r = _post(c, reverse("service:satisfaction_close", args=[task.pk]), {"on": "2026-11-27"})
    assert r.status_code == 200 and "群众评价尚未通过" in r.content.decode()
    task.refresh_from_db()
    assert task.status == "done"
    r = _post(c, reverse("service:satisfaction_callback", args=[survey.pk]),
               {"on": "2026-11-20", "method": "call", "answer": "basic", "comment": "基本修好了"})
    assert r.status_code == 302, re.findall(r'(?:invalid-feedback d-block|alert-danger" role="alert")>(.*?)</div>', r.content.decode())
    task.refresh_from_db()
    assert task.satisfaction == "basic" and task.callback_done
    r = c.get(reverse("service:satisfaction_panel", args=[task.pk]))
    assert "通过：基本满意" in r.content.decode() and "基本修好了" in r.content.decode()
    r = _post(c, reverse("service:satisfaction_close", args=[task.pk]), {"on": "2026-11-27"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "closed"


@pytest.mark.django_db
def test_close_with_a_waiver_page_and_reopen_page(login, tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    c = login(users.taiyuan)
    r = c.get(reverse("service:satisfaction_close", args=[task.pk]))
    assert "waiver_reason" in r.content.decode()
    r = _post(c, reverse("service:satisfaction_close", args=[task.pk]), {"on": "2026-11-27"})
    assert "群众评价尚未通过" in r.content.decode()
    other, _ = make_done_task(tree.b1, title="另一项")
    r = _post(c, reverse("service:satisfaction_reopen", args=[other.pk]), {"on": "2026-11-27", "reason": "督查发现未完成"})
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.status == "reopened"
    r = _post(c, reverse("service:satisfaction_close", args=[task.pk]), {"on": "2026-11-27", "waiver_reason": "诉求人已搬离"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "closed" and task.close_waiver == "诉求人已搬离"


@pytest.mark.django_db
def test_another_county_cannot_see_the_survey(login, tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    c = login(users.datong)
    for name, pk in (("satisfaction_panel", task.pk), ("satisfaction_surveys", task.pk),
                     ("satisfaction_close", task.pk), ("satisfaction_reopen", task.pk),
                     ("satisfaction_codes", survey.pk), ("satisfaction_callback", survey.pk)):
        assert c.get(reverse(f"service:{name}", args=[pk])).status_code == 404, name
        assert c.post(reverse(f"service:{name}", args=[pk]), {"on": "2026-11-27"}).status_code == 404, name
    task.refresh_from_db()
    assert task.status == "done" and not CallbackCode.objects.unrestricted().exists()
    # a reader sees the panel but gets no buttons
    r = login(users.reader).get(reverse("service:satisfaction_panel", args=[task.pk]))
    assert r.status_code == 200 and "发放评价码" not in r.content.decode()
    assert login(users.reader).get(reverse("service:satisfaction_codes", args=[survey.pk])).status_code == 403


@pytest.mark.django_db
def test_settings_page_for_department_admins(login, tree, users, service_config):
    default = SatisfactionPolicy.objects.unrestricted().get(code="service.survey.default")
    c = login(users.taiyuan)  # an organization admin: sees the rules, edits none
    r = c.get(reverse("service:satisfaction_settings"))
    assert r.status_code == 200 and "全国默认" in r.content.decode()
    assert c.get(reverse("service:satisfaction_settings_edit", args=[default.pk])).status_code == 403
    c = login(users.admin)
    r = c.post(reverse("service:satisfaction_settings_edit", args=[default.pk]),
               {"sample_share": "1.5", "sample_minimum": 1, "code_valid_days": 15, "reopen_share": "0",
                "pass_share": "1", "regulation": "本省规定"})
    assert "抽样比例：应在 0 至 1 之间" in r.content.decode()
    r = c.post(reverse("service:satisfaction_settings_edit", args=[default.pk]),
               {"sample_share": "0.2", "sample_minimum": 2, "code_valid_days": 10, "reopen_share": "0",
                "pass_share": "1", "reopen_limit_workdays": 5, "regulation": "本省规定"})
    assert r.status_code == 302
    default.refresh_from_db()
    assert default.sample_share == Decimal("0.2") and default.reopen_limit_workdays == 5

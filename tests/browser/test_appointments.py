"""Selection in chromium: the case list by stage, a case's timeline with the eligibility pre-check, the
decision form refused by a rule (the exception field appears for an administrator), the notices page — on a
desktop and on a phone. Screenshots land in tests/browser/screenshots/."""

import datetime as dt

import pytest

from tests.appointments.conftest import make_case, make_cadre, make_observation
from tests.browser.test_walkthrough import browser, page, shot  # noqa: F401  (fixtures)
from zugong.appointments.models import CaseStep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date


def login(page, base, users):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", users.taiyuan.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")


def test_case_list_timeline_decision_and_notice(live_server, page, tree, users):  # noqa: F811
    cadre = make_cadre(tree.people.zhangsan, tree.xiaodian, work_started_on=D(2023, 8, 1))
    obs = make_observation(cadre)
    case = make_case(cadre, recommended_on=D(2026, 3, 10), recommend_participants=48, ballots_issued=48,
                     ballots_returned=47, ballots_valid=46, votes_received=39, inspection_start=D(2026, 3, 16),
                     inspection_end=D(2026, 3, 20), people_talked=26, probation_applies=True)
    case.observations.add(obs)
    for kind, on in (("proposal", case.proposed_on), ("recommendation", case.recommended_on),
                     ("inspection", case.inspection_start)):
        CaseStep.objects.create(case=case, kind=kind, on=on, done_by="区委组织部干部科")
    other = make_case(make_cadre(tree.people.lisi, tree.xiaodian, title="坞城街道办事处主任"),
                      title="区财政局局长", unit_name="小店区财政局", rank="county_chief",
                      recommended_on=D(2026, 3, 10), inspection_start=D(2026, 3, 16), inspection_end=D(2026, 3, 20),
                      decided_on=D(2026, 4, 1), public_notice_start=D(2026, 11, 24),
                      public_notice_end=D(2026, 11, 30), public_notice_workdays=5, from_rank="county_deputy")
    CaseStep.objects.create(case=other, kind="public_notice", on=other.public_notice_start)
    base = live_server.url
    login(page, base, users)
    page.click("text=选拔任用")
    page.wait_for_selector("#cases")
    assert page.locator("#stage-counts").get_by_text("考察").count() == 1
    shot(page, "appointments-01-list")

    page.click("#cases >> text=张三")
    page.wait_for_selector("#timeline")
    assert "参加工作 3 年 3 个月" in page.locator("#precheck").inner_text()
    assert "“7·20”抗洪抢险" in page.locator("#timeline").inner_text()
    shot(page, "appointments-02-case")

    page.click("[data-step='decision'] >> text=记录")
    page.wait_for_selector("#step-form")
    page.fill("#id_on", "2026-04-01")
    page.fill("#id_expected", "9")
    page.fill("#id_present", "8")
    page.fill("#id_yes", "8")
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#id_exception_reason")
    assert "不足 5 年" in page.locator(".alert-danger").inner_text()
    shot(page, "appointments-03-refused")
    page.fill("#id_exception_reason", "经市委组织部批准，按破格提拔程序办理")
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#timeline")
    assert page.locator("[data-step='decision']").get_by_text("2026-04-01").count() == 1

    page.goto(f"{base}/appointments/notices/")
    page.wait_for_selector("#notices")
    assert "2026-11-30" in page.locator("#notices").inner_text()
    shot(page, "appointments-04-notices")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/appointments/{case.pk}/")
    page.wait_for_selector("#timeline")
    shot(page, "appointments-05-phone")

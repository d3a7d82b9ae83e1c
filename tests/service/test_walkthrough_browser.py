"""A new user's walk through 我为群众办实事 in chromium, across the five areas: a branch secretary takes an item in
on the 受理 page, a party member claims it, progress is reported from a phone with a photo, the clock is paused
and resumed, an extension is requested and approved by the department above (the deadline moves), the item is
completed, survey codes are issued on the item's survey panel, a resident answers 不满意 on the phone page (no
login) and the item is reopened (复办) with a new deadline, completed again, answered 满意 with a fresh code,
closed (销号), and the league table counts it. Screenshots land in tests/browser/screenshots/service-walk-*.png."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date
TITLE = "修缮红星社区5号楼楼道照明"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"service-walk-{name}.png"), full_page=True)


def login(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 140, 200)).save(buf, format="PNG")
    return buf.getvalue()


def pick(page, field_id, typed, option_text):
    """Choose in a tom-select picker (the field's wrapper follows the hidden select)."""
    page.locator(f"#{field_id} + .ts-wrapper .ts-control, #{field_id}-ts-control").first.click()
    page.keyboard.type(typed)
    page.locator(".ts-dropdown .option", has_text=option_text).first.click()


def step(page, base, task_pk, label, on=None):
    """Click an action button over the item page, wait for the step form, fill its date."""
    page.goto(f"{base}/service/tasks/{task_pk}/")
    page.locator("#task-actions a", has_text=label).first.click()
    page.wait_for_selector("#step-form")
    if on:
        page.fill("#id_on", on.isoformat())


def submit_step(page):
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#timeline")


def deadline_text(page) -> str:
    return page.inner_text("#deadline").replace("暂估", "").strip()


def as_date(text: str) -> dt.date:
    y, m, d = map(int, re.match(r"(\d+)年(\d+)月(\d+)日", text).groups())
    return dt.date(y, m, d)


def issue_one_code(page, base, task_pk) -> str:
    page.goto(f"{base}/service/tasks/{task_pk}/")
    page.wait_for_selector("#survey-issue")
    page.click("#survey-issue")
    page.wait_for_selector("#issue-form")
    page.click("#issue-show")
    page.wait_for_selector("#codes")
    assert page.locator(".slip").count() == 1
    return page.locator(".slip .slip-code").first.inner_text().strip()


def answer_on_phone(browser, base, code, value, comment):  # noqa: F811
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                has_touch=True)
    try:
        page = phone.new_page()
        page.goto(f"{base}/service/pj/")
        page.fill("#id_code", code)
        page.click("button[type=submit]")
        page.wait_for_selector("#pj-title")
        assert page.inner_text("#pj-title") == TITLE
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.fill("#id_comment", comment)
        shot(page, f"pj-{value}")
        page.click(f"#pj-{value}")
        page.wait_for_selector("#pj-done")
        shot(page, f"pj-{value}-done")
    finally:
        phone.close()


def test_walk_from_intake_to_league(live_server, browser, tree, users):  # noqa: F811
    from zugong.core import workdays
    from zugong.members.models import Membership
    from zugong.service import clock
    from zugong.service.defaults import satisfaction, tasks
    from zugong.service.models import ServiceTask, UrgencyClass

    workdays.sync(2025, 2026)
    tasks.install(None)
    satisfaction.install(None)
    Membership.objects.create(person=tree.people.zhangsan, organization=tree.b1, joined_on=dt.date(2005, 7, 1),
                              converted_on=dt.date(2006, 7, 1), status="full")
    base = live_server.url
    today = timezone.localdate()
    desk_ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk_ctx.new_page()
    try:
        # 受理: from the start page of the app, the button 受理事项, the form.
        login(page, base, users.secretary)
        page.goto(f"{base}/service/")
        shot(page, "00-index")
        page.click("#home-tasks >> text=受理事项")
        page.wait_for_selector("#step-form")
        page.fill("#id_title", TITLE)
        page.fill("#id_on", "2026-11-16")
        pick(page, "id_organization", "红星", "红星社区")
        page.select_option("#id_urgency", str(UrgencyClass.objects.get(code="limited").pk))
        page.fill("#id_area", "红星社区5号楼")
        page.fill("#id_beneficiaries", "3")
        page.fill("#id_households", "1")
        page.fill("#id_requester_name", "刘大妈")
        page.fill("#id_requester_phone", "13912345678")
        shot(page, "01-intake")
        submit_step(page)
        assert f"已受理“{TITLE}”" in page.inner_text("body")
        task = ServiceTask.objects.unrestricted().get(title=TITLE)
        assert task.organization_id == tree.b1.pk
        first_deadline = deadline_text(page)
        assert as_date(first_deadline) == task.deadline
        shot(page, "02-detail")

        # 党员认领
        step(page, base, task.pk, "党员认领", D(2026, 11, 16))
        pick(page, "id_person", "张三", "张三")
        submit_step(page)
        assert "张三" in page.inner_text("#task-who")

        # 进展报告 from a phone, with a photo
        phone_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                        has_touch=True, device_scale_factor=2)
        phone = phone_ctx.new_page()
        login(phone, base, users.secretary)
        step(phone, base, task.pk, "进展报告", D(2026, 11, 17))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.fill("#id_note", "已更换楼道灯具 12 套，居民代表现场确认。")
        phone.set_input_files("#id_photos", [{"name": "现场.png", "mimeType": "image/png", "buffer": png_bytes()}])
        shot(phone, "03-report-phone")
        submit_step(phone)
        assert phone.evaluate("document.querySelectorAll('#photos img').length") == 1
        shot(phone, "04-detail-phone")
        phone_ctx.close()

        # 暂停计时 with a reason, 恢复计时
        step(page, base, task.pk, "暂停计时", D(2026, 11, 18))
        page.fill("#id_reason", "等待物业采购灯具")
        submit_step(page)
        assert "暂停" in page.inner_text("#task-status")
        assert "等待物业采购灯具" in page.inner_text("#pauses")
        step(page, base, task.pk, "恢复计时", D(2026, 11, 20))
        submit_step(page)
        assert "暂停" not in page.inner_text("#task-status")
        assert "暂停 2 · 延期 0" in page.inner_text("#paused-days")
        assert as_date(deadline_text(page)) == clock.deadline_after(as_date(first_deadline), 2)

        # 申请延期; the department above approves it; the deadline moves by the approved working days
        before = deadline_text(page)
        step(page, base, task.pk, "申请延期", D(2026, 11, 23))
        page.fill("#id_workdays", "5")
        page.fill("#id_reason", "灯具到货延迟")
        submit_step(page)
        assert "待审批" in page.inner_text("#extensions") or "审批" in page.inner_text("#extensions")
        assert "延期审批" not in page.inner_text("#task-actions")  # the secretary does not decide it
        admin_ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        admin = admin_ctx.new_page()
        login(admin, base, users.admin)
        step(admin, base, task.pk, "延期审批", D(2026, 11, 24))
        shot(admin, "05-extension-decision")
        submit_step(admin)
        after = deadline_text(admin)
        assert as_date(after) == clock.deadline_after(as_date(before), 5)
        assert "延期 5" in admin.inner_text("#paused-days")
        shot(admin, "06-extended")
        admin_ctx.close()
        page.reload()
        assert deadline_text(page) == after != before

        # 办结
        step(page, base, task.pk, "办结", D(2026, 11, 25))
        submit_step(page)
        assert "待评价" in page.inner_text("#task-status") or "办结" in page.inner_text("#task-status")
        page.wait_for_selector("#survey-rounds")
        assert "评价中" in page.inner_text("#survey-rounds")
        assert page.locator("#survey-close").count() == 0  # not before the round passes, for a secretary
        shot(page, "07-done-panel")

        # 评价码 on the survey panel; the resident answers 不满意 on the phone page → 复办 with a new deadline
        code = issue_one_code(page, base, task.pk)
        shot(page, "08-sheet")
        answer_on_phone(browser, base, code, "unsatisfied", "灯还是不亮")
        page.goto(f"{base}/service/tasks/{task.pk}/")
        page.wait_for_selector("#survey-rounds")
        assert "复办" in page.inner_text("#task-status")
        task.refresh_from_db()
        assert task.reopened_count == 1 and task.deadline > today - dt.timedelta(days=1)
        assert as_date(deadline_text(page)) == task.deadline == clock.deadline_after(today, task.limit_workdays)
        assert deadline_text(page) != after
        assert "未通过" in page.inner_text("#survey-rounds")
        shot(page, "09-reopened")

        # 办结 again, 满意 with a fresh code, 销号
        step(page, base, task.pk, "办结")
        submit_step(page)
        code2 = issue_one_code(page, base, task.pk)
        assert code2 != code
        answer_on_phone(browser, base, code2, "satisfied", "修好了，谢谢")
        page.goto(f"{base}/service/tasks/{task.pk}/")
        page.wait_for_selector("#survey-close")
        assert "通过" in page.inner_text("#survey-rounds")
        page.click("#survey-close")
        page.wait_for_selector("#close-passed")
        shot(page, "10-close")
        page.click("#close-form button[type=submit]")
        page.wait_for_selector("#task-status")
        assert "销号" in page.inner_text("#task-status")
        shot(page, "11-closed")

        # The league table counts it: taken 1, completed 1, 满意率 50 % over two rounds, reopened 1
        page.goto(f"{base}/service/league/?period=year&year={today.year}")
        page.wait_for_selector("#league-table")
        shot(page, "12-league")
        headers = [h.strip(" ↑↓") for h in page.locator("#league-table thead th").all_inner_texts()]
        cells = page.locator("#league-table tbody tr", has_text="红星社区").first.locator("td").all_inner_texts()
        got = dict(zip(headers, (c.strip() for c in cells)))
        assert (got["承接事项"], got["办结"], got["复办"]) == ("1", "1", "1")
        assert got["满意率"].replace(" ", "") == "50.0%（1/2）"  # the 不满意 round and the 满意 round
        assert got["复办率"].startswith("100.0%")
    finally:
        desk_ctx.close()

"""The scheduled tasks page in chromium, as the province admin: from the rules page to 定时任务, a task's last run
with its time and result, changing a task's time, 立即运行; screenshots at 1400×900 and phone width."""

import datetime as dt

import pytest

from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixture)
from zugong.core import config
from zugong.core.models import ScheduledTask, ScheduleRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wide(browser):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_the_admin_sees_edits_and_runs_the_scheduled_tasks(live_server, browser, wide, tree, users):  # noqa: F811
    config.install(tree.root, ["schedule"])
    scan = ScheduledTask.objects.unrestricted().get(code="scan")
    moment = dt.datetime(2026, 12, 5, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ScheduleRun.objects.create(task=scan, due_at=moment, status=ScheduleRun.Status.DONE, started_at=moment,
                               finished_at=moment + dt.timedelta(seconds=192), seconds=192.4,
                               message="检查完成：新增问题 12 个，消除 3 个，现存 40 个。")
    page, base = wide, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", users.admin.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")
    assert page.locator("aside a.nav-link", has_text="定时任务").count() == 1
    page.goto(f"{base}/core/rules/")
    page.click("#schedule-link")
    page.wait_for_selector("#schedule-tasks")
    row = page.locator("tr[data-code=scan]")
    assert "01:30" in row.inner_text() and "3 分 12 秒" in row.inner_text() and "新增问题 12 个" in row.inner_text()
    assert "功能尚未安装" not in page.locator("#schedule-tasks").inner_text()  # every runner is registered
    page.screenshot(path=str(SHOTS / "schedule-01-list.png"), full_page=True)

    page.locator("tr[data-code=dashboards]").get_by_text("修改").click()
    page.fill("#id_at", "04:15")
    page.uncheck("#id_enabled")
    page.screenshot(path=str(SHOTS / "schedule-02-edit.png"), full_page=True)
    page.click("form.zugong-form button[type=submit]")
    page.wait_for_selector("text=已保存定时任务")
    row = page.locator("tr[data-code=dashboards]")
    assert "04:15" in row.inner_text() and "已停用" in row.inner_text()

    page.locator("tr[data-code=compliance]").get_by_role("button", name="立即运行").click()
    page.wait_for_url("**/core/jobs/*/")
    assert "定时任务：组织生活落实情况重新计算" in page.content()
    page.goto(f"{base}/core/schedule/")
    assert "手动" in page.locator("tr[data-code=compliance]").inner_text()
    page.screenshot(path=str(SHOTS / "schedule-03-after.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "schedule-04-phone.png"), full_page=True)

    # A city admin has no such page and no such menu entry.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    city = context.new_page()
    city.goto(f"{base}/accounts/login/")
    city.fill("#id_username", "ty_admin")
    city.fill("#id_password", users.taiyuan.raw_password)
    city.click("button[type=submit]")
    city.wait_for_selector("text=工作台")
    assert city.locator("aside a.nav-link", has_text="定时任务").count() == 0
    assert city.goto(f"{base}/core/schedule/").status == 403
    context.close()

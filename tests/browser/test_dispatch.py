"""干部选派 in chromium: the list with its summary, a 第一书记's page, a monthly report through the form, and the
list on a phone. Screenshots land in tests/browser/screenshots/."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield b
        b.close()


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")


def test_dispatch_list_record_and_report(live_server, browser, tree, users):
    from zugong.dispatch import defaults
    from zugong.dispatch.models import DispatchReport, Program
    from tests.dispatch.conftest import make_dispatch

    from zugong.core import workdays

    # A transactional test before this one may have flushed the holiday calendar that a migration fills.
    if workdays.covered_until() is None:
        workdays.sync()
    defaults.install(tree.root)
    fs = Program.objects.get(code="first_secretary_shanxi")
    d = make_dispatch(fs, tree.people.wangwu, tree.b2, host_org=tree.b1, start=dt.date(2025, 3, 1),
                      target_group="young", host_title="村党组织第一书记", sending_unit_name="小店区财政局",
                      document_no="晋组通字〔2025〕3号")
    make_dispatch(Program.objects.get(code="dunmiao"), tree.people.lisi, tree.b1, host_org=tree.b2,
                  target_group="female", host_title="副镇长（挂职）")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, users.taiyuan)
    page.click("text=干部选派")
    page.wait_for_selector("#dispatches")
    assert "第一书记（山西）" in page.inner_text("#summary")
    shot(page, "dispatch-01-list")
    page.locator("#dispatches").get_by_text("王五").click()
    page.wait_for_selector("#info")
    assert "小店区财政局" in page.inner_text("#info")
    page.click("#add-report")
    page.fill("#id_period_start", "2026-03")
    page.fill("#id_days_in_village", "16")
    page.fill("#id_work_log", "走访农户 40 户，召开党员大会 1 次")
    shot(page, "dispatch-02-report-form")
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_selector("#info")
    assert "已记录工作报告" in page.content()
    assert DispatchReport.objects.unrestricted().get().workdays == 22
    assert "16 天 / 工作日 22 天" in page.inner_text("#village-days")
    page.click("#tab-reports")
    page.wait_for_selector("#report-table")
    shot(page, "dispatch-03-record")
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, live_server.url, users.taiyuan)
    page.goto(f"{live_server.url}/dispatch/{d.pk}/")
    page.wait_for_selector("#info")
    shot(page, "dispatch-04-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width}px wide on a phone"
    phone.close()

"""办实事事项 in chromium: the progress report from a phone (390 px wide: the form fits, photos upload), the item
page with its photos and clock, the list on a desktop. Screenshots land in tests/browser/screenshots/."""

import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest

SHOTS = Path(__file__).parent.parent / "browser" / "screenshots"
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


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 140, 200)).save(buf, format="PNG")
    return buf.getvalue()


def test_progress_report_from_a_phone(live_server, browser, tree, users):
    from zugong.core import workdays
    from zugong.core.casework.services import StepRecord
    from zugong.service import tasks_services as services
    from zugong.service.defaults.tasks import install
    from zugong.service.models import TaskDocument, UrgencyClass

    workdays.sync(2025, 2026)
    install(None)
    task = services.open_task(users.admin, tree.b1, title="修缮红星小区3号楼路灯", received_on=dt.date(2026, 11, 16),
                              urgency=UrgencyClass.objects.get(code="limited"), limit_workdays=10,
                              source="hotline", source_ref="12345-20261116-0087", area="红星社区3号楼",
                              beneficiaries=86, households=32).case
    services.pause(users.admin, task, StepRecord(on=dt.date(2026, 11, 20)), reason="等待供电公司停电检修")
    services.resume(users.admin, task, StepRecord(on=dt.date(2026, 11, 24)))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    page = phone.new_page()
    login(page, live_server.url, users.secretary)
    page.goto(f"{live_server.url}/service/tasks/{task.pk}/step/?step=report")
    page.wait_for_selector("#step-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_note", "已更换灯具 6 套，线路检修完毕，居民代表现场确认。")
    page.set_input_files("#id_photos", [
        {"name": "现场1.png", "mimeType": "image/png", "buffer": png_bytes()},
        {"name": "现场2.png", "mimeType": "image/png", "buffer": png_bytes()}])
    shot(page, "service-01-report-phone")
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#photos")
    assert TaskDocument.objects.unrestricted().filter(step__case=task).count() == 2
    assert page.evaluate("document.querySelectorAll('#photos img').length") == 2
    shot(page, "service-02-detail-phone")
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    login(desk, live_server.url, users.taiyuan)
    desk.goto(f"{live_server.url}/service/tasks/{task.pk}/")
    desk.wait_for_selector("#timeline")
    assert "暂停 2 · 延期 0" in desk.inner_text("#paused-days")
    shot(desk, "service-03-detail")
    desk.goto(f"{live_server.url}/service/tasks/")
    desk.wait_for_selector("#tasks")
    shot(desk, "service-04-list")

"""A branch secretary records a themed party day on a phone (390 px wide): the roster, one absence with a
reason, save; then the year at a glance. Screenshots in tests/browser/screenshots/."""

import datetime as dt

import pytest

from tests.branchlife.conftest import branch  # noqa: F401  (fixture)
from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    pg = context.new_page()
    yield pg
    context.close()


def test_secretary_records_a_meeting_on_a_phone(live_server, phone, tree, users, branch):  # noqa: F811
    from zugong.branchlife.models import Absence, Meeting

    page = phone
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "b1_sec")
    page.fill("#id_password", users.secretary.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")
    page.goto(f"{base}/branchlife/record/")
    page.wait_for_selector("#roster")
    assert page.locator(".roster-row").count() == 7
    # Nothing wider than the screen: the form fits a 390 px phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.fill("#id_topic", "重温入党誓词")
    absent = branch.members[5]
    page.check(f"input[name=absent_{absent.pk}]")
    page.fill(f"input[name=reason_{absent.pk}]", "外出务工")
    page.screenshot(path=str(SHOTS / "branchlife-01-record-phone.png"), full_page=True)
    page.click("#save-meeting")
    page.wait_for_selector("#attendance-counts")
    assert page.locator("#attendance-counts").inner_text().strip() == "7 / 6"
    page.screenshot(path=str(SHOTS / "branchlife-02-meeting-phone.png"), full_page=True)
    m = Meeting.objects.unrestricted().get()
    assert (m.kind, m.held_on, m.credit_hours) == ("themed_day", dt.date.today(), 3)
    assert Absence.objects.unrestricted().get().reason == "外出务工"

    page.goto(f"{base}/branchlife/year/?org={branch.org.pk}")
    page.wait_for_selector("#year-grid")
    assert "✓" in page.locator("#year-grid").inner_text()
    page.screenshot(path=str(SHOTS / "branchlife-03-year-phone.png"), full_page=True)

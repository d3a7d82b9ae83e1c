"""The phone page and the survey panel in chromium: a resident answers on a phone (no login), the secretary
sees the round on the panel and issues the code sheet."""

import pytest

from tests.browser.test_walkthrough import browser, page, shot  # noqa: F401  (fixtures)
from zugong.service import satisfaction_services as services

from .satisfaction_fixtures import *  # noqa: F403
from .satisfaction_fixtures import make_done_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_page_and_panel(live_server, page, tree, users, service_config):  # noqa: F811
    task, survey = make_done_task(tree.b1, households=35)
    codes = services.issue_codes(users.secretary, survey)
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/service/pj/")
    shot(page, "service-satisfaction-01-code")
    page.fill("#id_code", codes[0].code)
    page.click("button[type=submit]")
    page.wait_for_selector("#pj-title")
    assert page.inner_text("#pj-title") == task.title
    shot(page, "service-satisfaction-02-answer")
    page.fill("#id_comment", "修得很及时")
    page.click("#pj-satisfied")
    page.wait_for_selector("#pj-done")
    page.goto(f"{base}{codes[1].path}")
    page.click("#pj-basic")
    page.wait_for_selector("#pj-done")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "b1_sec")
    page.fill("#id_password", users.secretary.raw_password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/service/tasks/{task.pk}/satisfaction/")
    page.wait_for_selector("#survey-rounds")
    assert "修得很及时" in page.inner_text("#survey-panel")
    shot(page, "service-satisfaction-03-panel")
    page.click("#survey-issue")
    page.click("#issue-show")
    page.wait_for_selector("#codes")
    assert page.locator(".slip").count() == 2
    shot(page, "service-satisfaction-04-sheet")

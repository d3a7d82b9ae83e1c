"""Terms, elections and the dashboard in chromium: record an election, see the dashboard's charts with their
tables, on a desktop and on a phone. Screenshots land in tests/browser/screenshots/."""

import datetime as dt

import pytest

from zugong.orgs.models import Organization

import importlib.util
from pathlib import Path

# The walkthrough's chromium fixtures (tests/ has no __init__.py, so load the module by its path).
_spec = importlib.util.spec_from_file_location("walkthrough", Path(__file__).with_name("test_walkthrough.py"))
_walk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_walk)
browser, page, shot = _walk.browser, _walk.page, _walk.shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")


def test_record_election_and_dashboard(live_server, page, tree, users):  # noqa: F811
    from zugong.dashboards import rollups

    Organization.objects.unrestricted().filter(pk=tree.b2.pk).update(term_started_on=dt.date(2022, 1, 10),
                                                                       term_ends_on=dt.date(2025, 1, 10))
    base = live_server.url
    login(page, base, users.admin)
    page.goto(f"{base}/elections/?state=all")
    page.wait_for_selector("#terms")
    assert "已逾期" in page.locator("#terms").inner_text()
    shot(page, "elections-01-terms")

    page.goto(f"{base}/elections/records/new/?org={tree.b2.pk}")
    page.fill("#id_held_on", "2026-03-10")
    page.fill("#id_seats", "3")
    page.fill("#id_expected_voters", "20")
    page.fill("#id_voters_present", "15")
    page.fill("#id_candidate_lines", "刘一 15\n陈二 14\n张五 13\n赵九 3")
    page.click("#election-form button[type=submit]")
    page.wait_for_selector(".alert-danger")
    assert "五分之四" in page.locator(".alert-danger").inner_text()
    shot(page, "elections-02-refused")
    page.fill("#id_voters_present", "17")
    page.click("#election-form button[type=submit]")
    page.wait_for_selector("#candidates")
    page.select_option("#id_secretary_name", "刘一")
    page.click("#approve-form button[type=submit]")
    page.wait_for_selector("text=新一届任期自选举之日起计算")
    shot(page, "elections-03-record")

    rollups.refresh(dt.date(2026, 9, 15))
    page.goto(f"{base}/dashboards/")
    page.wait_for_selector("#chart-term canvas")
    assert "汇总数据计算于" in page.locator("#computed-at").inner_text()
    shot(page, "elections-04-dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/dashboards/?org=1401")
    page.wait_for_selector("#chart-term canvas")
    shot(page, "elections-05-dashboard-phone")

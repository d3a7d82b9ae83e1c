"""在职党员到社区报到 in chromium: the community confirms a registration and enters an activity's attendance, the
branch sees its roster on the organization page's tab (screenshots to look at)."""

import pytest

from tests.browser.test_walkthrough import browser, page, shot  # noqa: F401  (fixtures)
from zugong.service import community_services as services

from .community_fixtures import *  # noqa: F403
from .community_fixtures import D

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(pg, base, user):
    pg.goto(f"{base}/accounts/login/")
    pg.fill("#id_username", user.username)
    pg.fill("#id_password", user.raw_password)
    pg.click("button[type=submit]")
    pg.wait_for_load_state("networkidle")


def test_community_confirms_and_branch_sees(live_server, page, tree, users, community):  # noqa: F811
    c, m = community, community.members
    reg = services.register(c.b2_user, m.wangwu, c.hq, D(2026, 3, 2), "双塔小区3号楼", "法律咨询")
    services.register(users.taiyuan, m.zhangsan, c.hq, D(2026, 3, 9), "双塔西街8号院", "医疗保健")
    base = live_server.url
    _login(page, base, c.hq_user)
    page.goto(f"{base}/service/community/org/{c.hq.code}/")
    shot(page, "community-01-community")
    page.click(f"#pending form[action='/service/community/registrations/{reg.pk}/act/'] button")
    page.wait_for_selector("text=已确认报到")
    page.goto(f"{base}/service/community/org/{c.hq.code}/activities/new/")
    page.fill("#id_title", "环境整治志愿服务")
    page.fill("#id_kind", "志愿服务")
    page.fill("#id_held_on", "2026-04-11")
    page.fill("#id_hours", "3")
    page.click("#community-form button[type=submit]")
    page.wait_for_selector("#attendance-entry")
    page.check(f"#attendance-entry input[value='{reg.pk}']")
    page.click("#attendance-entry button[type=submit]")
    page.wait_for_selector("text=已登记 1 人参加")
    shot(page, "community-02-activity")
    page.goto(f"{base}/service/community/org/{c.hq.code}/")
    assert "3.0" in page.inner_text("#registered")
    shot(page, "community-03-community-after")

    page.context.clear_cookies()
    _login(page, base, c.b2_user)
    page.goto(f"{base}/orgs/{tree.b2.pk}/?tab=community")
    text = page.inner_text("#community-org-panel")
    assert "王五" in text and "双塔社区" in text and "3.0" in text
    shot(page, "community-04-org-tab")
    page.goto(f"{base}/service/community/registrations/{reg.pk}/")
    shot(page, "community-05-registration")
    page.goto(f"{base}/service/community/")
    shot(page, "community-06-list")

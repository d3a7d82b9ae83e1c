"""The pool's pages in chromium: the list, a talent's page and the statistics whose charts draw (ECharts from
json_script, bound by zugong.js), no CSP violation; screenshots in tests/browser/screenshots/talent-pool*.png."""

from __future__ import annotations

import pytest

from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixture)

from .pool_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => { window.__csp.push(e.violatedDirective); });
"""


def test_pool_pages_in_the_browser(live_server, browser, tree, users, pool):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.add_init_script(WATCH)
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", users.taiyuan.username)
        page.fill("#id_password", users.taiyuan.raw_password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{base}/talent/pool/?q=王五")
        page.click("#pool a:has-text('王五')")
        page.wait_for_selector("#schedule")
        assert "拔尖骨干" in page.inner_text("#talent-tier")
        page.screenshot(path=str(SHOTS / "talent-pool-talent.png"), full_page=True)
        page.goto(f"{base}/talent/pool/stats/")
        page.wait_for_selector("#chart-tier canvas")
        page.wait_for_selector("#chart-city canvas")
        page.wait_for_timeout(300)
        assert page.inner_text("#stat-total").strip() == "2"
        page.screenshot(path=str(SHOTS / "talent-pool-stats.png"), full_page=True)
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()

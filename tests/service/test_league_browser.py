"""The league page and the public board in chromium: the charts draw (ECharts from json_script, bound by
zugong.js), no CSP violation; screenshots in tests/browser/screenshots/service-league*.png."""

from __future__ import annotations

import pytest

from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixture)

from .league_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => { window.__csp.push(e.violatedDirective); });
"""


def test_league_page_and_board_in_the_browser(live_server, browser, league_tree, users):  # noqa: F811
    from zugong.service import league_services

    SHOTS.mkdir(exist_ok=True)
    board = league_services.create_board(users.taiyuan, league_tree.tree.xiaodian, "小店区“我为群众办实事”公示")
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.add_init_script(WATCH)
    base = live_server.url
    try:
        page.goto(f"{base}/service/board/{board.token}/")  # no login
        page.wait_for_selector("#board-items")
        page.screenshot(path=str(SHOTS / "service-league-board.png"), full_page=True)
        assert page.evaluate("window.__csp") == []
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", users.taiyuan.username)
        page.fill("#id_password", users.taiyuan.raw_password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{base}/service/league/?org=140105&period=year&year=2026")
        page.wait_for_selector("#chart-counts canvas")
        page.wait_for_selector("#chart-rates canvas")
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "service-league.png"), full_page=True)
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()

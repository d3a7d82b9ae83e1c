"""As admin, city and branch in Debian's chromium: the 工作台, then every entry of the sidebar (no error, no
建设中), then a to-do opened from the 工作台. Screenshots of the 工作台 at 1400×900 and at phone width land in
tests/browser/screenshots/ (ignored by git)."""

import pytest

from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixture)
from tests.test_workbench_home import phone_rule, work  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


def log_in(browser, base, user, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    pg = context.new_page()
    pg.goto(f"{base}/accounts/login/")
    pg.fill("#id_username", user.username)
    pg.fill("#id_password", user.raw_password)
    pg.click("button[type=submit]")
    pg.wait_for_selector("#deadlines")
    return context, pg


def visit(pg, url):
    response = pg.goto(url)
    body = pg.content()
    assert response.status == 200, (url, response.status)
    assert "建设中" not in body and "Traceback" not in body and "Server Error" not in body, url
    return body


@pytest.mark.parametrize("who", ["admin", "taiyuan", "secretary"])
def test_workbench_every_sidebar_entry_and_a_todo(live_server, browser, users, work, who):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    user, base = getattr(users, who), live_server.url
    context, pg = log_in(browser, base, user, WIDE)
    try:
        assert pg.locator("#deadlines .todo-link").count() >= 1
        if who == "secretary":
            assert pg.locator("#branch-month").is_visible() and pg.locator("#meetings-due .todo-link").count() >= 1
        pg.screenshot(path=str(SHOTS / f"workbench-{who}-1400.png"), full_page=True)

        entries = pg.eval_on_selector_all("#sidebar-menu a.nav-link", "els => els.map(e => [e.textContent.trim(), e.href])")
        titles = [t for t, _href in entries]
        assert "干部" in titles if who != "secretary" else "干部" not in titles
        for title, href in entries:
            visit(pg, href)
            assert pg.locator("#sidebar-menu .nav-item.active").inner_text().strip() == title, title

        # Open a to-do: the first deadline, where it is done.
        visit(pg, f"{base}/")
        todo = pg.locator("#deadlines .todo-link").first
        href = todo.get_attribute("href")
        todo.click()
        pg.wait_for_load_state()
        assert pg.url.endswith(href) and "建设中" not in pg.content()
        assert pg.locator("form").count() >= 1  # the step's form (谈话)
        pg.screenshot(path=str(SHOTS / f"workbench-{who}-todo.png"), full_page=True)
    finally:
        context.close()

    context, pg = log_in(browser, base, user, PHONE)
    try:
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the 工作台 scrolls sideways on a phone ({width}px)"
        pg.screenshot(path=str(SHOTS / f"workbench-{who}-phone.png"), full_page=True)
    finally:
        context.close()

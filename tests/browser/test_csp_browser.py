"""Issue 12, finding 13 (Content-Security-Policy) in Debian's chromium: the dashboard (ECharts), a form page
(tom-select pickers, htmx), the organization tree (htmx, the toggle) and the findings list work under the policy
with not one violation: no console message about it and no `securitypolicyviolation` event. A screenshot of
the dashboard lands in tests/browser/screenshots/csp-dashboard.png."""

import datetime as dt

import pytest

from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def test_pages_run_under_the_csp_with_no_violation(live_server, browser, tree, users):  # noqa: F811
    from zugong.dashboards import rollups

    rollups.refresh(dt.date(2026, 11, 27))
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.add_init_script(WATCH)
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    base = live_server.url
    violations = []

    def seen():  # the page's violations so far (the list starts again on every navigation)
        violations.extend(page.evaluate("window.__csp"))

    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", users.admin.username)
        page.fill("#id_password", users.admin.raw_password)
        page.click("button[type=submit]")
        page.wait_for_selector("#deadlines")

        response = page.goto(f"{base}/dashboards/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".zg-chart canvas")  # ECharts drew from the json_script data, run by zugong.js
        assert page.locator(".zg-chart canvas").count() >= 1
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "csp-dashboard.png"), full_page=True)
        seen()

        page.goto(f"{base}/people/{tree.people.zhangsan.pk}/edit/")
        page.wait_for_selector("form .ts-wrapper")  # tom-select took the organization picker
        page.locator("form .ts-wrapper .ts-control").first.click()
        page.keyboard.type("小店")
        page.wait_for_selector(".ts-dropdown .option")  # the picker asked the server (connect-src 'self')
        page.keyboard.press("Escape")
        seen()

        page.goto(f"{base}/orgs/")
        page.click(f"[data-node='{tree.root.pk}']")  # htmx loads the children, zugong.js turns the arrow
        page.wait_for_selector(f"#node-{tree.taiyuan.pk}")
        assert page.locator(f"[data-node='{tree.root.pk}']").inner_text() == "▾"
        page.click(f"[data-node='{tree.root.pk}']")
        assert page.locator(f"#children-{tree.root.pk}").is_hidden()
        seen()

        page.goto(f"{base}/core/findings/")
        page.wait_for_load_state("networkidle")
        seen()
    finally:
        context.close()
    assert violations == []
    assert [m for m in console if "Content Security Policy" in m or "Refused to" in m] == []
    assert [m for m in console if m.startswith("pageerror")] == []

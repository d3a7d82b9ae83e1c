"""A user's walk through the platform in Debian's chromium: log in, expand the tree, find a person by pinyin
initials, edit them, see the audit entry. Screenshots land in tests/browser/screenshots/ (ignored by git)."""

import os
import shutil
from pathlib import Path

import pytest

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the live server and Playwright share the loop
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_login_tree_search_edit_audit(live_server, page, tree, users):
    base = live_server.url
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".alert-danger").is_visible()
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", users.taiyuan.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")
    shot(page, "01-home")

    # The tree: the user's root, expanded lazily to the branches, with counts at each node.
    page.click("text=组织体系")
    page.wait_for_selector("#org-tree")
    page.click(f"[data-node='{tree.taiyuan.pk}']")
    page.wait_for_selector(f"#node-{tree.xiaodian.pk}")
    page.click(f"[data-node='{tree.xiaodian.pk}']")
    page.wait_for_selector(f"#node-{tree.b1.pk}")
    node = page.locator(f"#node-{tree.b1.pk}")
    assert "人员 2" in node.inner_text()
    assert "大同" not in page.content()
    shot(page, "02-tree")

    # Find a person by pinyin initials from the global search box.
    page.fill("#global-search", "zs")
    page.press("#global-search", "Enter")
    page.wait_for_selector("#search-people")
    assert page.locator("#search-people").get_by_text("张三").count() == 1
    shot(page, "03-search")
    page.locator("#search-people").get_by_text("张三").click()
    page.wait_for_selector("#edit-person")

    # Edit them.
    page.click("#edit-person")
    page.fill("#id_phone", "13700001111")
    page.select_option("#id_education", "20")
    shot(page, "04-edit")
    page.click(".zugong-form button[type=submit]")
    page.wait_for_selector("#person-phone")
    assert page.inner_text("#person-phone") == "137****1111"  # shown masked (issue 12)
    assert "已保存" in page.content()

    # The audit entry, with the diff and who did it.
    page.click("#tab-log")
    page.wait_for_selector("#audit-log")
    log = page.inner_text("#audit-log")
    assert "ty_admin" in log and "137****1111" in log and "13700001111" not in log and "大学本科" in log
    shot(page, "05-audit")


def test_form_errors_are_chinese_next_to_the_field(live_server, page, tree, users):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", users.taiyuan.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")
    page.goto(f"{live_server.url}/people/{tree.people.zhangsan.pk}/edit/")
    good = tree.people.zhangsan.id_number
    page.fill("#id_id_number", good[:-1] + ("0" if good[-1] != "0" else "1"))
    page.click(".zugong-form button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert "校验码错误" in page.inner_text(".invalid-feedback")
    shot(page, "06-form-error")

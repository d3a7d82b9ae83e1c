"""No lost updates in chromium (issue 12, finding 4): two users open the same person's edit page; the first saves
a phone number, the second a name; the second is refused in Chinese with both values, the first user's change
kept; saving the refreshed form again keeps both. Screenshot: tests/browser/screenshots/edit-stale.png."""

import pytest

from tests.browser.test_walkthrough import SHOTS, browser  # noqa: F401  (fixture)
from zugong.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(browser, base, user):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")
    return context, page


def test_the_second_save_is_refused_with_both_values_in_chinese(live_server, browser, tree, users):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    person = tree.people.zhangsan
    (ca, first), (cb, second) = _logged_in(browser, live_server.url, users.admin), \
        _logged_in(browser, live_server.url, users.taiyuan)
    for page in (first, second):
        page.goto(f"{live_server.url}/people/{person.pk}/edit/")
    first.fill("#id_phone", "13800001111")
    first.click("form.zugong-form button[type=submit]")
    first.wait_for_url(f"**/people/{person.pk}/")
    second.fill("#id_name", "张叁")
    second.click("form.zugong-form button[type=submit]")
    second.wait_for_selector(".alert-danger")
    alert = second.locator(".alert-danger").inner_text()
    assert "保存未成功：您打开本页后，该记录已被他人修改。为免覆盖他人的修改，本次提交没有保存。" in alert
    hint = second.locator("#id_phone ~ .invalid-feedback, #id_phone + .invalid-feedback").first.inner_text()
    assert "联系电话：已由 admin 于" in hint and "“138****1111”" in hint and "您提交的是（空）" in hint
    assert second.input_value("#id_phone") == "138****1111" and second.input_value("#id_name") == "张叁"
    second.screenshot(path=str(SHOTS / "edit-stale.png"), full_page=True)
    stored = Person.objects.unrestricted().get(pk=person.pk)
    assert (stored.name, stored.phone) == ("张三", "13800001111")
    second.click("form.zugong-form button[type=submit]")
    second.wait_for_url(f"**/people/{person.pk}/")
    stored.refresh_from_db()
    assert (stored.name, stored.phone) == ("张叁", "13800001111")
    ca.close()
    cb.close()

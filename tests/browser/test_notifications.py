"""Reminders in chromium: the bell with its unread count, the list, following a reminder to where it is done
(read, the count drops), mark all read, and the settings page; at 1400×900 and at phone width."""

import pytest

from tests.browser.test_walkthrough import browser, page, shot  # noqa: F401  (fixtures)
from tests.notifications.conftest import KIND, provider  # noqa: F401  (fixture)
from zugong.core.models import Finding
from zugong.notifications import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bell_list_and_settings(live_server, page, tree, users, provider):  # noqa: F811
    from django.utils import timezone

    provider.set(tree.b1, 5)
    provider.set(tree.b2, -2)
    Finding.objects.create(rule="test.rule", severity="error", model="orgs.organization", object_id=tree.b1.pk,
                           organization=tree.b1, org_path=tree.b1.path, regulation="《某规定》", detail="问题",
                           opened_at=timezone.now())
    services.run([users.taiyuan])
    # Two deadlines, and one digest of the open findings in the city (the tree's own records are judged as they
    # are saved, so there are more rules than the one above: the digest lists each with its count and link).
    rules = Finding.objects.visible_to(users.taiyuan).open().values("rule").distinct().count()
    assert rules >= 1
    unread = 3
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", users.taiyuan.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("#bell")
    assert page.inner_text("#bell-count") == str(unread)
    page.screenshot(path="tests/browser/screenshots/notifications-01-bell.png", clip={"x": 0, "y": 0, "width": 1400,
                                                                                      "height": 120})
    page.click("#bell a")
    page.wait_for_selector("#notifications")
    text = page.inner_text("#notifications")
    assert f"{tree.b1.name}任期届满" in text and "还有 5 天" in text and "已逾期 2 天" in text
    assert "新发现问题" in text
    assert page.locator("#notifications a[href='/core/findings/?rule=test.rule']").count() == 1
    shot(page, "notifications-02-list")

    page.click(f"#notifications a:text('{tree.b1.name}任期届满')")
    page.wait_for_url(f"{base}/orgs/{tree.b1.pk}/")
    assert page.inner_text("#bell-count") == str(unread - 1)
    page.goto(f"{base}/notifications/?tab=all")
    shot(page, "notifications-03-all")
    page.goto(f"{base}/notifications/")
    page.click("#read-all")
    page.wait_for_selector(f"text=已将 {unread - 1} 条提醒标为已读")
    assert page.locator("#bell-count").count() == 0

    page.click("text=提醒设置")
    page.wait_for_selector("#preferences")
    page.check(f"#id_{KIND}__email")
    page.click("#preferences button[type=submit]")
    page.wait_for_selector("text=提醒设置已保存")
    assert page.is_checked(f"#id_{KIND}__email")
    shot(page, "notifications-04-settings")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/notifications/?tab=all")
    shot(page, "notifications-05-phone")

"""A leadership team and the structure analysis in chromium: the team page with its vacancy, the structure tab
with its charts drawn, the analysis page of the city, and the team page on a phone screen."""

import pytest

from tests.browser.test_walkthrough import SHOTS, browser, page, shot  # noqa: F401  (fixtures)
from tests.teams.conftest import county  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, users):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", users.taiyuan.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")


def test_team_page_structure_and_analysis(live_server, page, tree, users, county):  # noqa: F811
    base = live_server.url
    login(page, base, users)
    page.click("text=领导班子")
    page.wait_for_selector("#teams")
    assert "中共小店区委领导班子" in page.inner_text("#teams")
    shot(page, "teams-01-list")
    page.click("text=中共小店区委领导班子")
    page.wait_for_selector("#posts")
    posts = page.inner_text("#posts")
    assert "王书记" in posts and "空缺 1 名" in posts and "自 2025-12-31" in posts
    shot(page, "teams-02-team")
    page.click("#tab-structure")
    page.wait_for_selector("#chart-age canvas")
    assert "36—40岁" in page.inner_text("#table-age")
    shot(page, "teams-03-structure")
    page.goto(f"{base}/teams/analysis/?org=1401")
    page.wait_for_selector("#chart-groups canvas")
    assert "中共太原市小店区委员会" in page.inner_text("#by-child")
    shot(page, "teams-04-analysis")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/teams/{county.committee.pk}/")
    page.wait_for_selector("#posts")
    shot(page, "teams-05-phone")


def test_a_posts_holders_line_up(live_server, page, tree, users, county):  # noqa: F811
    """The second holder of a post starts its row (the post's cells span above it): its name stood further right
    than the first holder's (the card table's first-cell padding). Checked at desktop and phone width."""
    import datetime as dt

    from tests.teams.conftest import seat

    seat(county.posts.standing, county.people.wang, dt.date(2024, 5, 1))
    seat(county.posts.standing, county.people.li, dt.date(2024, 6, 1))
    base = live_server.url
    login(page, base, users)
    for width, height in ((1400, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/teams/{county.committee.pk}/")
        page.wait_for_selector("#posts")
        xs = page.evaluate("""() => [...document.querySelectorAll('#posts td.member-name a')]
                                     .map(a => Math.round(a.getBoundingClientRect().left))""")
        assert len(xs) == 5 and len(set(xs)) == 1, xs  # 王 · 李 · 赵 王 李
        shot(page, f"teams-06-holders-{width}")

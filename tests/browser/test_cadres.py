"""The cadre roster and a cadre's page in chromium: filter the roster, open a cadre, add an assessment in place
(htmx), on a desktop and a phone screen. Screenshots in tests/browser/screenshots/."""

import datetime as dt

import pytest

from tests.browser.test_walkthrough import browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cadre(tree, users):
    from zugong.cadres import services
    from zugong.cadres.models import Education, FamilyMember

    u = users.taiyuan
    c = services.create_cadre(u, tree.people.zhangsan, tree.xiaodian, rank="township_deputy",
                              rank_since=dt.date(2016, 3, 1), work_started_on=dt.date(2002, 7, 1),
                              professional_title="经济师", specialty="熟悉基层治理")
    p = services.appoint(c, user=u, title="太原市小店区坞城街道办事处副主任", rank="township_deputy",
                         start_on=dt.date(2016, 3, 1))
    services.appoint(c, user=u, title="中共太原市小店区坞城街道工作委员会副书记", rank="township_chief",
                     start_on=dt.date(2021, 9, 1), replaces=p, document_no="小组干〔2021〕12号")
    services.save_child(u, c, Education(mode="full_time", education="20", education_text="大学",
                                        degree_text="法学学士", institution="山西大学法学院法学专业"))
    services.save_child(u, c, FamilyMember(relation="妻子", name="刘敏", birth_text="198203",
                                           political_status="中共党员", work="太原市小店区第一中学教师"))
    services.create_cadre(u, tree.people.lisi, tree.xiaodian, rank="clerk_1", rank_since=dt.date(2020, 1, 1))
    return c


def test_roster_and_cadre_page(live_server, page, browser, users, cadre):  # noqa: F811
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "ty_admin")
    page.fill("#id_password", users.taiyuan.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")
    page.click("text=干部")
    page.wait_for_selector("#cadre-roster")
    assert page.locator("#cadre-roster").get_by_text("张三").count() == 1
    page.select_option("#id_level", "4")
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#cadre-roster")
    assert "李四" not in page.locator("#cadre-roster").inner_text()
    shot(page, "cadres-01-roster")

    page.locator("#cadre-roster").get_by_text("张三").click()
    page.wait_for_selector("#cadre-form")
    assert "2016.03--2021.09" in page.locator("#resume-text").inner_text()
    assert "副书记" in page.locator("#current-title").inner_text()
    shot(page, "cadres-02-info")

    page.click("#tab-assessments")
    page.click("#add-assessment")
    page.wait_for_selector("#form-assessment")
    page.fill("#form-assessment #id_year", "2025")
    page.select_option("#form-assessment #id_grade", "excellent")
    page.click("#form-assessment button[type=submit]")
    page.wait_for_selector("#table-assessment >> text=优秀")
    assert page.locator("#form-assessment").count() == 0
    shot(page, "cadres-03-assessment")

    page.click("#tab-posts")
    page.wait_for_selector("#table-post")
    shot(page, "cadres-04-posts")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.add_cookies(page.context.cookies())
    p2 = phone.new_page()
    p2.goto(f"{base}/cadres/{cadre.pk}/")
    p2.wait_for_selector("#cadre-form")
    shot(p2, "cadres-05-phone")
    phone.close()

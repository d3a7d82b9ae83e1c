"""Organization health in chromium: the ranking chart with its table, a branch's score card with the inspector's
form, the weak-organization list through approval, a rectification case on a phone-sized screen. Screenshots
land in tests/browser/screenshots/."""

import pytest

from tests.browser.test_walkthrough import SHOTS, browser, shot  # noqa: F401  (the module-scoped browser)
from tests.orghealth.conftest import D, SECRETARY, pay, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")


@pytest.fixture
def data(tree, users):
    from zugong.standardization import defaults as cd
    from zugong.standardization import scoring
    from zugong.weakorgs import defaults as sd

    checklist = cd.install(tree.root)
    sd.install(tree.root)
    pay(staff(tree.b1, 3, 100, posts=(SECRETARY,)), [D(2025, 10, 1), D(2025, 11, 1), D(2025, 12, 1)])
    staff(tree.b2, 3, 200)
    scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    return checklist


def test_scores_ranking_list_and_case(live_server, browser, tree, users, data):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    base = live_server.url
    login(page, base, users.taiyuan)
    page.click("text=标准化建设")
    page.wait_for_selector("#scores")
    assert "红星社区" in page.inner_text("#scores")
    shot(page, "orghealth-01-scores")
    page.goto(f"{base}/standardization/ranking/?year=2025&org=140105")
    page.wait_for_selector("#ranking-chart canvas")
    assert "红星社区" in page.inner_text("#ranking-table")
    shot(page, "orghealth-02-ranking")
    page.goto(f"{base}/standardization/?year=2025")
    page.locator("#scores").get_by_text("财政局").click()
    page.wait_for_selector("#score-items")
    row = page.locator("#score-items tr", has_text="活动阵地")
    row.locator("input[name=points]").fill("7")
    row.locator("input[name=note]").fill("活动室兼作仓库")
    row.locator("button").click()
    page.wait_for_selector("text=已记录")
    shot(page, "orghealth-03-score-card")

    # The weak-organization list: screened, submitted, approved; a case opened.
    page.goto(f"{base}/weakorgs/lists/")
    page.click("summary:has-text('排查并建立名单草稿')")
    page.evaluate(f"""() => {{ const s = document.getElementById('id_organization');
        if (!s.querySelector('option[value="{tree.xiaodian.pk}"]')) {{ s.add(new Option('小店', '{tree.xiaodian.pk}')); }}
        s.value = '{tree.xiaodian.pk}'; }}""")
    page.fill("#id_year", "2026")
    page.fill("#id_as_of", "2026-03-01")
    page.click("#create-list button[type=submit]")
    page.wait_for_selector("#entries")
    assert "财政局" in page.inner_text("#entries")
    page.click("#submit-list")
    page.wait_for_selector("#approve-list")
    page.fill("input[name=decision]", "区委常委会审定")
    page.click("#approve-list")
    page.wait_for_selector("#entries a:has-text('建立整顿台账')")
    shot(page, "orghealth-04-list")
    page.locator("#entries a", has_text="建立整顿台账").first.click()
    page.fill("#id_measures", "选优配强书记")
    page.fill("#id_responsibilities", "街道党工委")
    page.fill("#id_responsible_leader", "李某")
    page.click("form.zugong-form button[type=submit]")
    page.wait_for_selector("#case-status")
    context.close()

    # The case on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = phone.new_page()
    login(page, base, users.taiyuan)
    page.goto(f"{base}/weakorgs/")
    page.locator("#cases a").first.click()
    page.wait_for_selector("#report-form")
    page.fill("#id_text", "已选配书记")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("text=进展已报告")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shot(page, "orghealth-05-case-phone")
    phone.close()


def test_new_checklist_as_a_new_edition(live_server, browser, tree, users, data):  # noqa: F811
    """新建评分标准: a city's department admin copies the province's checklist (the htmx reload fills the form and
    lists what is copied), saves, and lands on the new checklist with all its items."""
    from tests.conftest import make_user
    from zugong.core.scope import Role

    dept = make_user("ty_dept", tree.taiyuan, Role.DEPT_ADMIN)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    base = live_server.url
    login(page, base, dept)
    page.goto(f"{base}/standardization/checklists/")
    page.click("#new-checklist")
    page.wait_for_selector("#config-form")
    assert "空白评分标准" in page.inner_text("#copy-preview")
    # htmx binds the select's change handler once the page's scripts have run: a change before that is lost
    # (a timeout on a loaded machine)
    page.wait_for_load_state("networkidle")
    page.select_option("#id_copy_from", str(data.pk))
    page.wait_for_selector("#copy-preview:has-text('将复制')")
    assert "合计 100 分" in page.inner_text("#copy-preview")
    page.fill("#id_issuing_body", "中共太原市委组织部")
    page.fill("#id_name", "太原市党支部标准化规范化建设评分标准")
    shot(page, "orghealth-06-new-checklist")
    page.click("#config-form button[type=submit]")
    page.wait_for_selector("#checklist-items")
    assert "已建立" in page.content() and "中共太原市委组织部" in page.content()
    assert page.locator("#checklist-items tbody tr").count() == 12
    context.close()

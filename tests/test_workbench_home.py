"""The 工作台 per role (admin of the province, a city's administrator, a branch secretary) and the sidebar per
role: each to-do links to where it is done, everything is scoped, the page's queries do not grow with the data."""

import datetime as dt

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.members.conftest import make_member
from tests.recruitment.conftest import make_case
from zugong.core import rules
from zugong.core.context_processors import NAV, nav_for
from zugong.core.models import Job
from zugong.members.models import Membership, TransferRequest
from zugong.people.models import Person

pytestmark = pytest.mark.django_db
D = dt.date

CADRE_MENUS = {"干部", "领导班子", "选拔任用", "干部选派", "任免审批表导入"}
MANAGER_MENUS = {"数据导入", "任免审批表导入"}
BUSINESS = [e.title for e in NAV if not e.duties]  # the system duties' pages are theirs only (三员分立)


@pytest.fixture
def phone_rule():
    rule = rules.register(rules.Rule(
        code="test.home_no_phone", title="人员应登记联系电话", severity=rules.ERROR, model="people.Person",
        editions=(rules.Edition("《某工作规定》", "第九条", "2026年修订", D(2026, 5, 11)),),
        check=lambda qs, as_of: qs.filter(phone=""), describe=lambda row: "未登记联系电话", person_field="pk",
    ))
    yield rule
    rules.RULES.pop(rule.code)


@pytest.fixture
def work(tree, users, phone_rule):
    """To-dos on both sides: findings, a talk due, a transfer waiting for 太原, a running export, members in
    arrears and a case in 红星社区支部; a talk due in 大同."""
    p = tree.people
    Person.objects.unrestricted().update(phone="")
    rules.scan("", D(2026, 11, 27), [phone_rule])
    talk = make_case(p.zhangsan, applied_on=D(2026, 11, 10))
    make_case(p.zhaoliu, applied_on=D(2026, 11, 12))
    member = make_member(tree.b1, "", 0, person=p.lisi, joined_on=D(2020, 7, 1))
    transfer = TransferRequest.objects.create(
        kind="within", status="requested", membership=member, from_org=tree.b1, to_org=tree.b3, name="李四",
        id_number=p.lisi.id_number, member_status="full", joined_on=member.joined_on, requested_on=D(2026, 11, 20))
    job = Job.objects.create(kind="export", title="导出人员名册", user=users.taiyuan, org_path=tree.taiyuan.path,
                             status=Job.Status.RUNNING, total=26000, done=12000)
    return dict(talk=talk, member=member, transfer=transfer, job=job)


def page(client):
    r = client.get("/")
    assert r.status_code == 200
    return lxml.html.fromstring(r.content.decode())


def section(doc, id_):
    found = doc.get_element_by_id(id_, None)
    return found.text_content() if found is not None else None


def links(doc, id_):
    return [a.get("href") for a in doc.get_element_by_id(id_).iter("a")]


def sidebar(doc):
    return [a.text_content().strip() for a in doc.xpath("//*[@id='sidebar-menu']//a[contains(@class, 'nav-link')]")]


def test_city_sees_its_todos_each_linking_where_it_is_done(login, tree, users, work):
    doc = page(login(users.taiyuan))
    deadlines = section(doc, "deadlines")
    assert "谈话" in deadlines and "张三：党组织派人谈话" in deadlines and "赵六" not in deadlines
    assert f"/recruitment/{work['talk'].pk}/step/?step=talk" in links(doc, "deadlines")
    findings = section(doc, "findings-by-rule")
    assert "人员应登记联系电话" in findings and "3" in findings  # 张三, 李四, 王五 (not 大同's)
    assert "/core/findings/?rule=test.home_no_phone" in links(doc, "findings-by-rule")
    assert section(doc, "stat-findings").strip() == "3"
    assert "李四" in section(doc, "transfers-waiting")
    assert f"/members/transfers/{work['transfer'].pk}/" in links(doc, "transfers-waiting")
    assert section(doc, "stat-transfers").strip() == "1"
    cases = section(doc, "cases-waiting")
    assert "发展党员" in cases and "申请入党 1" in cases
    assert "/recruitment/?status=active&stage=1" in links(doc, "cases-waiting")
    assert "导出人员名册" in section(doc, "my-jobs") and f"/core/jobs/{work['job'].pk}/" in links(doc, "my-jobs")
    assert section(doc, "branch-month") is None  # a committee's user: no branch month
    assert set(sidebar(doc)) >= CADRE_MENUS | MANAGER_MENUS | {"首页", "统计", "软弱涣散整顿"}


def test_admin_sees_the_province(login, tree, users, work):
    doc = page(login(users.admin))
    deadlines = section(doc, "deadlines")
    assert "张三：党组织派人谈话" in deadlines and "赵六：党组织派人谈话" in deadlines
    assert section(doc, "stat-findings").strip() == "5"
    assert "李四" in section(doc, "transfers-waiting")
    assert "导出人员名册" not in section(doc, "my-jobs")  # another user's job
    assert BUSINESS == sidebar(doc)  # every business entry


def test_branch_secretary_sees_the_branch_month(login, tree, users, work):
    doc = page(login(users.secretary))
    month = section(doc, "branch-month")
    assert "红星社区" in month
    meetings = section(doc, "meetings-due")
    assert "主题党日" in meetings and "2026年11月" in meetings  # nothing held this month
    assert f"/branchlife/record/?org={tree.b1.pk}&kind=themed_day" in links(doc, "meetings-due")
    arrears = section(doc, "arrears")
    assert "李四" in arrears and "个月未交" in arrears
    assert f"/members/{work['member'].pk}/" in links(doc, "arrears")
    assert "张三" in section(doc, "branch-cases")
    assert f"/recruitment/{work['talk'].pk}/" in links(doc, "branch-cases")
    # 李四 joined before last year and has no study hours in it (no meetings, no ledger lines): short of 32.
    assert "李四" in section(doc, "study-short") and "0 学时" in section(doc, "study-short")
    assert f"/training/people/{work['member'].person_id}/" in links(doc, "study-short")
    assert "李四" in section(doc, "transfers-waiting")  # the issuing branch confirms
    menus = set(sidebar(doc))
    assert not menus & (CADRE_MENUS | MANAGER_MENUS | {"统计", "软弱涣散整顿"})
    assert {"首页", "组织体系", "党员", "发展党员", "组织生活"} <= menus
    assert "操作日志" not in menus and "账号管理" not in menus  # the auditor's and the administrators' (三员分立)


def test_a_held_meeting_is_no_longer_due(login, tree, users):
    from zugong.branchlife.models import Meeting

    Meeting.objects.create(organization=tree.b1, kind=Meeting.Kind.THEMED_DAY, held_on=D(2026, 11, 5),
                           topic="主题党日", expected=0, present=0)
    doc = page(login(users.secretary))
    assert "主题党日" not in section(doc, "meetings-due")


def test_sidebar_entries_are_data_by_role_and_level(tree, users):
    def titles(user):
        return {e.title for e, _current in nav_for(user)}

    assert titles(users.admin) == set(BUSINESS)
    root_only = {e.title for e in NAV if e.root_admin}  # 定时任务: the administrators of a root only
    assert titles(users.reader) == set(BUSINESS) - MANAGER_MENUS - root_only  # read-only at a district
    assert not titles(users.taiyuan) & root_only
    assert not titles(users.secretary) & CADRE_MENUS
    current = [e.title for e, on in nav_for(users.taiyuan, "members:transfers") if on]
    assert current == ["党员"]  # a page of the members' namespace marks 党员
    assert [e.title for e, on in nav_for(users.taiyuan, "core:imports") if on] == ["数据导入"]
    assert all(e.url for e in NAV)  # no entry without a page (no 建设中)
    from tests.conftest import make_user

    nobody = make_user("nobody", tree.root, "readonly")
    nobody.grants.all().delete()
    assert titles(nobody) == {"首页"}  # no grant: the 工作台 only


def test_the_page_costs_the_same_queries_whatever_the_data(login, tree, users, work):
    client = login(users.taiyuan)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for i, person in enumerate([tree.people.wangwu, tree.people.sunqi]):
        make_case(person, applied_on=D(2026, 11, 1) + dt.timedelta(days=i))
    make_member(tree.b2, "钱八", 31, status=Membership.Status.PROBATIONARY, joined_on=D(2025, 12, 1))
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(before), [q["sql"][:120] for q in after.captured_queries]


def test_deadlines_show_the_first_few_of_a_kind_and_link_to_all(tree, users):
    from tests.conftest import make_person
    from zugong.workbench import todos

    for i in range(todos.PER_KIND + 1):
        make_case(make_person(tree.b2, f"申请人{i}", seq=400 + i), applied_on=D(2026, 11, 1) + dt.timedelta(days=i))
    [talks] = [g for g in todos.deadline_groups(users.taiyuan, D(2026, 11, 27)) if g.kind == "talk"]
    assert [d.title for d in talks.items] == [f"申请人{i}：党组织派人谈话" for i in range(todos.PER_KIND)]
    assert talks.more == [("发展党员到期事项", "/recruitment/deadlines/")]
    assert talks.label == "谈话" and talks.overdue == 0

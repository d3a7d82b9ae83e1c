"""Member pages: the roster (order, filters, export), the national data-item exports, a member's page and
record, and the walk of every members URL as a user of the sibling subtree."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import get_resolver
from openpyxl import load_workbook

from tests.conftest import make_person
from tests.test_scope import TAIYUAN_MARKERS, _leaks, fill, walk
from zugong.core.dates import add_years
from zugong.core.models import AuditEntry
from zugong.members import services
from zugong.members.models import DuesExemption, DuesPayment, Membership, TransferRequest

pytestmark = pytest.mark.django_db

ROSTER_COLUMNS = (
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "学历",
    "入党时间",
    "转正时间",
    "党员类别",
    "所在党支部",
    "联系电话",
)


def sheet(response) -> list[tuple]:
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def names(response) -> list[str]:
    return [row[1] for row in sheet(response)[1:]]


def test_roster_is_ordered_by_branch_then_surname_strokes(login, tree, users, members):
    assert names(login(users.admin).get("/members/?export=xlsx")) == ["李四", "张三", "王五", "孙七", "赵六"]


def test_roster_export_in_the_usual_columns(login, tree, users, members):
    rows = sheet(login(users.taiyuan).get("/members/?export=xlsx"))
    assert rows[0] == ROSTER_COLUMNS
    assert rows[1] == (
        1,
        "李四",
        "女",
        "汉族",
        dt.datetime(1980, 5, 17),  # dates are date cells (core.exports)
        None,
        dt.datetime(2005, 7, 1),
        dt.datetime(2006, 7, 1),
        "离退休",
        "中共太原市小店区坞城街道红星社区支部委员会",
        None,
    )
    assert [r[0] for r in rows[1:]] == [1, 2, 3]


def test_roster_leaves_out_who_is_no_longer_a_member_unless_asked(login, tree, users, members):
    Membership.objects.unrestricted().filter(pk=members.lisi.pk).update(status=Membership.Status.STOPPED)
    Membership.objects.unrestricted().filter(pk=members.wangwu.pk).update(
        transferred_out_on=dt.date(2026, 5, 1)
    )
    client = login(users.taiyuan)
    assert names(client.get("/members/?export=xlsx")) == ["张三"]
    assert names(client.get("/members/?status=stopped&export=xlsx")) == ["李四"]
    assert names(client.get("/members/?status=transferred&export=xlsx")) == ["王五"]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("org=14010501", ["李四", "张三"]),
        ("org=1402", ["孙七", "赵六"]),
        ("status=probationary", ["孙七"]),
        ("status=full", ["李四", "张三", "王五", "赵六"]),
        ("category=retired", ["李四"]),
        ("sex=2", ["李四", "孙七"]),
        ("q=zs", ["张三"]),
        ("q=王", ["王五"]),
        ("joined_from=2026", ["孙七"]),
        ("joined_to=2005", ["李四", "张三", "王五", "赵六"]),
        ("education=20", ["王五"]),
        ("age_min=46&age_max=46", ["李四", "张三", "王五"]),
    ],
)
def test_roster_filters(login, tree, users, members, query, expected):
    from zugong.people.models import Person

    Person.objects.unrestricted().filter(name="王五").update(education="20")
    Person.objects.unrestricted().filter(name__in=["赵六", "孙七"]).update(birth_date=dt.date(1960, 1, 1))
    today = dt.date.today()
    Person.objects.unrestricted().filter(name__in=["张三", "李四", "王五"]).update(
        birth_date=add_years(today, -46) - dt.timedelta(days=1)
    )
    assert names(login(users.admin).get(f"/members/?{query}&export=xlsx")) == expected


def test_roster_of_the_sibling_subtree_is_empty(login, tree, users, members):
    client = login(users.datong)
    assert names(client.get("/members/?export=xlsx")) == ["孙七", "赵六"]
    assert names(client.get("/members/?org=1401&export=xlsx")) == []
    assert names(client.get("/members/?org=14010501&export=xlsx")) == []
    page = client.get("/members/?q=张").content.decode()
    assert not [m for m in TAIYUAN_MARKERS if m in page]


MEMBER_ITEMS = (
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "出生日期",
    "学历",
    "入党日期",
    "转正日期",
    "党员类别",
    "工作岗位",
    "所在党组织名称",
    "所在党组织代码",
    "联系电话",
    "党籍状态",
)
ORG_ITEMS = (
    "序号",
    "组织名称",
    "组织代码",
    "类别",
    "领域",
    "上级组织代码",
    "党员数",
    "正式党员数",
    "预备党员数",
    "成立日期",
    "本届届满",
)


def test_national_member_items(login, tree, users, members):
    Membership.objects.unrestricted().filter(pk=members.zhangsan.pk).update(occupation="社区工作者")
    rows = sheet(login(users.taiyuan).get("/members/national/members.xlsx"))
    assert rows[0] == MEMBER_ITEMS
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"张三", "李四", "王五"}
    zs = by_name["张三"]
    assert zs[2] == members.zhangsan.person.id_number and zs[3:6] == ("男", "汉族", dt.datetime(1980, 5, 17))
    assert zs[7:] == (
        dt.datetime(2005, 7, 1),
        dt.datetime(2006, 7, 1),
        "在职",
        "社区工作者",
        "中共太原市小店区坞城街道红星社区支部委员会",
        "14010501",
        None,
        "正式党员",
    )
    assert [
        r[1] for r in sheet(login(users.taiyuan).get("/members/national/members.xlsx?org=14010502"))[1:]
    ] == ["王五"]


def test_national_organization_items_count_whole_subtrees(login, tree, users, members):
    tree.b1.founded_on = dt.date(1998, 7, 1)
    tree.b1.save()
    rows = sheet(login(users.taiyuan).get("/members/national/orgs.xlsx"))
    assert rows[0] == ORG_ITEMS
    by_code = {r[2]: r for r in rows[1:]}
    assert set(by_code) == {"1401", "140105", "14010501", "14010502"}
    assert by_code["1401"][5:9] == (None, 3, 3, 0)  # the parent (province) is outside this user's scope
    assert by_code["140105"][5:9] == ("1401", 3, 3, 0)
    assert by_code["14010501"][1:] == (
        "中共太原市小店区坞城街道红星社区支部委员会",
        "14010501",
        "党支部",
        "社区",
        "140105",
        2,
        2,
        0,
        dt.datetime(1998, 7, 1),
        dt.datetime(2026, 6, 1),
    )
    admin = {r[2]: r for r in sheet(login(users.admin).get("/members/national/orgs.xlsx"))[1:]}
    assert admin["14"][5:9] == (None, 5, 4, 1) and admin["1402"][5:9] == ("14", 2, 1, 1)
    one = sheet(login(users.admin).get("/members/national/orgs.xlsx?org=1402"))
    assert [r[2] for r in one[1:]] == ["1402", "14021301"] and one[1][5] == "14"  # the root's parent, visible


def test_national_exports_of_the_sibling_subtree_are_empty(login, tree, users, members):
    client = login(users.datong)
    for url in (
        "/members/national/members.xlsx",
        "/members/national/orgs.xlsx",
        "/members/national/members.xlsx?org=1401",
        "/members/national/orgs.xlsx?org=1401",
    ):
        text = " ".join(str(c) for row in sheet(client.get(url)) for c in row)
        assert not [m for m in TAIYUAN_MARKERS if m in text], url
    assert len(sheet(client.get("/members/national/members.xlsx?org=1401"))) == 1  # the header only


def test_member_page(login, tree, users, members):
    page = login(users.secretary).get(f"/members/{members.lisi.pk}/").content.decode()
    assert "李四" in page and "正式党员" in page and "离退休" in page
    assert "每月 52.00 元；按离退休费 5200.00 元 × 1%（一、第五条）" in page
    assert 'id="edit-member"' in page and 'id="transfer-out"' in page
    reader = login(users.reader).get(f"/members/{members.lisi.pk}/").content.decode()
    assert 'id="edit-member"' not in reader
    assert login(users.datong).get(f"/members/{members.lisi.pk}/").status_code == 404


def test_member_page_shows_its_findings(login, tree, users, members):
    from zugong.core import rules

    Membership.objects.unrestricted().filter(pk=members.zhangsan.pk).update(
        lost_contact_since=dt.date(2025, 1, 1)
    )
    rules.scan(tree.b1.path, dt.date(2026, 11, 27), [rules.RULES["members.lost_contact"]])
    page = login(users.secretary).get(f"/members/{members.zhangsan.pk}/?tab=findings").content.decode()
    assert "失去联系 1 年 10 个月（2025年1月1日起）" in page and "第二十四条" in page
    assert 'id="open-findings"' in page


def test_edit_is_validated_and_audited(login, tree, users, members):
    client = login(users.secretary)
    m = members.zhangsan
    form = {
        "status": "full",
        "joined_on": "2005-07-01",
        "converted_on": "2006-07-01",
        "category": "retired",
        "dues_base": "5600.00",
        "classification": "",
        "occupation": "",
        "committee_post": "secretary",
        "dues_kind": "",
        "inflow_org_name": "",
    }
    r = client.post(f"/members/{m.pk}/edit/", {**form, "converted_on": "2005-01-01"})
    assert "转正时间应晚于入党时间" in r.content.decode()
    r = client.post(f"/members/{m.pk}/edit/", {**form, "status": "probationary", "converted_on": ""})
    assert "只有正式党员可以担任支部委员会职务" in r.content.decode()
    r = client.post(f"/members/{m.pk}/edit/", {**form, "dues_base": "-5"})
    assert "党费计算基数不能为负数" in r.content.decode()
    # 出党 and death go through 出党/死亡登记 (an Exit the statistics count), never through the status field
    for ended in ("left", "deceased", "cancelled"):
        r = client.post(f"/members/{m.pk}/edit/", {**form, "status": ended, "committee_post": ""})
        assert "出党/死亡登记" in r.content.decode(), ended
    m.refresh_from_db()
    assert m.status == "full"
    r = client.post(f"/members/{m.pk}/edit/", form)
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.category, m.dues_base, m.committee_post) == ("retired", Decimal("5600.00"), "secretary")
    entry = AuditEntry.objects.unrestricted().get(
        model="members.membership", object_id=str(m.pk), action="update"
    )
    changes = {c["label"]: (c["old"], c["new"]) for c in entry.changes}
    assert changes["党员类别"] == ("在职", "离退休") and changes["党费计算基数（元/月）"] == (
        "4000.00",
        "5600.00",
    )
    assert entry.actor_name == "b1_sec"
    assert login(users.reader).get(f"/members/{m.pk}/edit/").status_code == 403


def test_register_a_person_as_a_member(login, tree, users, members):
    person = make_person(tree.b2, "钱八", seq=17)
    client = login(users.taiyuan)
    data = {
        "organization": tree.b2.pk,
        "status": "probationary",
        "joined_on": "2026-07-01",
        "category": "employed",
        "dues_base": "3000",
    }
    r = client.post(f"/members/register/{person.pk}/", {**data, "organization": tree.xiaodian.pk})
    assert "是党委，党员的组织关系只能在党支部" in r.content.decode()
    r = client.post(f"/members/register/{person.pk}/", data)
    m = Membership.objects.unrestricted().get(person=person)
    assert r["Location"] == f"/members/{m.pk}/" and (m.organization, m.status) == (tree.b2, "probationary")
    r = client.post(f"/members/register/{person.pk}/", data)
    assert "“钱八”已登记为党员" in r.content.decode()
    assert login(users.datong).get(f"/members/register/{person.pk}/").status_code == 404


# ---------------------------------------------------------------- every members URL, as the other side

PK_MODEL = {
    "members:detail": "membership",
    "members:edit": "membership",
    "members:transfer_create": "membership",
    "members:dues_pay": "membership",
    "members:dues_exempt": "membership",
    "members:register": "person",
    "members:transfer_detail": "transfer",
    "members:transfer_send": "transfer",
    "members:transfer_receive": "transfer",
    "members:transfer_close": "transfer",
    "members:payment_delete": "payment",
    "members:exemption_delete": "exemption",
    "members:contact_add": "membership",
    "members:correction_add": "membership",
    "members:correction_outcome": "correction",
    "members:exit_add": "membership",
    "members:award_member_add": "membership",
    "api:membership-detail": "membership",
}


@pytest.fixture
def taiyuan_records(tree, users, members):
    zs = members.zhangsan
    transfer = services.request_transfer(
        users.secretary, zs, kind=TransferRequest.Kind.WITHIN, to_org=tree.b2
    )
    payment = DuesPayment.objects.create(
        membership=zs,
        organization=tree.b1,
        org_path=tree.b1.path,
        month=dt.date(2026, 1, 1),
        amount=Decimal("40"),
        paid_on=dt.date(2026, 1, 5),
    )
    exemption = DuesExemption.objects.create(
        membership=zs,
        organization=tree.b1,
        org_path=tree.b1.path,
        month_from=dt.date(2026, 2, 1),
        reason="病休",
    )
    from zugong.members.models import CorrectionPeriod

    correction = CorrectionPeriod.objects.create(
        membership=zs, started_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 9, 1), reason="不按时交纳党费"
    )
    return {
        "correction": [correction.pk],
        "membership": [zs.pk, members.wangwu.pk],
        "person": [tree.people.zhangsan.pk],
        "transfer": [transfer.pk],
        "payment": [payment.pk],
        "exemption": [exemption.pk],
    }


def test_every_members_url_hides_the_sibling_subtree(login, users, taiyuan_records):
    client = login(users.datong)
    seen = 0
    for name, regex in walk(get_resolver().url_patterns):
        if not (name.startswith("members:") or name.startswith("api:membership")):
            continue
        if "(?P<pk>" in regex:
            assert name in PK_MODEL, f"{name}: add it to PK_MODEL"
            for pk in taiyuan_records[PK_MODEL[name]]:
                path = fill(regex, {"pk": pk})
                for method in ("get", "post", "patch"):
                    r = (
                        getattr(client, method)(path, content_type="application/json")
                        if method == "patch"
                        else getattr(client, method)(path)
                    )
                    if method != "get" and r.status_code == 405:
                        continue
                    assert r.status_code == 404, f"{method.upper()} {path} ({name}) answered {r.status_code}"
                    seen += 1
            continue
        path = fill(regex, {})
        for query in (
            "",
            "?q=张",
            "?q=zs",
            "?org=1401",
            "?org=14010501",
            "?organization=1401",
            "?direction=todo",
            "?status=transferred",
            "?person=140105198005170119",
        ):
            r = client.get(path + query)
            assert r.status_code in (200, 302, 400), f"GET {path}{query}: {r.status_code}"
            if r.status_code == 200 and r.get("Content-Disposition"):
                text = " ".join(str(c) for row in sheet(r) for c in row)
                assert not [m for m in TAIYUAN_MARKERS if m in text], f"{path}{query}"
            elif r.status_code == 200:
                assert not _leaks(r), f"GET {path}{query} shows {_leaks(r)}"
            seen += 1
    assert seen > 80

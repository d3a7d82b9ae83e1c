"""/api/members/: scoped reading, the organization, status and ID-number filters, ordering, and PATCH of the
dues and classification fields (validated, audited)."""

import pytest
from rest_framework.test import APIClient

from zugong.core.models import AuditEntry
from zugong.members.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client):
    def _client(user):
        client = api_client()
        client.force_authenticate(user)
        return client

    return _client


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [row["name"] for row in response.json()["results"]]


def test_list_is_scoped_and_ordered_by_branch_then_strokes(api, users, members):
    assert listed(api(users.taiyuan).get("/api/members/")) == ["李四", "张三", "王五"]
    assert listed(api(users.datong).get("/api/members/")) == ["孙七", "赵六"]
    assert listed(api(users.admin).get("/api/members/?ordering=-joined_on"))[0] == "孙七"


def test_filters(api, users, members):
    client = api(users.admin)
    assert listed(client.get("/api/members/?organization=14010501")) == ["李四", "张三"]
    assert listed(client.get("/api/members/?organization=1401")) == ["李四", "张三", "王五"]
    assert listed(client.get("/api/members/?status=probationary")) == ["孙七"]
    assert listed(client.get("/api/members/?status=full&organization=1402")) == ["赵六"]
    number = members.wangwu.person.id_number
    assert listed(client.get(f"/api/members/?person={number}")) == ["王五"]
    assert listed(client.get(f"/api/members/?person={number.lower()}")) == ["王五"]


def test_filter_errors_are_chinese_and_name_the_parameter(api, users, members):
    client = api(users.datong)
    r = client.get("/api/members/?organization=1401")
    assert r.status_code == 400 and r.json() == {"organization": ["组织代码 1401 不存在或不在您的管辖范围内"]}
    r = client.get("/api/members/?person=12345")
    assert r.status_code == 400 and "公民身份号码应为18位" in r.json()["person"][0]
    r = client.get("/api/members/?status=expelled")
    assert r.status_code == 400 and "status" in r.json()
    # Someone else's ID number finds nothing rather than saying where it is.
    assert listed(client.get(f"/api/members/?person={members.zhangsan.person.id_number}")) == []


def test_detail(api, users, members):
    r = api(users.secretary).get(f"/api/members/{members.lisi.pk}/")
    assert r.status_code == 200
    data = r.json()
    assert {
        k: data[k]
        for k in (
            "name",
            "organization",
            "status",
            "category",
            "effective_dues_kind",
            "dues_base",
            "monthly_dues",
            "party_group",
        )
    } == {
        "name": "李四",
        "organization": "14010501",
        "status": "full",
        "category": "retired",
        "effective_dues_kind": "pension",
        "dues_base": "5200.00",
        "monthly_dues": "52.00",
        "party_group": None,
    }
    assert api(users.datong).get(f"/api/members/{members.lisi.pk}/").status_code == 404


def test_patch_dues_and_category_is_audited(api, users, members):
    m = members.zhangsan
    r = api(users.secretary).patch(
        f"/api/members/{m.pk}/",
        {"dues_base": "10000.01", "category": "employed", "organization": "1402", "status": "left"},
        format="json",
    )
    assert r.status_code == 200, r.content.decode()
    assert r.json()["monthly_dues"] == "200.00"
    m = Membership.objects.unrestricted().get(pk=m.pk)
    assert (str(m.dues_base), m.organization.code, m.status) == (
        "10000.01",
        "14010501",
        "full",
    )  # read-only kept
    entry = AuditEntry.objects.unrestricted().get(
        model="members.membership", object_id=str(m.pk), action="update"
    )
    assert [c["field"] for c in entry.changes] == ["dues_base"] and entry.actor_name == "b1_sec"


def test_patch_refusals(api, users, members):
    m = members.zhangsan
    r = api(users.secretary).patch(f"/api/members/{m.pk}/", {"dues_base": "-1"}, format="json")
    assert r.status_code == 400 and "dues_base" in r.json()
    r = api(users.secretary).patch(f"/api/members/{m.pk}/", {"category": "astronaut"}, format="json")
    assert r.status_code == 400 and "category" in r.json()
    r = api(users.reader).patch(f"/api/members/{m.pk}/", {"category": "retired"}, format="json")
    assert r.status_code == 403 and r.json()["detail"] == "您无权执行此操作"
    assert (
        api(users.datong).patch(f"/api/members/{m.pk}/", {"category": "retired"}, format="json").status_code
        == 404
    )
    assert api(users.secretary).delete(f"/api/members/{m.pk}/").status_code == 405
    assert APIClient().get("/api/members/").status_code == 401


def test_transferred_out_members_are_not_listed(api, users, members):
    Membership.objects.unrestricted().filter(pk=members.wangwu.pk).update(transferred_out_on="2026-05-01")
    assert listed(api(users.taiyuan).get("/api/members/")) == ["李四", "张三"]

"""The REST API: scoping (lists, 404 outside, pickers), search, ordering, filters, writes with validation and
audit, token login, schema and docs."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from zugong.core.models import AuditEntry
from zugong.core.scope import Role
from zugong.people.idnumber import make_id_number

pytestmark = pytest.mark.django_db

PASSWORD = "Api-test-pass-2026"


def _org(parent, name, code, kind="committee", sector="government"):
    from zugong.orgs.models import Organization

    org = Organization(name=name, code=code, kind=kind, sector=sector)
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(parent, instance=org)


def _person(org, name, seq, birth=dt.date(1985, 3, 9)):
    from zugong.people.models import Person

    return Person.objects.create(
        organization=org, name=name, sex="1" if seq % 2 else "2", birth_date=birth,
        id_number=make_id_number("110101", birth, seq),
    )


@pytest.fixture
def api_tree(db):
    """某省委 → 东城市委 (→ 两个支部) and 西城市委 (→ 一个支部); people in each branch."""
    root = _org(None, "中共某省委员会", "91")
    east = _org(root, "中共东城市委员会", "9101")
    e1 = _org(east, "东城市第一支部委员会", "910101", "branch")
    e2 = _org(east, "东城市第二支部委员会", "910102", "branch")
    west = _org(root, "中共西城市委员会", "9102")
    w1 = _org(west, "西城市第一支部委员会", "910201", "branch", "rural")
    people = SimpleNamespace(
        zhangsan=_person(e1, "张三", 11),
        lisi=_person(e1, "李四", 12),
        wangwu=_person(e2, "王五", 13),
        zhaoliu=_person(w1, "赵六", 15),
        qianqi=_person(w1, "钱七", 16),
    )
    for org in (root, east, e1, e2, west, w1):
        org.refresh_from_db()
    return SimpleNamespace(root=root, east=east, e1=e1, e2=e2, west=west, w1=w1, people=people)


def _user(username, *grants):
    from zugong.accounts.models import ScopeGrant, User

    user = User.objects.create_user(username=username, password=PASSWORD)
    for org, role in grants:
        ScopeGrant.objects.create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def api_users(api_tree):
    t = api_tree
    return SimpleNamespace(
        dept=_user("dept", (t.root, Role.DEPT_ADMIN)),
        east=_user("east_admin", (t.east, Role.ORG_ADMIN)),
        west=_user("west_admin", (t.west, Role.ORG_ADMIN)),
        reader=_user("east_reader", (t.east, Role.READONLY)),
        secretary=_user("e1_secretary", (t.e1, Role.SECRETARY)),
    )


@pytest.fixture
def api(api_client):
    """An API client logged in (by session) as the given user."""

    def _as(user=None):
        client = api_client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _as


def _results(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()["results"]


def _names(response):
    return [p["name"] for p in _results(response)]


# ---------------------------------------------------------------- scope


def test_lists_show_only_the_users_subtree(api, api_tree, api_users):
    client = api(api_users.east)
    orgs = _results(client.get("/api/orgs/"))
    assert [o["code"] for o in orgs] == ["9101", "910101", "910102"]  # tree order
    by_code = {o["code"]: o for o in orgs}
    assert by_code["910101"]["parent"] == "9101"
    assert by_code["9101"]["parent"] is None  # the province is outside the scope
    assert by_code["910101"]["people_count"] == 2
    assert by_code["910101"]["kind_display"] == "党支部"
    assert sorted(_names(client.get("/api/people/"))) == sorted(["张三", "李四", "王五"])
    assert client.get("/api/people/").json()["count"] == 3

    assert sorted(_names(api(api_users.dept).get("/api/people/"))) == sorted(["张三", "李四", "王五", "赵六", "钱七"])
    assert sorted(_names(api(api_users.secretary).get("/api/people/"))) == sorted(["张三", "李四"])


def test_records_of_another_subtree_answer_404(api, api_tree, api_users):
    client = api(api_users.east)
    zhaoliu = api_tree.people.zhaoliu
    assert client.get(f"/api/people/{zhaoliu.pk}/").status_code == 404
    assert client.patch(f"/api/people/{zhaoliu.pk}/", {"phone": "13800000000"}, format="json").status_code == 404
    assert client.get(f"/api/orgs/{api_tree.west.pk}/").status_code == 404
    assert client.patch(f"/api/orgs/{api_tree.west.pk}/", {"name": "改名"}, format="json").status_code == 404
    assert client.get(f"/api/orgs/{api_tree.root.pk}/").status_code == 404
    zhaoliu.refresh_from_db()
    assert zhaoliu.phone == ""
    # Own records are there.
    r = client.get(f"/api/people/{api_tree.people.zhangsan.pk}/")
    assert r.status_code == 200 and r.json()["organization"] == "910101"


def test_read_only_user_reads_but_cannot_write(api, api_tree, api_users):
    client = api(api_users.reader)
    zhangsan = api_tree.people.zhangsan
    assert client.get(f"/api/people/{zhangsan.pk}/").status_code == 200
    r = client.patch(f"/api/people/{zhangsan.pk}/", {"phone": "13800000000"}, format="json")
    assert r.status_code == 403
    r = client.post("/api/people/", {"name": "新人", "id_number": make_id_number("110101", dt.date(1990, 1, 1), 21),
                                     "organization": "910101"}, format="json")
    assert r.status_code == 403


def test_visible_but_not_writable_record_answers_403(api, api_tree, api_users):
    from zugong.accounts.models import ScopeGrant

    # Reads all of 东城, may change people in its first branch only.
    mixed = _user("mixed", (api_tree.east, Role.READONLY))
    ScopeGrant.objects.create(user=mixed, organization=api_tree.e1, role=Role.SECRETARY)
    client = api(mixed)
    wangwu = api_tree.people.wangwu
    r = client.patch(f"/api/people/{wangwu.pk}/", {"phone": "13800000000"}, format="json")
    assert r.status_code == 403 and "只有查看权限" in r.json()["detail"]
    # Moving a person into an organization the user only sees is refused too.
    r = client.patch(f"/api/people/{api_tree.people.zhangsan.pk}/", {"organization": "910102"}, format="json")
    assert r.status_code == 403
    assert client.patch(f"/api/people/{api_tree.people.zhangsan.pk}/", {"phone": "139"}, format="json").status_code == 200


def test_anonymous_is_refused(api_tree):
    r = APIClient().get("/api/people/")
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == "Token"


def test_user_without_any_grant_is_refused(api, api_tree):
    assert api(_user("nobody")).get("/api/people/").status_code == 403


# ---------------------------------------------------------------- search, filters, ordering


def test_search_by_initials_pinyin_name_and_id_tail(api, api_tree, api_users):
    client = api(api_users.dept)
    assert _names(client.get("/api/people/", {"search": "zs"})) == ["张三"]
    assert _names(client.get("/api/people/", {"search": "ZS"})) == ["张三"]
    assert _names(client.get("/api/people/", {"search": "zhangsan"})) == ["张三"]
    assert _names(client.get("/api/people/", {"search": "zhangs"})) == ["张三"]
    assert _names(client.get("/api/people/", {"search": "张"})) == ["张三"]
    lisi = api_tree.people.lisi
    assert _names(client.get("/api/people/", {"search": lisi.id_number[-4:]})) == ["李四"]
    assert _names(client.get("/api/people/", {"search": lisi.id_number})) == ["李四"]
    # Search stays inside the scope.
    assert _names(api(api_users.east).get("/api/people/", {"search": "zl"})) == []


def test_people_filters(api, api_tree, api_users):
    client = api(api_users.east)
    assert sorted(_names(client.get("/api/people/", {"organization": "910101"}))) == sorted(["张三", "李四"])
    assert len(_names(client.get("/api/people/", {"organization": "9101"}))) == 3  # the whole subtree
    assert _names(client.get("/api/people/", {"sex": "2"})) == ["李四"]
    r = client.get("/api/people/", {"organization": "910201"})  # exists, but outside the scope
    assert r.status_code == 400
    assert r.json()["organization"] == ["组织代码 910201 不存在或不在您的管辖范围内"]
    r = client.get("/api/people/", {"sex": "9"})
    assert r.status_code == 400 and "sex" in r.json()


def test_org_filters(api, api_tree, api_users):
    client = api(api_users.dept)
    codes = lambda **q: [o["code"] for o in _results(client.get("/api/orgs/", q))]  # noqa: E731
    assert codes(parent="9101") == ["910101", "910102"]
    assert codes(parent="91") == ["9101", "9102"]
    assert codes(within="9102") == ["9102", "910201"]
    assert codes(kind="branch") == ["910101", "910102", "910201"]
    assert codes(sector="rural") == ["910201"]
    assert codes(status="active", kind="committee") == ["91", "9101", "9102"]
    assert codes(search="西城") == ["9102", "910201"]
    assert codes(search="9101") == ["9101", "910101", "910102"]
    r = client.get("/api/orgs/", {"kind": "nonsense"})
    assert r.status_code == 400 and "kind" in r.json()
    r = api(api_users.east).get("/api/orgs/", {"within": "9102"})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.json()["within"][0]


def test_ordering(api, api_tree, api_users):
    client = api(api_users.east)
    assert _names(client.get("/api/people/", {"ordering": "pinyin"})) == ["李四", "王五", "张三"]
    assert _names(client.get("/api/people/", {"ordering": "-pinyin"})) == ["张三", "王五", "李四"]
    # 姓氏笔画: 王 (4 strokes) before 李 and 张 (7 each; 李 starts with 横, 张 with 折).
    assert _names(client.get("/api/people/", {"ordering": "stroke"})) == ["王五", "李四", "张三"]
    assert _names(client.get("/api/people/", {"ordering": "name"})) == ["王五", "李四", "张三"]
    assert _names(client.get("/api/people/", {"ordering": "-id"})) == ["王五", "李四", "张三"]
    r = client.get("/api/people/", {"ordering": "id_number"})
    assert r.status_code == 400 and "不支持的排序方式" in r.json()["ordering"][0]
    orgs = _results(api(api_users.dept).get("/api/orgs/", {"ordering": "-code"}))
    assert [o["code"] for o in orgs][:3] == ["910201", "9102", "910102"]  # as text


# ---------------------------------------------------------------- people writes


def _new_person(**extra):
    return {"name": "刘洋", "id_number": make_id_number("110101", dt.date(1992, 7, 1), 31), "organization": "910102",
            **extra}


def test_create_person_derives_birth_date_and_sex_and_is_audited(api, api_tree, api_users):
    r = api(api_users.east).post("/api/people/", _new_person(education="20"), format="json")
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert body["birth_date"] == "1992-07-01" and body["sex"] == "1" and body["sex_display"] == "男"
    assert body["organization"] == "910102" and body["organization_name"] == "东城市第二支部委员会"
    assert body["education_display"] == "大学本科" and body["ethnicity"] == "01"
    entry = AuditEntry.objects.unrestricted().get(model="people.person", object_id=str(body["id"]))
    assert entry.action == "create" and entry.actor_name == "east_admin"
    api_tree.e2.refresh_from_db()
    assert api_tree.e2.direct_people == 2


def test_create_person_with_bad_checksum_answers_400_on_id_number(api, api_tree, api_users):
    good = make_id_number("110101", dt.date(1992, 7, 1), 31)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = api(api_users.east).post("/api/people/", _new_person(id_number=bad), format="json")
    assert r.status_code == 400
    assert "校验码" in r.json()["id_number"][0]


def test_create_person_with_inconsistent_birth_date_and_invalid_choice(api, api_tree, api_users):
    client = api(api_users.east)
    r = client.post("/api/people/", _new_person(birth_date="1992-07-02"), format="json")
    assert r.status_code == 400 and "不一致" in r.json()["birth_date"][0]
    r = client.post("/api/people/", _new_person(sex="2"), format="json")
    assert r.status_code == 400 and "不一致" in r.json()["sex"][0]
    r = client.post("/api/people/", _new_person(sex="3", name=""), format="json")
    assert r.status_code == 400
    errors = r.json()
    assert "不是合法选项" in errors["sex"][0] and "不能为空" in errors["name"][0]
    r = client.post("/api/people/", {}, format="json")
    assert r.status_code == 400 and {"name", "id_number", "organization"} <= set(r.json())
    assert "该字段是必填项" in r.json()["name"][0]


def test_duplicate_id_number_names_the_record_only_inside_the_scope(api, api_tree, api_users):
    client = api(api_users.east)
    r = client.post("/api/people/", _new_person(id_number=api_tree.people.zhangsan.id_number), format="json")
    assert r.status_code == 400
    assert "张三" in r.json()["id_number"][0]
    r = client.post("/api/people/", _new_person(id_number=api_tree.people.zhaoliu.id_number), format="json")
    assert r.status_code == 400
    message = r.json()["id_number"][0]
    assert message == "该公民身份号码已登记，请联系上级组织部门" and "赵六" not in message and "西城" not in message
    # Editing a person keeps their own number.
    zhangsan = api_tree.people.zhangsan
    r = client.patch(f"/api/people/{zhangsan.pk}/", {"id_number": zhangsan.id_number}, format="json")
    assert r.status_code == 200


def test_organization_code_outside_scope_is_not_resolved(api, api_tree, api_users):
    r = api(api_users.east).post("/api/people/", _new_person(organization="910201"), format="json")
    assert r.status_code == 400
    assert r.json()["organization"] == ["组织代码 910201 不存在或不在您的管辖范围内"]
    r = api(api_users.east).post("/api/people/", _new_person(organization="nope"), format="json")
    assert r.json()["organization"] == ["组织代码 nope 不存在或不在您的管辖范围内"]


def test_patch_person_is_audited_with_the_field_diff(api, api_tree, api_users):
    zhangsan = api_tree.people.zhangsan
    r = api(api_users.east).patch(f"/api/people/{zhangsan.pk}/", {"phone": "13800001111"}, format="json")
    assert r.status_code == 200 and r.json()["phone"] == "138****1111"  # answered masked (issue 12)
    entry = AuditEntry.objects.unrestricted().filter(model="people.person", object_id=str(zhangsan.pk)).first()
    assert entry.action == "update" and entry.actor_name == "east_admin"
    # The log keeps personal numbers masked too.
    assert entry.changes == [{"field": "phone", "label": "联系电话", "old": None, "new": "138****1111"}]


def test_patch_person_moves_to_another_organization(api, api_tree, api_users):
    wangwu = api_tree.people.wangwu
    client = api(api_users.east)
    r = client.patch(f"/api/people/{wangwu.pk}/", {"organization": "910101"}, format="json")
    assert r.status_code == 200 and r.json()["organization"] == "910101"
    wangwu.refresh_from_db()
    assert wangwu.org_path == api_tree.e1.path
    api_tree.e1.refresh_from_db()
    api_tree.e2.refresh_from_db()
    assert (api_tree.e1.direct_people, api_tree.e2.direct_people) == (3, 0)
    entry = AuditEntry.objects.unrestricted().filter(model="people.person", object_id=str(wangwu.pk)).first()
    assert entry.changes[0]["field"] == "organization"
    assert entry.changes[0]["old"] == "东城市第二支部委员会" and entry.changes[0]["new"] == "东城市第一支部委员会"
    # Out of the scope: not resolved.
    r = client.patch(f"/api/people/{wangwu.pk}/", {"organization": "910201"}, format="json")
    assert r.status_code == 400 and "organization" in r.json()


# ---------------------------------------------------------------- organization writes


def test_create_org_under_a_parent_by_code_is_audited(api, api_tree, api_users):
    client = api(api_users.east)
    payload = {"name": "东城市第三支部委员会", "code": "910103", "kind": "branch", "parent": "9101",
               "term_started_on": "2024-03-01"}
    r = client.post("/api/orgs/", payload, format="json")
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert body["parent"] == "9101" and body["depth"] == 3 and body["term_years"] == 3
    assert body["term_ends_on"] == "2027-03-01" and body["status"] == "active"
    assert body["subtree_people_count"] == 0
    entry = AuditEntry.objects.unrestricted().get(model="orgs.organization", object_id=str(body["id"]))
    assert entry.action == "create" and entry.actor_name == "east_admin"
    assert any(c["field"] == "name" and c["new"] == "东城市第三支部委员会" for c in entry.changes)
    # It shows in the parent's children.
    assert "910103" in [o["code"] for o in _results(client.get("/api/orgs/", {"parent": "9101"}))]


def test_create_org_refusals(api, api_tree, api_users):
    payload = {"name": "新支部", "code": "910199", "kind": "branch", "parent": "9101"}
    # Outside the scope: the parent code is not resolved.
    r = api(api_users.west).post("/api/orgs/", payload, format="json")
    assert r.status_code == 400 and r.json()["parent"] == ["组织代码 9101 不存在或不在您的管辖范围内"]
    # A secretary may change people, not manage organizations.
    assert api(api_users.secretary).post("/api/orgs/", payload, format="json").status_code == 403
    assert api(api_users.reader).post("/api/orgs/", payload, format="json").status_code == 403
    client = api(api_users.east)
    r = client.post("/api/orgs/", {**payload, "parent": None}, format="json")
    assert r.status_code == 400 and "parent" in r.json()
    r = client.post("/api/orgs/", {k: v for k, v in payload.items() if k != "parent"}, format="json")
    assert r.status_code == 400 and r.json()["parent"] == ["请填写上级组织代码"]
    # Code clashes: named inside the scope, not outside.
    r = client.post("/api/orgs/", {**payload, "code": "910101"}, format="json")
    assert r.status_code == 400 and "东城市第一支部委员会" in r.json()["code"][0]
    r = client.post("/api/orgs/", {**payload, "code": "910201"}, format="json")
    assert r.status_code == 400 and "管辖范围以外" in r.json()["code"][0] and "西城" not in r.json()["code"][0]
    r = client.post("/api/orgs/", {**payload, "kind": "club", "name": ""}, format="json")
    assert r.status_code == 400 and {"kind", "name"} <= set(r.json())


def test_patch_org_is_audited_and_move_goes_through_the_service(api, api_tree, api_users):
    e2 = api_tree.e2
    r = api(api_users.east).patch(f"/api/orgs/{e2.pk}/", {"short_name": "东二支部"}, format="json")
    assert r.status_code == 200 and r.json()["short_name"] == "东二支部"
    entry = AuditEntry.objects.unrestricted().filter(model="orgs.organization", object_id=str(e2.pk)).first()
    assert entry.action == "update"
    assert entry.changes == [{"field": "short_name", "label": "简称", "old": None, "new": "东二支部"}]

    # The 东城 admin cannot move it to 西城 (not in the scope).
    r = api(api_users.east).patch(f"/api/orgs/{e2.pk}/", {"parent": "9102"}, format="json")
    assert r.status_code == 400 and "parent" in r.json()

    # The department admin can: the subtree and its people follow.
    client = api(api_users.dept)
    r = client.patch(f"/api/orgs/{e2.pk}/", {"parent": "9102"}, format="json")
    assert r.status_code == 200, r.content.decode()
    assert r.json()["parent"] == "9102"
    e2.refresh_from_db()
    assert e2.path.startswith(api_tree.west.path)
    api_tree.people.wangwu.refresh_from_db()
    assert api_tree.people.wangwu.org_path == e2.path
    entry = AuditEntry.objects.unrestricted().filter(model="orgs.organization", object_id=str(e2.pk)).first()
    assert entry.action == "move" and entry.actor_name == "dept"
    assert entry.changes[0]["old"] == "中共东城市委员会" and entry.changes[0]["new"] == "中共西城市委员会"
    # Now out of the 东城 admin's sight.
    assert api(api_users.east).get(f"/api/orgs/{e2.pk}/").status_code == 404
    # Naming the current parent again changes nothing.
    count = AuditEntry.objects.unrestricted().count()
    assert client.patch(f"/api/orgs/{e2.pk}/", {"parent": "9102"}, format="json").status_code == 200
    assert AuditEntry.objects.unrestricted().count() == count
    # Under itself: refused by the service, reported on `parent`.
    r = client.patch(f"/api/orgs/{api_tree.west.pk}/", {"parent": "910102"}, format="json")
    assert r.status_code == 400 and "下级组织" in r.json()["parent"][0]


def test_org_detail_has_subtree_counts(api, api_tree, api_users):
    r = api(api_users.east).get(f"/api/orgs/{api_tree.east.pk}/")
    assert r.status_code == 200
    body = r.json()
    assert body["people_count"] == 0 and body["subtree_people_count"] == 3 and body["subtree_branch_count"] == 2
    assert body["parent"] is None
    assert api(api_users.dept).get(f"/api/orgs/{api_tree.east.pk}/").json()["parent"] == "91"


def test_lists_take_a_fixed_number_of_queries(api, api_tree, api_users, django_assert_max_num_queries):
    client = api(api_users.dept)
    for url in ("/api/orgs/", "/api/people/"):
        # session, user, grants, count, page (+ the parents' codes for organizations), session save
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_organization_code_may_be_sent_as_a_number(api, api_tree, api_users):
    r = api(api_users.east).get("/api/people/", {"organization": "910101"})
    assert r.status_code == 200
    payload = {"name": "刘洋", "id_number": make_id_number("110101", dt.date(1992, 7, 1), 31), "organization": 910101}
    r = api(api_users.east).post("/api/people/", payload, format="json")
    assert r.status_code == 201 and r.json()["organization"] == "910101"


def test_org_readonly_and_secretary_cannot_patch(api, api_tree, api_users):
    for user in (api_users.secretary, api_users.reader):
        r = api(user).patch(f"/api/orgs/{api_tree.e1.pk}/", {"short_name": "x"}, format="json")
        assert r.status_code == 403
    api_tree.e1.refresh_from_db()
    assert api_tree.e1.short_name == ""


# ---------------------------------------------------------------- token login


@pytest.fixture
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_token_flow(api_tree, api_users, fresh_throttle, api_client):
    client = api_client()
    r = client.post("/api/auth/token/", {"username": "east_admin", "password": "wrong-password"}, format="json")
    assert r.status_code == 400 and r.json()["non_field_errors"] == ["用户名或密码错误"]
    r = client.post("/api/auth/token/", {"username": "east_admin"}, format="json")
    assert r.status_code == 400 and "password" in r.json()
    r = client.post("/api/auth/token/", {"username": "east_admin", "password": PASSWORD}, format="json")
    assert r.status_code == 200
    token = r.json()["token"]
    assert r.json()["expires"]
    # Each call issues a new token (the plaintext is answered once; only its digest is kept).
    second = client.post("/api/auth/token/", {"username": "east_admin", "password": PASSWORD}).json()["token"]
    assert second != token

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert sorted(_names(client.get("/api/people/"))) == sorted(["张三", "李四", "王五"])
    # Writes through a token are attributed to its user.
    r = client.patch(f"/api/people/{api_tree.people.lisi.pk}/", {"phone": "13912345678"}, format="json")
    assert r.status_code == 200
    entry = AuditEntry.objects.unrestricted().filter(model="people.person").first()
    assert entry.actor_name == "east_admin"

    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/people/").status_code == 401

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete("/api/auth/token/").status_code == 204
    assert client.get("/api/people/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")  # revoking one token leaves the others
    assert client.get("/api/people/").status_code == 200


def test_token_endpoint_is_throttled(api_tree, api_users, fresh_throttle):
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "dept", "password": PASSWORD}, format="json").status_code
        for _ in range(11)
    ]
    assert codes == [200] * 10 + [429]


def test_token_login_failures_lock_out(api_tree, api_users, fresh_throttle, settings):
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "west_admin", "password": "nope-nope"}, format="json").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    r = client.post("/api/auth/token/", {"username": "west_admin", "password": PASSWORD}, format="json")
    assert r.status_code == 403 and "锁定" in r.json()["detail"]


# ---------------------------------------------------------------- schema and docs


def test_schema_and_docs(api, api_tree, api_users):
    anonymous = APIClient()
    r = anonymous.get("/api/docs/")
    assert r.status_code == 302 and "next=/api/docs/" in r["Location"]
    assert anonymous.get("/api/schema/").status_code in (401, 403)

    client = api(api_users.east)
    r = client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html and "cdn" not in html.lower()
    r = client.get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    schema = r.json()
    assert {"/api/orgs/", "/api/orgs/{id}/", "/api/people/", "/api/people/{id}/", "/api/auth/token/"} <= set(
        schema["paths"]
    )
    assert schema["paths"]["/api/people/"]["get"]["summary"] == "人员列表"
    ordering = next(p for p in schema["paths"]["/api/people/"]["get"]["parameters"] if p["name"] == "ordering")
    assert {"stroke", "pinyin", "-id"} <= set(ordering["schema"]["enum"])


def test_browsable_api_renders_inside_the_scope(api, api_tree, api_users):
    client = api(api_users.east)
    for url in ("/api/", "/api/orgs/", f"/api/orgs/{api_tree.e1.pk}/", "/api/people/",
                f"/api/people/{api_tree.people.zhangsan.pk}/"):
        r = client.get(url, HTTP_ACCEPT="text/html")
        assert r.status_code == 200, url
        html = r.content.decode()
        assert "西城" not in html and "赵六" not in html, url

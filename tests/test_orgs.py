"""Organization operations: create, edit, move, merge, dissolve — authorized, audited, paths kept right."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.core.models import AuditEntry
from zugong.orgs import services
from zugong.orgs.models import Organization
from zugong.people.models import Person


def fresh(org):
    return Organization.objects.unrestricted().get(pk=org.pk)


@pytest.mark.django_db
def test_create_sets_term_by_regulation_and_refuses_duplicate_code(tree, users):
    village = services.create(users.datong, tree.datong, name="中共某村委员会", code="14029901", kind="branch",
                              sector="rural", term_started_on=dt.date(2024, 2, 29))
    assert village.term_years == 5 and village.term_ends_on == dt.date(2029, 2, 28)
    office = services.create(users.datong, tree.datong, name="中共某局机关支部委员会", code="14029902",
                             kind="branch", sector="government", term_started_on=dt.date(2024, 3, 1))
    assert office.term_years == 3 and office.term_ends_on == dt.date(2027, 3, 1)
    with pytest.raises(ValidationError) as exc:
        services.create(users.admin, tree.datong, name="重复", code="14010501", kind="branch")
    assert "已被“中共太原市小店区坞城街道红星社区支部委员会”使用" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.create(users.datong, tree.datong, name="重复", code="14010501", kind="branch")
    assert "已被您管辖范围以外的组织使用" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.create(users.datong, tree.taiyuan, name="越权", code="14019999", kind="branch")
    assert fresh(tree.datong).numchild == 3


@pytest.mark.django_db
def test_move_carries_subtree_people_and_is_audited(tree, users):
    services.move(users.admin, tree.xiaodian, tree.datong, note="区划调整")
    xd, b1 = fresh(tree.xiaodian), fresh(tree.b1)
    assert xd.path.startswith(tree.datong.path) and b1.path.startswith(xd.path)
    zhang = Person.objects.unrestricted().get(pk=tree.people.zhangsan.pk)
    assert zhang.org_path == b1.path
    assert set(Person.objects.visible_to(users.datong).values_list("name", flat=True)) == {
        "张三", "李四", "王五", "赵六", "孙七"}
    assert Person.objects.visible_to(users.taiyuan).count() == 0
    entry = AuditEntry.objects.unrestricted().filter(model="orgs.organization", object_id=str(xd.pk)).first()
    assert entry.action == "move" and entry.note == "区划调整"
    assert entry.changes[0]["old"] == "中共太原市委员会" and entry.changes[0]["new"] == "中共大同市委员会"
    assert fresh(tree.taiyuan).numchild == 0 and fresh(tree.datong).numchild == 2


@pytest.mark.django_db
def test_move_refuses_into_own_subtree_and_outside_scope(tree, users):
    with pytest.raises(ValidationError):
        services.move(users.admin, tree.taiyuan, tree.b1)
    with pytest.raises(PermissionDenied):
        services.move(users.taiyuan, tree.b1, tree.datong)


@pytest.mark.django_db
def test_merge_passes_people_and_keeps_the_source_dissolved(tree, users):
    services.merge(users.taiyuan, tree.b2, tree.b1, dt.date(2026, 11, 1), note="机构改革")
    b1, b2 = fresh(tree.b1), fresh(tree.b2)
    assert b2.status == "dissolved" and b2.merged_into == b1 and b2.dissolved_on == dt.date(2026, 11, 1)
    assert Person.objects.unrestricted().get(name="王五").organization == b1
    assert b1.direct_people == 3 and b2.direct_people == 0
    assert AuditEntry.objects.unrestricted().filter(object_id=str(b2.pk), action="merge").exists()


@pytest.mark.django_db
def test_dissolve_needs_a_receiver_for_people_and_no_active_children(tree, users):
    with pytest.raises(ValidationError) as exc:
        services.dissolve(users.taiyuan, tree.xiaodian, None, dt.date(2026, 11, 1))
    assert "还有 2 个未撤销的下级组织" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.dissolve(users.taiyuan, tree.b2, None, dt.date(2026, 11, 1))
    assert "请选择接收人员的组织" in str(exc.value)
    services.dissolve(users.taiyuan, tree.b2, tree.b1, dt.date(2026, 11, 1), note="撤销")
    assert fresh(tree.b2).status == "dissolved"
    assert Person.objects.unrestricted().filter(organization=tree.b2).count() == 0
    assert Person.objects.unrestricted().get(name="王五").organization == tree.b1


@pytest.mark.django_db
def test_tree_counts_roll_up(tree, users):
    counts = services.subtree_counts(tree.root)
    assert counts[tree.taiyuan.path]["people"] == 3 and counts[tree.taiyuan.path]["branches"] == 2
    assert counts[tree.datong.path]["people"] == 2
    assert services.node_counts(tree.root) == {"people": 5, "branches": 3}


@pytest.mark.django_db
def test_pages_move_an_organization(login, tree, users):
    client = login(users.taiyuan)
    r = client.post(f"/orgs/{tree.b2.pk}/move/", {"new_parent": tree.taiyuan.pk, "note": "调整"})
    assert r.status_code == 302
    assert fresh(tree.b2).depth == 3
    r = client.post(f"/orgs/{tree.b2.pk}/move/", {"new_parent": tree.datong.pk})
    assert r.status_code == 200 and "所选组织不存在或不在您的管辖范围内" in r.content.decode()
    r = client.get(f"/orgs/tree/{tree.root.pk}/children/")
    assert r.status_code == 404  # the province root lies outside the Taiyuan admin's scope


@pytest.mark.django_db
def test_person_search_by_pinyin_initials_name_and_id_tail(login, tree, users):
    client = login(users.admin)
    for q in ("zs", "zhangsan", "张", tree.people.zhangsan.id_number[-6:]):
        body = client.get("/search/", {"q": q}).content.decode()
        assert "张三" in body, q
    body = client.get("/people/", {"order": "stroke"}).content.decode()
    # 王(4) 孙(6) 李(7) 张(7) 赵(9): official 姓氏笔画 order.
    positions = [body.index(n) for n in ("王五", "孙七", "李四", "张三", "赵六")]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_login_is_throttled(client, tree, users):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ty_admin", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "ty_admin", "password": users.taiyuan.raw_password})
    assert "登录失败次数过多" in r.content.decode()


@pytest.mark.django_db
def test_organization_page_shows_its_committee(login, tree, users):
    from zugong.members.models import Membership

    for person, post in ((tree.people.lisi, "organization"), (tree.people.zhangsan, "secretary")):
        Membership.objects.create(person=person, organization=tree.b1, joined_on=dt.date(2005, 7, 1),
                                  converted_on=dt.date(2006, 7, 1), committee_post=post)
    page = login(users.taiyuan).get(f"/orgs/{tree.b1.pk}/").content.decode()
    start = page.index('id="committee"')
    committee = page[start:page.index("</dd>", start)]
    assert committee.index("书记") < committee.index("张三") < committee.index("组织委员") < committee.index("李四")


@pytest.mark.django_db
def test_organization_page_people_tab_comes_from_the_people_app(login, tree, users):
    # orgs does not import people: the people app registers the tab (zugong/people/panels.py)
    client = login(users.taiyuan)
    page = client.get(f"/orgs/{tree.b1.pk}/").content.decode()
    assert f"人员（{fresh(tree.b1).direct_people}）" in page and "?tab=people" in page
    page = client.get(f"/orgs/{tree.b1.pk}/", {"tab": "people"}).content.decode()
    direct = Person.objects.unrestricted().filter(organization=tree.b1)
    assert direct.exists() and all(p.name in page for p in direct)
    assert not any(p.name in page for p in Person.objects.unrestricted().filter(organization=tree.b2))


@pytest.mark.django_db
def test_person_picker_answers_people_in_scope_only(login, tree, users):
    # zugong.people.fields.PersonPicker asks /people/picker/ as the user types (dispatch, recruitment forms)
    from zugong.people.fields import PersonPicker

    found = login(users.taiyuan).get("/people/picker/", {"q": "zs"}).json()["results"]
    zhangsan = tree.people.zhangsan
    assert found == [{"id": zhangsan.pk, "text": f"张三（{zhangsan.organization.name}，身份证尾号{zhangsan.id_tail}）"}]
    assert login(users.datong).get("/people/picker/", {"q": "zs"}).json()["results"] == []
    field = PersonPicker(label="人员")
    field.bind(users.taiyuan)
    assert field.widget.attrs["data-picker-url"] == "/people/picker/"
    assert field.label_from_instance(zhangsan) == found[0]["text"]

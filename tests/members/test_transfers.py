"""Transfers (组织关系转接): both sides confirm, the member is in exactly one branch at every moment, each side
sees what concerns it, every step is audited, and every refusal says why in Chinese."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from zugong.core.audit import acting_as
from zugong.core.models import AuditEntry
from zugong.members import services
from zugong.members.models import DuesPayment, Membership, TransferRequest
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person

pytestmark = pytest.mark.django_db
WITHIN, OUT, IN = TransferRequest.Kind.WITHIN, TransferRequest.Kind.OUT, TransferRequest.Kind.IN
TODAY = dt.date(2026, 11, 27)


def reload(obj):
    return type(obj).objects.unrestricted().get(pk=obj.pk)


def test_within_the_province_both_sides_confirm(tree, users, members):
    zs = members.zhangsan
    DuesPayment.objects.create(
        membership=zs,
        organization=tree.b1,
        org_path=tree.b1.path,
        month=dt.date(2026, 10, 1),
        amount=Decimal("40"),
        paid_on=dt.date(2026, 10, 9),
    )
    t = services.request_transfer(
        users.secretary, zs, kind=WITHIN, to_org=tree.b3, reason="工作调动", requested_on=dt.date(2026, 11, 2)
    )
    assert (t.status, t.from_org, t.to_org, t.org_path, t.name, t.id_number) == (
        "requested",
        tree.b1,
        tree.b3,
        tree.b1.path,
        "张三",
        zs.person.id_number,
    )
    with pytest.raises(PermissionDenied, match="只有转出党组织可以确认转出"):
        services.send(users.datong, t, letter_no="晋组转〔2026〕1号")
    with pytest.raises(ValidationError, match="不能办理此操作"):
        services.receive(users.datong, t)  # not yet sent
    t = services.send(users.secretary, t, letter_no="晋组转〔2026〕1号", sent_on=dt.date(2026, 11, 3))
    assert (t.status, t.sent_by, t.dues_paid_until) == ("sent", users.secretary, dt.date(2026, 10, 1))
    assert reload(zs).organization == tree.b1  # still the issuing branch's until received (第二十五条)
    with pytest.raises(PermissionDenied, match="只有接收党组织可以确认接收"):
        services.receive(users.secretary, t)
    warnings = services.receive(users.datong, t, received_on=dt.date(2026, 11, 5))
    zs = reload(zs)
    assert (zs.organization, zs.org_path, zs.party_group) == (tree.b3, tree.b3.path, None)
    assert reload(zs.person).organization == tree.b3  # the person record follows the relationship
    assert Membership.objects.unrestricted().filter(person=zs.person).count() == 1
    t = reload(t)
    assert (t.status, t.received_on, t.received_by) == ("received", dt.date(2026, 11, 5), users.datong)
    # 红星社区支部 keeps one full member (李四): the move is done, the warning is shown.
    assert warnings == ["正式党员 1 名，不足 3 名（《中国共产党支部工作条例（试行）》第四条）"]


def test_a_transfer_leaves_its_trail_in_both_sides_logs(tree, users, members):
    zs = members.zhangsan
    with acting_as(users.secretary):
        t = services.request_transfer(users.secretary, zs, kind=WITHIN, to_org=tree.b3)
        services.send(users.secretary, t, letter_no="L-1")
    with acting_as(users.datong):
        services.receive(users.datong, t)
    entries = AuditEntry.objects.unrestricted()
    moved = entries.filter(model="members.membership", object_id=str(zs.pk))
    update = moved.get(action="update")
    assert update.org_path == tree.b3.path and update.actor_name == "dt_admin"
    assert {c["field"]: (c["old"], c["new"]) for c in update.changes}["organization"] == (
        tree.b1.name,
        tree.b3.name,
    )
    handover = moved.get(action="transfer")
    assert handover.org_path == tree.b1.path and "介绍信编号 L-1" in handover.note  # seen by the issuing side
    steps = entries.filter(model="members.transferrequest", object_id=str(t.pk)).order_by("id")
    assert [e.action for e in steps] == ["create", "update", "update"]
    assert [e.actor_name for e in steps] == ["b1_sec", "b1_sec", "dt_admin"]
    assert entries.filter(model="people.person", object_id=str(zs.person_id), action="update").exists()
    assert AuditEntry.objects.visible_to(users.secretary).filter(action="transfer").exists()
    assert (
        AuditEntry.objects.visible_to(users.datong)
        .filter(model="members.membership", action="update")
        .exists()
    )


def test_each_side_sees_the_requests_that_concern_it(login, tree, users, members):
    local = services.request_transfer(users.secretary, members.zhangsan, kind=WITHIN, to_org=tree.b2)
    cross = services.request_transfer(users.taiyuan, members.wangwu, kind=WITHIN, to_org=tree.b3)

    def visible(user):
        return set(TransferRequest.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(users.secretary) == {
        local.pk
    }  # 红星社区 issues `local`; `cross` is neither its to nor from
    assert visible(users.taiyuan) == {local.pk, cross.pk}
    assert visible(users.datong) == {cross.pk}  # the receiving side sees the request before it is sent
    client = login(users.datong)
    for path in (
        f"/members/transfers/{local.pk}/",
        f"/members/transfers/{local.pk}/send/",
        f"/members/transfers/{local.pk}/receive/",
        f"/members/transfers/{local.pk}/close/",
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"letter_no": "x", "reason": "x"}).status_code == 404, path
    page = client.get("/members/transfers/").content.decode()
    assert "王五" in page and "张三" not in page
    assert (
        client.get(f"/members/transfers/{cross.pk}/send/").status_code == 403
    )  # visible, not theirs to send
    assert TransferRequest.objects.visible_to(users.secretary, "change").count() == 1
    assert TransferRequest.objects.visible_to(users.reader, "change").count() == 0


def test_out_of_the_province(tree, users, members):
    ww = members.wangwu
    t = services.request_transfer(users.taiyuan, ww, kind=OUT, to_org_name="中共北京市某区某单位支部委员会")
    services.send(users.taiyuan, t, letter_no="晋组转〔2026〕9号")
    warnings = services.receive(users.taiyuan, t, received_on=TODAY)  # the receipt (回执) came back
    ww = reload(ww)
    assert (ww.transferred_out_on, ww.organization, ww.status, ww.standing_label) == (
        TODAY,
        tree.b2,
        "full",
        "已转出",
    )
    assert not Membership.objects.unrestricted().active().filter(pk=ww.pk).exists()
    assert warnings == ["正式党员 0 名，不足 3 名（《中国共产党支部工作条例（试行）》第四条）"]
    with pytest.raises(ValidationError, match="已转出本省"):
        services.update_member(users.taiyuan, ww, category=Membership.Category.RETIRED)
    with pytest.raises(ValidationError, match="已转出"):
        services.request_transfer(users.taiyuan, ww, kind=WITHIN, to_org=tree.b1)


def test_from_outside_the_province_creates_person_and_member(tree, users, members):
    number = make_id_number("110101", dt.date(1992, 4, 8), 24)
    t = services.request_inbound(
        users.datong,
        tree.b3,
        id_number=number,
        name="周八",
        from_org_name="中共北京市某单位支部委员会",
        letter_no="京组转〔2026〕15号",
        sent_on=dt.date(2026, 11, 1),
        joined_on=dt.date(2015, 6, 1),
        converted_on=dt.date(2016, 6, 1),
        education="20",
        category=Membership.Category.EMPLOYED,
        dues_paid_until=dt.date(2026, 10, 20),
    )
    assert (t.status, t.org_path, t.from_org, t.dues_paid_until) == (
        "sent",
        tree.b3.path,
        None,
        dt.date(2026, 10, 1),
    )
    assert not Person.objects.unrestricted().filter(id_number=number).exists()  # nothing until received
    with acting_as(users.datong):
        services.receive(users.datong, t, received_on=TODAY)
    person = Person.objects.unrestricted().get(id_number=number)
    assert (person.name, person.organization, person.birth_date, person.sex, person.education) == (
        "周八",
        tree.b3,
        dt.date(1992, 4, 8),
        "2",
        "20",
    )
    m = person.membership
    assert (m.organization, m.status, m.joined_on, m.dues_from) == (
        tree.b3,
        "full",
        dt.date(2015, 6, 1),
        dt.date(2026, 11, 1),
    )
    assert reload(t).membership == m
    log = AuditEntry.objects.unrestricted()
    assert log.filter(
        model="people.person", object_id=str(person.pk), action="create", actor_name="dt_admin"
    ).exists()
    assert log.filter(model="members.membership", object_id=str(m.pk), action="create").exists()
    assert "省外：中共北京市某单位支部委员会" in str(
        log.get(model="members.membership", action="transfer").changes
    )


def test_inbound_refusals_name_the_field(tree, users, members):
    good = make_id_number("110101", dt.date(1992, 4, 8), 24)
    base = dict(
        name="周八",
        from_org_name="某支部",
        letter_no="X1",
        sent_on=dt.date(2026, 11, 1),
        joined_on=dt.date(2015, 6, 1),
        converted_on=dt.date(2016, 6, 1),
    )
    cases = [
        ({"id_number": good[:-1] + ("0" if good[-1] != "0" else "1")}, "id_number", "公民身份号码校验码错误"),
        (
            {"id_number": members.zhangsan.person.id_number},
            "id_number",
            "该公民身份号码已登记，请联系上级组织部门",
        ),
        ({"id_number": good, "letter_no": " "}, "letter_no", "请填写介绍信编号"),
        ({"id_number": good, "converted_on": dt.date(2015, 1, 1)}, "converted_on", "转正时间应晚于入党时间"),
        ({"id_number": good, "member_status": "probationary"}, "converted_on", "预备党员不应有转正时间"),
    ]
    for overrides, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.request_inbound(users.datong, tree.b3, **{**base, **overrides})
        assert message in exc.value.message_dict[field][0], overrides
    with pytest.raises(PermissionDenied):
        services.request_inbound(users.datong, tree.b1, id_number=good, **base)
    with pytest.raises(ValidationError) as exc:
        services.request_inbound(users.admin, tree.xiaodian, id_number=good, **base)
    assert "是党委，党员的组织关系只能在党支部" in exc.value.message_dict["to_org"][0]
    services.request_inbound(users.datong, tree.b3, id_number=good, **base)
    with pytest.raises(ValidationError, match="已有待接收的转入申请"):
        services.request_inbound(users.datong, tree.b3, id_number=good, **base)


def test_a_member_who_left_comes_back_on_the_same_record(tree, users, members):
    ww = members.wangwu
    out = services.request_transfer(
        users.taiyuan, ww, kind=OUT, to_org_name="中共北京市某支部", requested_on=dt.date(2026, 1, 2)
    )
    services.send(users.taiyuan, out, letter_no="出1", sent_on=dt.date(2026, 1, 5))
    services.receive(users.taiyuan, out, received_on=dt.date(2026, 1, 10))
    back = services.request_inbound(
        users.datong,
        tree.b3,
        id_number=ww.person.id_number,
        name="王五",
        from_org_name="中共北京市某支部",
        letter_no="京回1",
        sent_on=dt.date(2026, 11, 1),
        joined_on=ww.joined_on,
        converted_on=ww.converted_on,
    )
    services.receive(users.datong, back, received_on=TODAY)
    ww = reload(ww)
    assert (ww.transferred_out_on, ww.organization, ww.is_active) == (None, tree.b3, True)
    assert reload(ww.person).organization == tree.b3
    assert TransferRequest.objects.unrestricted().filter(membership=ww).count() == 2  # the history


def test_decline_and_return(tree, users, members):
    t = services.request_transfer(users.secretary, members.zhangsan, kind=WITHIN, to_org=tree.b3)
    with pytest.raises(ValidationError) as exc:
        services.close(users.secretary, t, reason=" ")
    assert exc.value.message_dict["reason"] == ["请填写理由"]
    with pytest.raises(PermissionDenied, match="只有转出党组织可以不予转出"):
        services.close(users.datong, t, reason="不同意")
    t = services.close(users.secretary, t, reason="本人撤回申请")
    assert (t.status, t.close_reason, t.closed_by) == ("rejected", "本人撤回申请", users.secretary)
    t2 = services.request_transfer(users.secretary, members.zhangsan, kind=WITHIN, to_org=tree.b3)
    services.send(users.secretary, t2, letter_no="L-2")
    with pytest.raises(PermissionDenied, match="只有接收党组织可以退回"):
        services.close(users.secretary, t2, reason="x")
    t2 = services.close(users.datong, t2, reason="接收单位信息有误")
    assert t2.status == "returned" and reload(members.zhangsan).organization == tree.b1


def test_never_two_open_transfers_for_one_member(tree, users, members):
    services.request_transfer(users.secretary, members.zhangsan, kind=WITHIN, to_org=tree.b2)
    with pytest.raises(ValidationError, match="已有未办结的组织关系转接"):
        services.request_transfer(users.secretary, members.zhangsan, kind=OUT, to_org_name="某省某支部")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        TransferRequest.objects.create(
            kind=OUT,
            membership=members.zhangsan,
            from_org=tree.b1,
            org_path="x",
            to_org_name="y",
            name="张三",
            id_number="1",
            member_status="full",
            joined_on=dt.date(2000, 1, 1),
            requested_on=TODAY,
        )


def test_request_refusals(tree, users, members):
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(users.secretary, members.zhangsan, kind=WITHIN, to_org=tree.b1)
    assert exc.value.message_dict["to_org"] == ["接收党组织就是该党员现在所在的党支部"]
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(users.secretary, members.zhangsan, kind=OUT, to_org_name="")
    assert exc.value.message_dict["to_org_name"] == ["请填写省外接收党组织的名称"]
    with pytest.raises(PermissionDenied):
        services.request_transfer(users.datong, members.zhangsan, kind=WITHIN, to_org=tree.b3)
    with pytest.raises(PermissionDenied):
        services.request_transfer(users.reader, members.zhangsan, kind=WITHIN, to_org=tree.b3)


def test_receiving_into_a_dissolved_branch_is_refused(tree, users, members):
    t = services.request_transfer(users.secretary, members.zhangsan, kind=WITHIN, to_org=tree.b3)
    services.send(users.secretary, t, letter_no="L-3")
    tree.b3.status = tree.b3.Status.DISSOLVED
    tree.b3.save()
    with pytest.raises(ValidationError, match="已撤销"):
        services.receive(users.datong, t)
    assert reload(members.zhangsan).organization == tree.b1


def test_the_pages_walk_a_transfer_through(client_for, tree, users, members):
    zs = members.zhangsan
    sec = client_for(users.secretary)
    r = sec.post(
        f"/members/{zs.pk}/transfer/",
        {"kind": "within", "to_org_code": "99999", "requested_on": "2026-11-20"},
    )
    assert "组织代码 99999 不存在" in r.content.decode()
    r = sec.post(
        f"/members/{zs.pk}/transfer/", {"kind": "within", "to_org_code": "1402", "requested_on": "2026-11-20"}
    )
    assert "“中共大同市委员会”是党委，党员的组织关系只能在党支部" in r.content.decode()
    r = sec.post(
        f"/members/{zs.pk}/transfer/",
        {"kind": "within", "to_org_code": "14021301", "requested_on": "2026-11-20", "reason": "工作调动"},
    )
    t = TransferRequest.objects.unrestricted().get()
    assert r["Location"] == f"/members/transfers/{t.pk}/"
    assert "确认转出、开具介绍信" in sec.get(r["Location"]).content.decode()
    r = sec.post(f"/members/transfers/{t.pk}/send/", {"letter_no": "", "sent_on": "2026-11-21"})
    assert "这个字段是必填项" in r.content.decode() or "必填" in r.content.decode()
    sec.post(f"/members/transfers/{t.pk}/send/", {"letter_no": "晋组转〔2026〕2号", "sent_on": "2026-11-21"})
    dt_client = client_for(users.datong)
    assert "张三" in dt_client.get("/members/transfers/?direction=todo").content.decode()
    detail = dt_client.get(f"/members/transfers/{t.pk}/").content.decode()
    assert "确认接收" in detail and "晋组转〔2026〕2号" in detail
    r = dt_client.post(f"/members/transfers/{t.pk}/receive/", {"received_on": "2026-11-25"}, follow=True)
    page = r.content.decode()
    assert "已确认接收" in page and "正式党员 1 名，不足 3 名" in page
    assert dt_client.get(f"/members/{zs.pk}/").status_code == 200
    assert sec.get(f"/members/{zs.pk}/").status_code == 404  # gone from 红星社区支部
    assert "已接收" in sec.get(f"/members/transfers/{t.pk}/").content.decode()  # its history stays visible


def test_inbound_page(login, tree, users):
    client = login(users.datong)
    number = make_id_number("110101", dt.date(1990, 1, 2), 35)
    data = {
        "to_org": tree.b3.pk,
        "name": "吴九",
        "id_number": number,
        "ethnicity": "01",
        "member_status": "full",
        "joined_on": "2012-07-01",
        "converted_on": "2013-07-01",
        "category": "employed",
        "from_org_name": "中共河北省某支部",
        "letter_no": "冀1",
        "sent_on": "2026-11-10",
        "dues_paid_until": "2026-10",
    }
    r = client.post("/members/transfers/inbound/", {**data, "to_org": tree.b1.pk})
    assert "所选组织不存在或不在您的管辖范围内" in r.content.decode()
    r = client.post("/members/transfers/inbound/", data)
    t = TransferRequest.objects.unrestricted().get(kind=IN)
    assert r["Location"] == f"/members/transfers/{t.pk}/"
    client.post(f"/members/transfers/{t.pk}/receive/", {"received_on": "2026-11-26"})
    assert Membership.objects.visible_to(users.datong).filter(person__id_number=number).exists()


def test_inbound_check_says_nothing_about_a_member_outside_the_scope_and_is_rate_limited(
        tree, users, members, settings):
    """Issue 12, finding 6 (the transfer-in path): the answer named "本省其他党组织" and a stopped member's
    status for a member the user may not see, on every try, unlimited."""
    from zugong.people.models import DuplicateAnswer
    from zugong.people.services import DUPLICATE_OUTSIDE

    settings.PII_DUPLICATE_ANSWERS_PER_HOUR = 2
    zs = members.zhangsan  # in 太原, outside 大同's scope
    zs.status = Membership.Status.STOPPED
    zs.save()
    base = dict(name="周八", from_org_name="某支部", letter_no="X1", sent_on=dt.date(2026, 11, 1),
                joined_on=dt.date(2015, 6, 1), converted_on=dt.date(2016, 6, 1))
    answers = []
    for _ in range(3):
        with pytest.raises(ValidationError) as exc:
            services.request_inbound(users.datong, tree.b3, id_number=zs.person.id_number, **base)
        answers.append(exc.value.message_dict["id_number"][0])
    assert answers[:2] == [DUPLICATE_OUTSIDE] * 2
    assert "停止党籍" not in answers[0] and "本省" not in answers[0]
    assert "过于频繁" in answers[2]
    assert DuplicateAnswer.objects.filter(user=users.datong).count() == 2  # counted although refused
    fresh = make_id_number("110101", dt.date(1993, 5, 9), 36)
    with pytest.raises(ValidationError, match="过于频繁"):  # past the limit every number is refused
        services.request_inbound(users.datong, tree.b3, id_number=fresh, **base)
    # The user who may see the member is told where and why.
    with pytest.raises(ValidationError, match="停止党籍"):
        services.request_inbound(users.taiyuan, tree.b1, id_number=zs.person.id_number, **base)

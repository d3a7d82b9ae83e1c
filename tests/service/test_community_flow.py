"""在职党员到社区报到: register → the community confirms → an activity → hours → the branch sees them; a user of
an unrelated city sees nothing; a second live registration is refused; decline; what counts as a community."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.service import community_selectors as selectors
from zugong.service import community_services as services
from zugong.service.models import CommunityActivity, CommunityRegistration, ServiceHours

from .community_fixtures import *  # noqa: F403
from .community_fixtures import D


def test_register_confirm_activity_hours_and_who_sees_them(tree, users, community):
    c, m = community, community.members
    reg = services.register(c.b2_user, m.wangwu, c.hq, D(2026, 3, 2), "双塔小区 3 号楼", "法律咨询")
    assert reg.status == "pending" and reg.branch == tree.b2 and reg.org_path == c.hq.path
    # the branch cannot confirm on the community's behalf
    with pytest.raises(PermissionDenied):
        services.confirm(c.b2_user, reg, D(2026, 3, 5))
    services.confirm(c.hq_user, reg, D(2026, 3, 5))
    reg.refresh_from_db()
    assert (reg.status, reg.confirmed_on) == ("confirmed", D(2026, 3, 5))

    activity = services.create_activity(c.hq_user, c.hq, D(2026, 4, 11), "环境整治志愿服务", "志愿服务",
                                        Decimal("3"))
    rows = services.record_attendance(c.hq_user, activity, [reg])
    assert len(rows) == 1 and rows[0].hours == Decimal("3.0")
    assert services.record_attendance(c.hq_user, activity, [reg]) == []  # entered once
    services.record_hours(c.b2_user, reg, D(2026, 5, 20), "1.5", "帮助独居老人代购")

    assert selectors.service_hours([m.wangwu.person_id], D(2026, 1, 1), D(2027, 1, 1)) == {
        m.wangwu.person_id: Decimal("4.5")}
    assert selectors.service_hours([m.wangwu.person_id], D(2026, 5, 1), D(2027, 1, 1))[m.wangwu.person_id] == \
        Decimal("1.5")

    # the branch's roster: every member, registered or not, with the year's hours (one statement)
    from zugong.members.models import Membership

    roster = {r.person.name: r for r in selectors.branch_roster(
        Membership.objects.visible_to(c.b2_user).active().filter(organization=tree.b2), D(2026, 1, 1), D(2027, 1, 1))}
    assert roster["王五"].reg_community == c.hq.name and roster["王五"].period_hours == Decimal("4.5")

    # both sides see the registration and its hours; an unrelated city sees nothing
    for user in (c.hq_user, c.b2_user, users.taiyuan):
        assert CommunityRegistration.objects.visible_to(user).filter(pk=reg.pk).exists()
        assert ServiceHours.objects.visible_to(user).filter(registration=reg).count() == 2
    assert not CommunityRegistration.objects.visible_to(users.datong).exists()
    assert not ServiceHours.objects.visible_to(users.datong).exists()
    assert not CommunityActivity.objects.visible_to(users.datong).exists()
    # the community sees the activity; the member's branch does not (it is the community's)
    assert CommunityActivity.objects.visible_to(c.hq_user).count() == 1
    with pytest.raises(PermissionDenied):
        services.record_hours(users.datong, reg, D(2026, 5, 21), 1, "越权")


def test_second_live_registration_refused_and_after_end_allowed(tree, users, community):
    c, m = community, community.members
    reg = services.register(c.hq_user, m.wangwu, c.hq, D(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.register(c.b2_user, m.wangwu, c.hq, D(2026, 3, 9))
    assert "同一时间只能在一个社区报到" in str(exc.value)
    services.end(c.b2_user, reg, D(2026, 6, 30), "搬家")
    again = services.register(c.b2_user, m.wangwu, c.hq, D(2026, 7, 1))
    assert again.status == "pending"


def test_decline_needs_a_reason_and_the_community(tree, users, community):
    c, m = community, community.members
    reg = services.register(c.b2_user, m.wangwu, c.hq, D(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.decline(c.hq_user, reg, D(2026, 3, 3), "  ")
    assert "请填写退回原因" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.decline(c.b2_user, reg, D(2026, 3, 3), "不在本社区居住")
    services.decline(c.hq_user, reg, D(2026, 3, 3), "不在本社区居住")
    reg.refresh_from_db()
    assert (reg.status, reg.decline_reason) == ("declined", "不在本社区居住")
    with pytest.raises(ValidationError):
        services.confirm(c.hq_user, reg, D(2026, 3, 4))
    with pytest.raises(ValidationError):
        services.record_hours(c.hq_user, reg, D(2026, 3, 5), 2, "服务")
    # declined: the member may register again (with the right community)
    services.register(c.b2_user, m.wangwu, c.hq, D(2026, 3, 6))


def test_what_counts_as_a_community_and_who_may_register(tree, users, community):
    c, m = community, community.members
    for org, words in ((c.street, "街道"), (c.grid, "下属"), (tree.b2, "不是社区党组织"),
                       (tree.xiaodian, "不是社区党组织")):
        with pytest.raises(ValidationError) as exc:
            services.register(users.taiyuan, m.wangwu, org, D(2026, 3, 2))
        assert words in str(exc.value), (org.name, exc.value)
    assert services.is_community(tree.b1)  # 红星社区支部: no division code, named 社区
    with pytest.raises(ValidationError) as exc:
        services.register(users.taiyuan, m.lisi, c.hq, D(2026, 3, 2))
    assert "不是现有党员" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.register(users.datong, m.wangwu, c.hq, D(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.register(users.taiyuan, m.wangwu, c.hq, D(2027, 3, 2))
    assert "晚于今天" in str(exc.value)


def test_branch_roster_is_one_statement_whatever_the_members(tree, users, community, django_assert_num_queries):
    from tests.conftest import make_person
    from zugong.members.models import Membership

    from .community_fixtures import make_member

    c = community
    for i in range(12):
        member = make_member(make_person(tree.b2, f"党员{i}", seq=100 + i), tree.b2)
        if i % 2:
            reg = services.register(c.b2_user, member, c.hq, D(2026, 2, 1))
            services.confirm(c.hq_user, reg, D(2026, 2, 2))
            services.record_hours(c.hq_user, reg, D(2026, 3, 1), i, "服务")
    members = Membership.objects.visible_to(c.b2_user).active().filter(org_path__subtree=tree.b2.path)
    with django_assert_num_queries(1):
        rows = list(selectors.branch_roster(members, D(2026, 1, 1), D(2027, 1, 1)))
    assert len(rows) == 13 and sum(r.period_hours for r in rows) == sum(range(1, 12, 2))
    with django_assert_num_queries(1):
        counts = selectors.branch_counts(members, D(2026, 1, 1), D(2027, 1, 1))
    assert (counts["members"], counts["registered"], counts["confirmed"], counts["unregistered"]) == (13, 6, 6, 7)

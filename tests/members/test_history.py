"""A member's dated history (issue 13): the services write the status and party-group spans with the record,
migration 0009's backfill infers them from the record's dates, and the roster of a past day reads them."""

import datetime as dt

import pytest
from django.db import connection

from tests.conftest import _org
from zugong.members import history, services
from zugong.members.models import GroupSpan, Membership, StatusSpan

from .conftest import make_member

pytestmark = pytest.mark.django_db
D = dt.date


def spans(m) -> list[tuple]:
    return list(StatusSpan.objects.unrestricted().filter(membership=m).order_by("started_on")
                .values_list("status", "started_on", "ended_on"))


def test_register_and_edit_write_the_status_history(tree, users):
    m = services.register_member(users.taiyuan, tree.people.zhangsan, tree.b1, status="full",
                                 joined_on=D(2010, 7, 1), converted_on=D(2011, 7, 1))
    assert spans(m) == [("probationary", D(2010, 7, 1), D(2011, 7, 1)), ("full", D(2011, 7, 1), None)]
    services.update_member(users.taiyuan, m, status="stopped", changed_on=D(2025, 4, 1))
    assert spans(m)[-2:] == [("full", D(2011, 7, 1), D(2025, 4, 1)), ("stopped", D(2025, 4, 1), None)]
    assert Membership.objects.unrestricted().get(pk=m.pk).status == "stopped"  # kept in step
    # restored (恢复党籍) from the decision
    services.update_member(users.taiyuan, m, status="full", changed_on=D(2025, 10, 1))
    assert spans(m)[-1] == ("full", D(2025, 10, 1), None)


def test_a_member_who_left_is_admitted_again_with_a_new_history(tree, users):
    """重新入党: a member who left (出党) and is admitted again keeps the old spans and starts a new probationary
    one on the new 入党时间 (the first span's start was "corrected" to the new date and refused)."""
    m = services.register_member(users.taiyuan, tree.people.zhangsan, tree.b1, status="full",
                                 joined_on=D(2010, 7, 1), converted_on=D(2011, 7, 1))
    services.update_member(users.taiyuan, m, status="left", changed_on=D(2018, 5, 1))
    m.refresh_from_db()
    m.status, m.joined_on, m.converted_on = "probationary", D(2025, 6, 1), None
    m.save()
    history.keep(m, on=D(2025, 6, 1))
    assert spans(m) == [("probationary", D(2010, 7, 1), D(2011, 7, 1)), ("full", D(2011, 7, 1), D(2018, 5, 1)),
                        ("left", D(2018, 5, 1), D(2025, 6, 1)), ("probationary", D(2025, 6, 1), None)]


def test_a_probationary_member_converted_on_the_edit_form_is_full_from_the_conversion_day(tree, users):
    m = services.register_member(users.taiyuan, tree.people.lisi, tree.b1, status="probationary",
                                 joined_on=D(2025, 3, 1))
    services.update_member(users.taiyuan, m, status="full", converted_on=D(2026, 3, 1))
    assert spans(m) == [("probationary", D(2025, 3, 1), D(2026, 3, 1)), ("full", D(2026, 3, 1), None)]
    services.update_member(users.taiyuan, m, converted_on=D(2026, 3, 5))  # a corrected date moves the change
    assert spans(m) == [("probationary", D(2025, 3, 1), D(2026, 3, 5)), ("full", D(2026, 3, 5), None)]


def test_the_party_group_history(tree, users):
    g1 = _org(tree.b1, "第一党小组", "1401050101", "party_group")
    g2 = _org(tree.b1, "第二党小组", "1401050102", "party_group")
    m = services.register_member(users.taiyuan, tree.people.zhangsan, tree.b1, status="full",
                                 joined_on=D(2010, 7, 1), converted_on=D(2011, 7, 1))
    services.update_member(users.taiyuan, m, party_group=g1, changed_on=D(2024, 1, 1))
    services.update_member(users.taiyuan, m, party_group=g2, changed_on=D(2025, 1, 1))
    assert list(GroupSpan.objects.unrestricted().filter(membership=m).order_by("started_on")
                .values_list("party_group__name", "started_on", "ended_on")) == [
        ("第一党小组", D(2024, 1, 1), D(2025, 1, 1)), ("第二党小组", D(2025, 1, 1), None)]


def test_backfill_infers_the_spans_from_the_record(tree):
    full = make_member(tree.b1, "甲", 501, joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1))
    no_date = make_member(tree.b1, "乙", 502, joined_on=D(2004, 2, 29), converted_on=None)
    prob = make_member(tree.b1, "丙", 503, status="probationary", joined_on=D(2026, 1, 5))
    out = make_member(tree.b1, "丁", 504, joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1),
                      transferred_out_on=D(2020, 5, 1))
    stopped = make_member(tree.b1, "戊", 505, status="stopped", joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1))
    Membership.objects.unrestricted().filter(pk=stopped.pk).update(
        updated_at=dt.datetime(2025, 4, 1, 2, 0, tzinfo=dt.timezone.utc))
    cancelled = make_member(tree.b1, "己", 506, status="cancelled", joined_on=D(2024, 1, 5))
    Membership.objects.unrestricted().filter(pk=cancelled.pk).update(
        updated_at=dt.datetime(2025, 3, 31, 17, 0, tzinfo=dt.timezone.utc))  # 2025-04-01 in Beijing
    StatusSpan.objects.unrestricted().all().delete()
    history.backfill(connection)
    assert spans(full) == [("probationary", D(2000, 7, 1), D(2001, 7, 1)), ("full", D(2001, 7, 1), None)]
    assert spans(no_date)[1][0] == "full" and spans(no_date)[1][1] in (D(2005, 2, 28), D(2005, 3, 1))
    assert spans(prob) == [("probationary", D(2026, 1, 5), None)]
    assert spans(out) == [("probationary", D(2000, 7, 1), D(2001, 7, 1)), ("full", D(2001, 7, 1), D(2020, 5, 1))]
    assert spans(stopped) == [("probationary", D(2000, 7, 1), D(2001, 7, 1)), ("full", D(2001, 7, 1), D(2025, 4, 1)),
                              ("stopped", D(2025, 4, 1), None)]
    assert spans(cancelled) == [("probationary", D(2024, 1, 5), D(2025, 4, 1)), ("cancelled", D(2025, 4, 1), None)]
    history.backfill(connection)  # memberships that have spans are left alone
    assert StatusSpan.objects.unrestricted().count() == 12


def test_the_roster_of_a_past_day(login, tree, users):
    make_member(tree.b1, "甲", 511, joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1))
    make_member(tree.b1, "乙", 512, status="stopped", joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1))
    make_member(tree.b1, "丙", 513, status="probationary", joined_on=D(2026, 1, 5))
    StatusSpan.objects.unrestricted().all().delete()
    history.backfill(connection)  # 乙 stopped on the day their record last changed (today)
    client = login(users.taiyuan)
    page = client.get("/members/?on=2025-06-30")
    text = page.content.decode()
    assert page.status_code == 200 and "截至 2025年6月30日" in text
    assert "甲" in text and "乙" in text and "丙" not in text  # 丙 was admitted in 2026
    today = client.get("/members/").content.decode()
    assert "乙" not in today.split("<table", 1)[1]  # stopped: not in today's roster
    # A user of another city sees none of 太原's past roster either.
    other = login(users.datong).get("/members/?on=2025-06-30").content.decode()
    table = other.split("<table", 1)[1] if "<table" in other else ""
    assert "甲" not in table and "乙" not in table


def test_the_organization_page_lists_its_members_of_a_past_day(login, tree, users):
    """The 党员 tab of the organization page: today's members of the subtree, or with a date the roster of that
    day (issue 13); another city's user gets no page of this organization at all."""
    make_member(tree.b1, "甲", 521, joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1))
    make_member(tree.b1, "乙", 522, status="stopped", joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1))
    make_member(tree.b1, "丙", 523, status="probationary", joined_on=D(2026, 1, 5))
    StatusSpan.objects.unrestricted().all().delete()
    history.backfill(connection)
    client = login(users.taiyuan)
    now = client.get(f"/orgs/{tree.taiyuan.pk}/", {"tab": "members"}).content.decode()
    table = now.split('id="members-on"', 1)[1]
    assert "甲" in table and "丙" in table and "乙" not in table  # 乙 is stopped today
    past = client.get(f"/orgs/{tree.taiyuan.pk}/", {"tab": "members", "members_on": "2025-06-30"}).content.decode()
    table = past.split('id="members-on"', 1)[1]
    assert "所在党支部（2025年6月30日）" in table
    assert "甲" in table and "乙" in table and "丙" not in table  # 乙 was full then; 丙 not yet admitted
    assert f"?org={tree.taiyuan.code}&on=2025-06-30" in table
    assert login(users.datong).get(f"/orgs/{tree.taiyuan.pk}/", {"tab": "members"}).status_code == 404

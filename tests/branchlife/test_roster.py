"""A meeting's roster is the organization's members on the day it was held: members who moved since count
where they were then (the transfers received after the day say where), not where they are now."""

import datetime as dt

import pytest

from tests.branchlife.conftest import meeting
from tests.members.conftest import make_member
from zugong.branchlife import services
from zugong.branchlife.models import Meeting
from zugong.members import services as members
from zugong.members.models import Membership, TransferRequest

pytestmark = pytest.mark.django_db
D = dt.date
K = Meeting.Kind
WITHIN, OUT = TransferRequest.Kind.WITHIN, TransferRequest.Kind.OUT


def move(user, membership, on, *, to_org=None, to_org_name=""):
    """A transfer requested, sent and received on the day `on` (within the province, or out of it by name)."""
    kind = OUT if to_org_name else WITHIN
    membership = Membership.objects.unrestricted().get(pk=membership.pk)
    t = members.request_transfer(user, membership, kind=kind, to_org=to_org, to_org_name=to_org_name,
                                 requested_on=on)
    t = members.send(user, t, letter_no=f"转{t.pk}", sent_on=on)
    members.receive(user, t, received_on=on)


def names(org, kind, on=None):
    return [m.person.name for m in services.roster(org, kind, on)]


def test_a_member_who_moved_counts_where_they_were(users, tree, branch, django_assert_num_queries):
    leaver = branch.members[6]
    newcomer_b2 = make_member(tree.b2, "王同志", 301)
    move(users.admin, leaver, D(2025, 6, 10), to_org=tree.b2)
    everyone = [m.person.name for m in branch.members]
    # Before the move: still in 红星社区 (A), not yet in 财政局 (B).
    assert sorted(names(branch.org, K.THEMED_DAY, D(2025, 5, 20))) == sorted(everyone)
    assert names(tree.b2, K.THEMED_DAY, D(2025, 5, 20)) == ["王同志"]
    # The day it was received and after: in B, no longer in A.
    assert leaver.person.name not in names(branch.org, K.THEMED_DAY, D(2025, 6, 10))
    assert sorted(names(tree.b2, K.THEMED_DAY, D(2025, 6, 10))) == sorted(["王同志", leaver.person.name])
    with django_assert_num_queries(2):  # the branch's departures since, then the roster: no query per member
        assert len(services.roster(branch.org, K.THEMED_DAY, D(2025, 5, 20))) == 7
    # Today's roster is today's members.
    assert leaver.person.name not in names(branch.org, K.THEMED_DAY)
    assert leaver.person.name in names(tree.b2, K.THEMED_DAY)
    assert newcomer_b2.person.name in names(tree.b2, K.THEMED_DAY)


def test_a_member_transferred_out_of_the_province_counts_before(users, branch):
    leaver = branch.members[5]
    move(users.admin, leaver, D(2025, 6, 10), to_org_name="中共北京市某支部")
    assert leaver.person.name in names(branch.org, K.THEMED_DAY, D(2025, 6, 9))
    assert leaver.person.name not in names(branch.org, K.THEMED_DAY, D(2025, 6, 10))
    assert leaver.person.name not in names(branch.org, K.THEMED_DAY)


def test_transferred_out_on_without_a_request_counts_before_the_date(branch):
    """Records imported with only the date of the transfer out (no request) still count before it."""
    m = branch.members[5]
    Membership.objects.filter(pk=m.pk).update(transferred_out_on=D(2025, 6, 10))
    assert m.person.name in names(branch.org, K.THEMED_DAY, D(2025, 6, 9))
    assert m.person.name not in names(branch.org, K.THEMED_DAY, D(2025, 6, 10))


def test_there_and_back_again(users, tree, branch):
    """A→B→A: in A before leaving (once), in B while away, in A again after coming back."""
    m = branch.members[6]
    move(users.admin, m, D(2025, 3, 1), to_org=tree.b3)
    move(users.admin, m, D(2025, 9, 1), to_org=branch.org)
    assert names(branch.org, K.THEMED_DAY, D(2025, 2, 1)).count(m.person.name) == 1
    assert len(names(branch.org, K.THEMED_DAY, D(2025, 2, 1))) == 7
    assert m.person.name not in names(tree.b3, K.THEMED_DAY, D(2025, 2, 1))
    assert m.person.name not in names(branch.org, K.THEMED_DAY, D(2025, 5, 1))
    assert names(tree.b3, K.THEMED_DAY, D(2025, 5, 1)) == [m.person.name]
    assert m.person.name in names(branch.org, K.THEMED_DAY, D(2025, 9, 1))
    assert m.person.name not in names(tree.b3, K.THEMED_DAY, D(2025, 9, 1))


def test_a_member_who_came_from_elsewhere_is_not_on_earlier_rosters(users, tree, branch):
    m = make_member(tree.b3, "赵同志", 303, area="140213")
    move(users.admin, m, D(2025, 6, 10), to_org=branch.org)
    assert m.person.name not in names(branch.org, K.THEMED_DAY, D(2025, 6, 9))
    assert m.person.name in names(branch.org, K.THEMED_DAY, D(2025, 6, 10))
    assert names(tree.b3, K.THEMED_DAY, D(2025, 6, 9)) == [m.person.name]


def test_the_committee_of_the_day_and_groups_of_members_who_moved(users, tree, branch):
    """The committee roster of a day is the post history's (members.PostSpan: a transfer ends the post on the
    day it is received); no history of party groups: members who moved since the day are left out of party
    group rosters (a transfer clears the group)."""
    propaganda, grouped = branch.committee[2], branch.group_members[0]
    move(users.admin, propaganda, D(2025, 6, 10), to_org=tree.b3)
    move(users.admin, grouped, D(2025, 6, 10), to_org=tree.b3)
    before = D(2025, 6, 1)
    assert sorted(names(branch.org, K.COMMITTEE, before)) == sorted(m.person.name for m in branch.committee)
    assert sorted(names(branch.org, K.COMMITTEE, D(2025, 6, 10))) == sorted(
        m.person.name for m in branch.committee[:2])
    assert sorted(names(branch.group, K.GROUP, before)) == sorted(m.person.name for m in branch.group_members[1:])
    assert len(names(branch.org, K.THEMED_DAY, before)) == 7  # but the branch's members on the day, all
    assert names(branch.org, K.TALK, before) == []


def test_recorded_counts_and_the_meeting_page_use_the_day(login, users, tree, branch):
    leaver = branch.members[6]
    held = D(2025, 5, 20)
    m = services.record_meeting(users.secretary, branch.org, kind=K.THEMED_DAY, held_on=held, topic="学习",
                                credit_hours=2, absences={leaver.pk: "出差"})
    assert (m.expected, m.present) == (7, 6)
    move(users.admin, leaver, D(2025, 6, 10), to_org=tree.b2)
    # Editing after the move keeps the leaver on the roster (and their absence).
    m = services.update_meeting(users.secretary, m, absences={leaver.pk: "出差"}, topic="学习党章")
    assert (m.expected, m.present) == (7, 6)
    page = login(users.secretary).get(f"/branchlife/{m.pk}/").content.decode()
    assert "出差" in page and "roster-note" not in page
    # The record form's roster for that day lists the leaver, marked as having moved since.
    fragment = login(users.secretary).get(f"/branchlife/record/roster/?org={branch.org.pk}&kind=themed_day"
                                          f"&held_on=2025-05-20").content.decode()
    assert leaver.person.name in fragment and fragment.count("现已转出") == 1
    # What the roster cannot tell for a past day (no history of status, posts or groups) the page says.
    Membership.objects.filter(pk=branch.members[3].pk).update(status=Membership.Status.STOPPED)
    page = login(users.secretary).get(f"/branchlife/{m.pk}/").content.decode()
    assert "登记后有党员的党籍状态、支部委员会职务或所在党小组有变动" in page
    # A meeting of B held before the move does not list the newcomer as present.
    b2_meeting = meeting(tree.b2, K.THEMED_DAY, held, expected=0)
    page = login(users.admin).get(f"/branchlife/{b2_meeting.pk}/").content.decode()
    assert leaver.person.name not in page

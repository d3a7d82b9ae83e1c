"""Branch life judged by the state of each day: the committee and the secretary of the period (members.PostSpan),
periods owed only when the organization existed all of them, the quorum as the 条例 words it (半数以上 includes
half), the lecture rules (党委（党组）书记 national, the branch secretary's local), and the rules of 谈心谈话,
双重组织生活, the joint branch's units, the branch's size and the 党员代表大会."""

import datetime as dt

import pytest

from tests.branchlife.conftest import meeting
from tests.members.conftest import make_member
from zugong.branchlife import compliance
from zugong.branchlife.models import ComplianceStat, Meeting
from zugong.core import rules
from zugong.core.models import LocalRule
from zugong.members import services as members
from zugong.members.models import Membership
from zugong.orgs.models import Organization

pytestmark = pytest.mark.django_db
D = dt.date
K = Meeting.Kind
P = Membership.CommitteePost
AS_OF = D(2026, 6, 30)


def broken(code, obj, as_of=AS_OF):
    rule = next(r for r in rules.all_rules() if r.code == code)
    return [rule.describe(row) for row in rule.violations(obj.__class__.objects.unrestricted().filter(pk=obj.pk),
                                                          as_of)]


def lecture_findings(org, as_of=AS_OF):
    """Every finding, national or local, that says the branch secretary gave no lecture."""
    out = []
    for rule in rules.all_rules():
        if "secretary_lecture" in rule.code and rule.model == "orgs.Organization":
            out += [rule.describe(r) for r in rule.violations(Organization.objects.unrestricted().filter(pk=org.pk),
                                                             as_of)]
    return out


@pytest.fixture
def local_lecture(tree):
    from zugong.branchlife import defaults

    defaults.install(tree.root)


# ---------------------------------------------------------------- item 1: the committee and secretary of the day


def test_a_committee_elected_on_20_september_owes_no_earlier_month(users, tree):
    org = tree.b2
    crew = [make_member(org, f"委员{i}", 401 + 2 * i) for i in range(5)]
    members.set_committee(users.admin, org, D(2026, 9, 20), {
        crew[0].pk: P.SECRETARY, crew[1].pk: P.ORGANIZATION, crew[2].pk: P.PROPAGANDA}, appointment="换届选举")
    meeting(org, K.COMMITTEE, D(2026, 9, 25), expected=3)
    assert broken("branchlife.committee_monthly", org, D(2026, 10, 1)) == []
    # October is owed from November on (the committee existed all of it)
    assert broken("branchlife.committee_monthly", org, D(2026, 11, 27)) == [
        "2025年11月至2026年10月有 1 个月未召开支部委员会会议，应每月召开（共 1 个月）"]
    # the committee of the day, not today's: with no committee since 1 November, October is still owed
    members.set_committee(users.admin, org, D(2026, 11, 1), {}, appointment="撤销支部委员会")
    assert Membership.objects.unrestricted().filter(organization=org).exclude(committee_post="").count() == 0
    assert broken("branchlife.committee_monthly", org, D(2026, 11, 27)) == [
        "2025年11月至2026年10月有 1 个月未召开支部委员会会议，应每月召开（共 1 个月）"]


def test_a_secretary_replaced_in_november_lectured_for_the_year(users, branch, local_lecture):
    org, old, new = branch.org, branch.secretary, branch.members[3]
    meeting(org, K.LECTURE, D(2025, 4, 10), host_person=old.person)
    members.set_committee(users.admin, org, D(2025, 11, 15), {new.pk: P.SECRETARY, old.pk: P.MEMBER},
                          replace=False, appointment="上级党组织任命")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.committee_post, new.committee_post) == (P.MEMBER, P.SECRETARY)
    assert lecture_findings(org) == []
    # a lecture by the new secretary before taking the post does not count
    Meeting.objects.unrestricted().filter(organization=org).update(host_person=new.person)
    assert lecture_findings(org) == ["2025年未开展书记讲党课，应每年开展"]


def test_the_compliance_table_counts_the_same_periods(users, tree, branch, local_lecture):
    org = tree.b2
    crew = [make_member(org, f"委员{i}", 401 + 2 * i) for i in range(3)]
    members.set_committee(users.admin, org, D(2026, 3, 20), {crew[0].pk: P.SECRETARY, crew[1].pk: P.ORGANIZATION})
    meeting(branch.org, K.LECTURE, D(2025, 4, 10), host_person=branch.secretary.person)
    compliance.refresh(as_of=AS_OF)
    months = ComplianceStat.objects.unrestricted().filter(organization=org, kind="committee")
    assert sorted(m.period_start.month for m in months) == [4, 5, 6]  # March: elected on the 20th
    lecture = ComplianceStat.objects.unrestricted().get(organization=branch.org, kind="secretary_lecture",
                                                        period_start=D(2025, 1, 1))
    assert lecture.compliant


# ---------------------------------------------------------------- item 2: a period owed only when existing all of it


def test_a_branch_founded_on_30_december_owes_nothing_for_that_year(branch):
    org = branch.org
    org.founded_on = D(2025, 12, 30)
    org.save()
    assert broken("branchlife.life_meeting_yearly", org) == []
    assert broken("branchlife.appraisal_yearly", org) == []
    assert broken("branchlife.life_meeting_yearly", org, D(2027, 1, 5)) == ["2026年未召开组织生活会，应每年召开"]


def test_a_branch_founded_on_31_march_owes_no_first_quarter_meeting(branch):
    org = branch.org
    org.founded_on = D(2026, 3, 31)
    org.save()
    assert broken("branchlife.general_quarterly", org) == []
    meeting(org, K.GENERAL, D(2026, 3, 31))  # held on its first day: makes up for no later quarter
    assert broken("branchlife.general_quarterly", org, D(2026, 7, 1)) == [
        "2025年第三季度至2026年第二季度有 1 个季度未召开支部党员大会，应每季度召开（共 1 个季度）"]
    assert "不满一个完整周期" in rules.RULES["branchlife.general_quarterly"].text


# ---------------------------------------------------------------- item 3: 半数以上 includes half


@pytest.mark.parametrize("expected,present,bad", [(4, 2, False), (4, 1, True), (3, 1, True), (3, 2, False),
                                                  (5, 2, True), (5, 3, False), (2, 1, False)])
def test_quorum_is_half_or_more(branch, expected, present, bad):
    m = meeting(branch.org, K.COMMITTEE, D(2026, 5, 6), expected=expected, present=present)
    found = broken("branchlife.committee_quorum", m)
    assert bool(found) == bad
    if bad:
        assert found == [f"支部委员会会议应到委员 {expected} 人，实到 {present} 人，不足半数"]


# ---------------------------------------------------------------- item 11: whose lecture the 条例 asks for


def test_the_national_lecture_rule_is_the_committee_secretarys(users, tree, branch):
    rule = rules.RULES["branchlife.committee_secretary_lecture_yearly"]
    assert "党委（党组）书记" in rule.title and rule.citation.endswith("条款号待核")
    assert "branchlife.secretary_lecture_yearly" not in rules.RULES  # the branch secretary's is local practice
    assert not any("党支部书记" in r.title for r in rules.RULES.values() if not r.local)
    committee = tree.xiaodian
    assert broken("branchlife.committee_secretary_lecture_yearly", committee) == []  # no secretary recorded
    members.set_committee(users.admin, committee, D(2020, 1, 1), {branch.members[6].pk: P.SECRETARY},
                          appointment="党员代表大会选举")
    branch.members[6].refresh_from_db()
    assert branch.members[6].committee_post == ""  # a 党委 post is no post in the member's branch committee
    assert broken("branchlife.committee_secretary_lecture_yearly", committee) == [
        "2025年未开展党委书记讲党课，应每年开展"]
    meeting(committee, K.LECTURE, D(2025, 7, 1), host_person=branch.members[6].person)
    assert broken("branchlife.committee_secretary_lecture_yearly", committee) == []


def test_the_branch_secretarys_lecture_is_a_local_rule(tree, branch, local_lecture):
    row = LocalRule.objects.unrestricted().get(code="branchlife.local.secretary_lecture_yearly")
    assert row.template == "secretary_lecture" and row.params == {"period": "year"}
    assert lecture_findings(branch.org) == ["2025年未开展书记讲党课，应每年开展"]
    row.active = False
    row.save()
    assert lecture_findings(branch.org) == []


# ---------------------------------------------------------------- item 7: the missing rules


def test_talks_once_a_year(branch):
    assert broken("branchlife.talk_yearly", branch.org) == ["2025年未开展谈心谈话，应每年开展"]
    meeting(branch.org, K.TALK, D(2025, 10, 3), expected=2)
    assert broken("branchlife.talk_yearly", branch.org) == []


def test_leading_cadres_attend_their_branchs_life_meeting(tree, branch):
    from zugong.cadres.models import Cadre

    cadre, other = branch.members[4], branch.members[5]
    Cadre.objects.create(person=cadre.person, organization=tree.xiaodian, status=Cadre.Status.ACTIVE)
    meeting(branch.org, K.LIFE_MEETING, D(2025, 12, 20), absences=[cadre, other])
    found = broken("branchlife.cadre_dual_life", cadre)
    assert found == ["2025年所在党支部召开组织生活会 1 次，均未参加，未登记缺席理由"]
    assert broken("branchlife.cadre_dual_life", other) == []  # not a cadre
    meeting(branch.org, K.LIFE_MEETING, D(2025, 12, 28))
    assert broken("branchlife.cadre_dual_life", cadre) == []


def test_a_joint_branch_covers_at_most_five_units(tree):
    from zugong.orgs.models import Unit

    org = tree.b2
    Organization.objects.filter(pk=org.pk).update(is_joint=True)
    for i in range(6):
        Unit.objects.create(name=f"单位{i}", org_path=org.path)
    assert broken("branchlife.joint_branch_units", org) == ["联合党支部覆盖单位 6 个，超过 5 个"]
    Unit.objects.unrestricted().filter(name="单位5").delete()
    assert broken("branchlife.joint_branch_units", org) == []


def test_a_large_branch_should_become_a_general_branch_or_a_committee(tree):
    org = tree.b2
    for i in range(50):
        make_member(org, f"党员{i}", 500 + i)
    assert broken("members.branch_too_large", org) == []  # 50: still a branch
    make_member(org, "党员50", 550)
    assert broken("members.branch_too_large", org) == ["党员 51 名，超过 50 名"]
    assert "设立党的总支部委员会" in rules.RULES["members.branch_too_large"].text
    for i in range(51, 100):
        make_member(org, f"党员{i}", 500 + i)
    assert broken("members.branch_too_large", org) == []  # one finding from 100 on: the committee rule
    assert broken("branchlife.branch_should_be_committee", org) == [
        "党支部有党员 100 名，达到 100 名，应经上级党组织批准设立党的基层委员会"]
    assert rules.RULES["branchlife.branch_should_be_committee"].severity == rules.WARNING


def test_a_committee_of_500_members_is_reminded_of_the_congress(tree):
    from tests.conftest import make_person

    committee = tree.xiaodian
    Organization.objects.filter(pk=committee.pk).update(term_started_on=D(2022, 3, 1), term_ends_on=D(2027, 3, 1))
    people = [make_person(tree.b2, f"党员{i}", seq=i % 1000, birth=D(1970, 1, 1) + dt.timedelta(days=i))
              for i in range(500)]
    Membership.objects.bulk_create([Membership(person=p, organization=tree.b2, org_path=tree.b2.path,
                                               joined_on=D(2005, 7, 1)) for p in people])
    assert rules.RULES["branchlife.congress_possible"].severity == rules.REMINDER
    assert broken("branchlife.congress_possible", committee, D(2026, 6, 30)) == []  # the term ends in 8 months
    assert broken("branchlife.congress_possible", committee, D(2026, 11, 27)) == [
        "党员 500 名，本届任期 2027年03月01日届满；换届可以经上级党组织批准召开党员代表大会选举"]
    Membership.objects.unrestricted().filter(person=people[0]).update(status=Membership.Status.STOPPED)
    assert broken("branchlife.congress_possible", committee, D(2026, 11, 27)) == []
    assert broken("branchlife.congress_possible", tree.taiyuan, D(2026, 11, 27)) == []  # no term recorded

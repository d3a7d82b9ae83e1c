"""Organizational-life rules: ended periods judged, the current one reminded, the measured Chinese detail,
citations, local frequencies, quorum, 32 学时 and six months absent."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.branchlife.conftest import meeting
from zugong.branchlife import periods
from zugong.branchlife.models import Appraisal, AppraisalResult, Grade, Meeting
from zugong.core import rules
from zugong.core.models import Finding, LocalRule

pytestmark = pytest.mark.django_db
D = dt.date
K = Meeting.Kind
AS_OF = D(2026, 6, 30)


def add_study(membership, on, hours, title):
    """Study hours outside the meetings: a line of the training ledger (where branch life's study records went)."""
    from zugong.training import ledger

    return ledger.post(None, "branchlife.studyrecord", [ledger.Line(
        person_id=membership.person_id, on=on, kind="class", quantity=Decimal(str(hours)), unit="hour", label=title)])[0]


def broken(code, obj, as_of=AS_OF):
    return [rules.RULES[code].describe(row) if code in rules.RULES else row
            for _r, row in rules.check_record([code], obj, as_of)]


def monthly(org, kind, months, day=15, **kw):
    for start, _end in months:
        meeting(org, kind, start.replace(day=day), **kw)


def test_periods():
    assert periods.ended(AS_OF, "month")[0] == (D(2025, 6, 1), D(2025, 7, 1))
    assert periods.ended(AS_OF, "month")[-1] == (D(2026, 5, 1), D(2026, 6, 1))
    assert periods.ended(D(2026, 7, 1), "month")[-1] == (D(2026, 6, 1), D(2026, 7, 1))  # June has ended
    assert periods.ended(AS_OF, "quarter") == [(D(2025, 4, 1), D(2025, 7, 1)), (D(2025, 7, 1), D(2025, 10, 1)),
                                               (D(2025, 10, 1), D(2026, 1, 1)), (D(2026, 1, 1), D(2026, 4, 1))]
    assert periods.ended(AS_OF, "year") == [(D(2025, 1, 1), D(2026, 1, 1))]
    assert periods.span_label(periods.ended(AS_OF, "month"), "month") == "2025年6月至2026年5月"
    assert periods.label(D(2026, 4, 1), "quarter") == "2026年第二季度"


def test_themed_day_each_month(branch):
    org = branch.org
    months = periods.ended(AS_OF, "month")
    monthly(org, K.THEMED_DAY, months[:9])  # three months missing
    assert broken("branchlife.themed_day_monthly", org) == [
        "2025年6月至2026年5月有 3 个月未开展主题党日，应每月开展（共 12 个月）"]
    monthly(org, K.THEMED_DAY, months[9:])
    assert broken("branchlife.themed_day_monthly", org) == []
    # Two in one month do not make up for another.
    Meeting.objects.unrestricted().filter(held_on=months[0][0].replace(day=15)).update(held_on=D(2025, 7, 2))
    assert broken("branchlife.themed_day_monthly", org) == [
        "2025年6月至2026年5月有 1 个月未开展主题党日，应每月开展（共 12 个月）"]


def test_the_current_month_only_reminds(branch):
    org = branch.org
    monthly(org, K.THEMED_DAY, periods.ended(AS_OF, "month"))
    assert broken("branchlife.themed_day_monthly", org) == []
    due = broken("branchlife.due_now", org)
    assert len(due) == 1 and "本月尚未开展主题党日" in due[0] and "本月尚未召开支部委员会会议" in due[0]
    assert "组织生活会" not in due[0]  # yearly items are reminded from the fourth quarter on
    meeting(org, K.THEMED_DAY, D(2026, 6, 20))
    meeting(org, K.COMMITTEE, D(2026, 6, 20), expected=3)
    meeting(org, K.GENERAL, D(2026, 5, 20))
    assert broken("branchlife.due_now", org) == []
    assert "今年尚未召开组织生活会" in broken("branchlife.due_now", org, D(2026, 10, 8))[0]
    assert rules.RULES["branchlife.due_now"].severity == "reminder"


def test_founded_within_the_window(branch):
    org = branch.org
    org.founded_on = D(2026, 3, 10)
    org.save()
    monthly(org, K.THEMED_DAY, [(D(2026, 4, 1), None)])
    assert broken("branchlife.themed_day_monthly", org) == [
        "2025年6月至2026年5月有 1 个月未开展主题党日，应每月开展（共 2 个月）"]  # May; March (founded in it) not owed


def test_committee_meeting_only_where_there_is_a_committee(users, tree, branch):
    from zugong.members.services import set_committee

    org = branch.org
    assert broken("branchlife.committee_monthly", org)[0].startswith("2025年6月至2026年5月有 12 个月未召开支部委员会会议")
    assert broken("branchlife.committee_monthly", tree.b2) == []  # no committee (no members at all)
    set_committee(users.admin, org, D(2025, 5, 1), {branch.secretary.pk: "secretary"})
    assert broken("branchlife.committee_monthly", org) == []  # a secretary alone is no committee


def test_group_meeting_per_group(branch):
    months = periods.ended(AS_OF, "month")
    monthly(branch.group, K.GROUP, months[1:])
    assert broken("branchlife.group_monthly", branch.group) == [
        "2025年6月至2026年5月有 1 个月未召开党小组会，应每月召开（共 12 个月）"]
    assert broken("branchlife.group_monthly", branch.org) == []  # judged on the group, not the branch


def test_general_meeting_each_quarter(branch):
    org = branch.org
    for q in (D(2025, 5, 5), D(2025, 8, 5), D(2026, 2, 5)):
        meeting(org, K.GENERAL, q)
    assert broken("branchlife.general_quarterly", org) == [
        "2025年第二季度至2026年第一季度有 1 个季度未召开支部党员大会，应每季度召开（共 4 个季度）"]


def test_yearly_life_meeting_appraisal_and_the_secretarys_lecture(branch):
    org = branch.org
    assert broken("branchlife.life_meeting_yearly", org) == ["2025年未召开组织生活会，应每年召开"]
    assert broken("branchlife.appraisal_yearly", org) == ["2025年未开展民主评议党员，应每年开展"]
    meeting(org, K.LIFE_MEETING, D(2025, 12, 20))
    meeting(org, K.APPRAISAL, D(2025, 12, 21))
    meeting(org, K.LIFE_MEETING, D(2026, 1, 5))  # this year's does not count for last year
    assert broken("branchlife.life_meeting_yearly", org) == []
    assert broken("branchlife.appraisal_yearly", org) == []
    # the secretary's lecture: tests/branchlife/test_history.py (a local rule, judged by the secretary of the day)


def test_lectures_each_quarter_is_a_local_rule(tree, branch):
    org = branch.org
    assert not any(c.endswith("lecture_quarterly") for c in rules.RULES)
    LocalRule.objects.create(template="meeting_frequency", code="branchlife.local.lecture_quarterly",
                             title="党课每季度至少一次", params={"kind": "lecture", "period": "quarter"},
                             regulation="《太原市三会一课实施办法》", article="第五条", organization=tree.taiyuan)
    rule = next(r for r in rules.all_rules() if r.code == "branchlife.local.lecture_quarterly")
    assert rule.local and rule.citation == "《太原市三会一课实施办法》第五条"
    meeting(org, K.LECTURE, D(2025, 11, 3), host_person=branch.secretary.person)
    rows = rule.violations(org.__class__.objects.unrestricted().filter(pk=org.pk), AS_OF)
    assert [rule.describe(r) for r in rows] == [
        "2025年第二季度至2026年第一季度有 3 个季度未讲党课，应每季度讲（共 4 个季度）"]
    assert rule.violations(org.__class__.objects.unrestricted().filter(pk=tree.b3.pk), AS_OF) == []  # 大同


def test_committee_quorum(branch):
    ok = meeting(branch.org, K.COMMITTEE, D(2026, 5, 6), expected=3, present=2)
    bad = meeting(branch.org, K.COMMITTEE, D(2026, 5, 7), expected=4, present=1)
    assert broken("branchlife.committee_quorum", ok) == []
    assert broken("branchlife.committee_quorum", bad) == ["支部委员会会议应到委员 4 人，实到 1 人，不足半数"]


def test_credit_hours(branch):
    org = branch.org
    a, b, c = branch.members[3], branch.members[4], branch.members[5]
    for month in range(1, 13):  # 12 themed days × 2 学时 = 24
        meeting(org, K.THEMED_DAY, D(2025, month, 10), hours=Decimal(2),
                absences=[b] if month <= 2 else [])  # b misses two (4 学时)
    meeting(branch.group, K.GROUP, D(2025, 4, 1), hours=Decimal(4))  # the group's members: +4
    add_study(a, D(2025, 5, 1), 4, "县委党校轮训")
    add_study(c, D(2026, 1, 3), 40, "网络培训")  # next year: does not count for 2025
    assert broken("branchlife.study_hours", a) == []  # 24 + 4 + 4 = 32
    assert broken("branchlife.study_hours", b) == ["2025年参加集中学习培训 24 学时，不足 32 学时"]  # 24 − 4 + 4
    assert broken("branchlife.study_hours", c) == ["2025年参加集中学习培训 28 学时，不足 32 学时"]
    assert broken("branchlife.study_hours", branch.members[0]) == ["2025年参加集中学习培训 24 学时，不足 32 学时"]
    for hours in ("0.1", "0.2", "1.5"):  # SQLite sums the stored 学时 as floats: 0.1 + 0.2 must print as 0.3
        add_study(c, D(2025, 6, 1), Decimal(hours), "网络培训")
    assert broken("branchlife.study_hours", c) == ["2025年参加集中学习培训 29.8 学时，不足 32 学时"]


def test_credit_hours_at_exactly_32_in_tenths(branch):
    """24.3 + 8 − 0.3 is 31.999999999999996 in floating point (SQLite's sums): still 32 学时, no finding."""
    org, d = branch.org, branch.members[6]
    for month in range(1, 13):
        meeting(org, K.THEMED_DAY, D(2025, month, 10), hours=Decimal(2))
    meeting(org, K.LECTURE, D(2025, 6, 20), hours=Decimal("0.3"), absences=[d])
    add_study(d, D(2025, 5, 1), 8, "县委党校轮训")
    assert broken("branchlife.study_hours", d) == []
    assert broken("branchlife.study_hours", branch.members[4]) == ["2025年参加集中学习培训 24.3 学时，不足 32 学时"]
def test_absent_six_months_without_reason(branch):
    org = branch.org
    x, y, z = branch.members[1], branch.members[2], branch.members[0]
    window = periods.ended(AS_OF, "month", 6)  # 2025-12 … 2026-05
    for start, _ in window:
        meeting(org, K.THEMED_DAY, start.replace(day=12), absences=[x, y, (z, "外出务工")])
    meeting(org, K.GENERAL, D(2026, 3, 20), absences=[x, (y, "住院")])
    assert broken("branchlife.absent_six_months", x) == [
        "2025年12月至2026年5月党组织召开组织生活 7 次，均未参加，未登记缺席理由"]
    assert broken("branchlife.absent_six_months", y) == []  # one recorded reason
    assert broken("branchlife.absent_six_months", z) == []
    meeting(org, K.LECTURE, D(2026, 4, 2), absences=[])  # x attended this one
    assert broken("branchlife.absent_six_months", x) == []


def test_unqualified_needs_followup(branch):
    ap = Appraisal.objects.create(organization=branch.org, year=2025)
    r = AppraisalResult.objects.create(appraisal=ap, membership=branch.members[6], org_path=ap.org_path,
                                       grade=Grade.UNQUALIFIED)
    assert broken("branchlife.unqualified_followup", r) == [
        "2025年度民主评议评定为不合格，未登记处置方式（限期改正、劝其退党或除名）"]
    r.followup, r.followup_until = AppraisalResult.Followup.CORRECT, D(2026, 6, 1)
    r.save()
    assert broken("branchlife.unqualified_followup", r) == []


def test_scan_opens_findings_on_the_organization_with_citations(branch):
    result = rules.scan(branch.org.path, as_of=AS_OF,
                        rules=[r for r in rules.all_rules() if r.code.startswith("branchlife.")])
    f = Finding.objects.unrestricted().get(rule="branchlife.life_meeting_yearly")
    assert f.organization_id == branch.org.pk and f.model == "orgs.organization"
    assert f.citation == "《中国共产党党员教育管理工作条例》第十七条"
    assert result.per_rule["branchlife.themed_day_monthly"] == 1
    g = Finding.objects.unrestricted().get(rule="branchlife.general_quarterly")
    assert "条款号待核" in g.article


def test_a_member_who_moved_is_judged_on_the_branches_they_were_in(users, tree, branch):
    """学时 and six months absent count the meetings of the branch a member was in on each day (as the rosters
    do): the old branch's before the transfer was received, the new one's from then on."""
    from tests.branchlife.test_roster import move

    mover = branch.members[6]
    # 2025 (the study year): 红星社区 (A) Jan–Jun, 财政局 (B) from 1 July; 2 学时 a month either side.
    for month in range(1, 7):
        meeting(branch.org, K.THEMED_DAY, D(2025, month, 10), hours=Decimal(2))
    move(users.admin, mover, D(2025, 7, 1), to_org=tree.b2)
    for month in range(7, 13):
        meeting(tree.b2, K.THEMED_DAY, D(2025, month, 10), hours=Decimal(2))
    add_study(mover, D(2025, 9, 1), 8, "县委党校轮训")
    assert broken("branchlife.study_hours", mover) == []  # 12 in A + 12 in B + 8 = 32
    # The window of six months (2025-12 … 2026-05): B's December meeting (above) was attended; A's later ones
    # are none of the mover's business, B's from January on were missed without a reason.
    for month in (1, 2):
        meeting(branch.org, K.THEMED_DAY, D(2026, month, 12), absences=[branch.members[1]])
        meeting(tree.b2, K.THEMED_DAY, D(2026, month, 12), absences=[mover])
    assert broken("branchlife.absent_six_months", mover) == []  # attended December's
    Meeting.objects.filter(organization=tree.b2, held_on=D(2025, 12, 10)).delete()
    assert broken("branchlife.absent_six_months", mover) == [
        "2025年12月至2026年5月党组织召开组织生活 2 次，均未参加，未登记缺席理由"]


def test_a_member_who_moved_in_the_window_is_not_judged_on_meetings_before_arriving(users, tree, branch):
    from tests.branchlife.test_roster import move

    mover = branch.members[6]
    meeting(branch.org, K.THEMED_DAY, D(2025, 12, 12), absences=[mover])  # in A, missed (no reason)
    meeting(branch.org, K.THEMED_DAY, D(2026, 1, 12), absences=[mover])
    meeting(tree.b2, K.THEMED_DAY, D(2026, 1, 20))  # B's, before the mover arrived
    move(users.admin, mover, D(2026, 2, 1), to_org=tree.b2)
    meeting(tree.b2, K.THEMED_DAY, D(2026, 3, 12))  # attended
    assert broken("branchlife.absent_six_months", mover) == []  # missed 2 of the 3 held where they were

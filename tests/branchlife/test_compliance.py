"""The compliance table: one row per organization × requirement × period, built set-based, same as the rules."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.branchlife.conftest import meeting
from zugong.branchlife import compliance
from zugong.branchlife.models import ComplianceStat, Meeting
from zugong.core.models import LocalRule

pytestmark = pytest.mark.django_db
D = dt.date
K = Meeting.Kind
AS_OF = D(2026, 6, 30)


def add_study(membership, on, hours, title):
    """Study hours outside the meetings: a line of the training ledger (where branch life's study records went)."""
    from zugong.training import ledger

    return ledger.post(None, "branchlife.studyrecord", [ledger.Line(
        person_id=membership.person_id, on=on, kind="class", quantity=Decimal(str(hours)), unit="hour", label=title)])[0]


def stats(**filters):
    return ComplianceStat.objects.unrestricted().filter(**filters)


def test_refresh_writes_required_periods(tree, branch):
    org = branch.org
    meeting(org, K.THEMED_DAY, D(2026, 3, 15))
    meeting(org, K.THEMED_DAY, D(2026, 3, 25))
    meeting(org, K.GENERAL, D(2025, 11, 2))
    meeting(branch.group, K.GROUP, D(2026, 6, 2))
    meeting(org, K.LECTURE, D(2025, 5, 2), host_person=branch.secretary.person)
    n = compliance.refresh(as_of=AS_OF)
    assert n == stats().count()
    themed = stats(organization=org, kind="themed_day").order_by("period_start")
    assert themed.count() == 18  # January 2025 … June 2026
    march = themed.get(period_start=D(2026, 3, 1))
    assert (march.held, march.compliant, march.current, march.period_end) == (2, True, False, D(2026, 4, 1))
    june = themed.get(period_start=D(2026, 6, 1))
    assert (june.held, june.compliant, june.current) == (0, False, True)
    q4 = stats(organization=org, kind="general", period_start=D(2025, 10, 1)).get()
    assert q4.held == 1 and q4.compliant and q4.period == "quarter"
    assert stats(organization=org, kind="committee").count() == 18
    assert stats(organization=tree.b2, kind="committee").count() == 0  # no committee
    assert stats(organization=branch.group, kind="group", period_start=D(2026, 6, 1)).get().held == 1
    assert not stats(kind="secretary_lecture").exists()  # the branch secretary's lecture: a local rule
    assert stats(organization=org, kind="life_meeting").count() == 2
    assert not stats(kind="lecture").exists()  # 党课 each quarter only where a local rule says so
    study = stats(organization=org, kind="study").get()
    assert (study.period_start, study.needed, study.held, study.compliant) == (D(2025, 1, 1), 7, 0, False)
    assert not stats(organization=tree.taiyuan).exists()  # committees are not judged


def test_refresh_of_a_subtree_keeps_the_rest(tree, branch):
    compliance.refresh(as_of=AS_OF)
    before = stats(organization=tree.b3).count()
    assert before
    meeting(branch.org, K.THEMED_DAY, D(2026, 2, 3))
    compliance.refresh(path=branch.org.path, as_of=AS_OF)
    assert stats(organization=tree.b3).count() == before
    assert stats(organization=branch.org, kind="themed_day", period_start=D(2026, 2, 1)).get().held == 1


def test_local_frequency_and_study(tree, branch):
    LocalRule.objects.create(template="meeting_frequency", code="branchlife.local.lecture_quarterly",
                             title="党课每季度至少一次", params={"kind": "lecture", "period": "quarter"},
                             regulation="《某办法》", organization=tree.taiyuan)
    for month in range(1, 13):
        meeting(branch.org, K.THEMED_DAY, D(2025, month, 9), hours=Decimal("2.5"))
    meeting(branch.org, K.LECTURE, D(2025, 2, 9), host_person=branch.secretary.person, hours=2)
    m = branch.members[6]
    add_study(m, D(2025, 6, 1), 1, "网络培训")
    compliance.refresh(as_of=AS_OF)
    lectures = stats(organization=branch.org, kind="lecture").order_by("period_start")
    assert [s.held for s in lectures] == [1, 0, 0, 0, 0, 0]
    assert not stats(organization=tree.b3, kind="lecture").exists()  # 大同: the local rule is 太原's
    study = stats(organization=branch.org, kind="study").get()
    assert (study.needed, study.held) == (7, 7)  # 30 + 2 = 32 each

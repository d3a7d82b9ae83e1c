"""Crediting by the rules as configuration: the online rule at its boundaries (15 and 30 minutes, a passed test),
the 脱产 day rate, the nearest issuer's rule, the yearly caps (per type, per source: reached exactly, one over) and
the carry-over into the next year, applied at posting and summed by `person_hours_sql`."""

from decimal import Decimal

import pytest

from zugong.training import ledger
from zugong.training.models import Credit, CreditRule

from .ledger_fixtures import D, hours_line, install_defaults, online, person_hours, set_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(tree):
    install_defaults()
    return tree


@pytest.mark.parametrize("minutes,passed,hours", [
    (14, False, "0.25"), ("14.99", False, "0.25"), (15, False, "0.5"), (29, False, "0.5"), (30, False, "1"),
    (90, False, "1"), (14, True, "0.75"), (15, True, "1"), (30, True, "1.5"),
])
def test_online_rule_at_its_boundaries(rules, minutes, passed, hours):
    line = online(rules.people.zhangsan, D(2025, 3, 1), minutes, passed)
    assert line.hours == Decimal(hours) and line.claimed == Decimal(hours)
    assert line.rule == "training.credit.online"
    assert line.basis.startswith(f"学习 {Decimal(str(minutes)).normalize():f} 分钟")
    assert ("考试通过" in line.basis) is passed


def test_day_rate_and_hours_as_given(rules):
    p = rules.people.zhangsan
    line = ledger.post(None, "training.attendance", [ledger.Line(p.pk, D(2025, 4, 2), "off_job", Decimal(3), "day",
                                                                 "县委党校主体班", source_id=7)])[0]
    assert (line.hours, line.days, line.rule) == (Decimal(18), Decimal(3), "training.credit.default")
    assert line.basis == "脱产 3 天 × 6 学时"
    set_rule("", day_rate=Decimal(8))
    again = ledger.post(None, "training.attendance", [ledger.Line(p.pk, D(2025, 4, 2), "off_job", Decimal(3), "day",
                                                                  "县委党校主体班", source_id=7)])[0]
    assert again.hours == Decimal(24)  # re-posted: replaced, credited by the rule as it stands
    assert Credit.objects.unrestricted().filter(source="training.attendance").count() == 1


def test_no_rule_installed_credits_by_the_defaults(tree):
    line = online(tree.people.zhangsan, D(2025, 3, 1), 30, True)
    assert (line.hours, line.rule) == (Decimal("1.5"), ledger.DEFAULT_CODE)


def test_the_nearest_issuer_wins(rules):
    """太原 issues its own online rule (20 minutes = 1 学时): 张三 (太原) is credited by it, 赵六 (大同) by the
    national one; a 太原 row for every type does not beat 太原's online row."""
    CreditRule.objects.create(code="ty.online", title="太原网络培训", kind="online", organization=rules.taiyuan,
                              long_minutes=20, short_minutes=10)
    CreditRule.objects.create(code="ty.all", title="太原各类", kind="", organization=rules.taiyuan, long_minutes=60)
    assert online(rules.people.zhangsan, D(2025, 3, 1), 20).hours == Decimal(1)
    assert online(rules.people.zhangsan, D(2025, 3, 2), 20).rule == "ty.online"
    assert online(rules.people.zhaoliu, D(2025, 3, 1), 20).hours == Decimal("0.5")


def test_yearly_cap_reached_exactly_and_one_over(rules):
    set_rule("online", year_cap=Decimal(3))
    p = rules.people.zhangsan
    for day in (1, 2, 3):
        online(p, D(2025, 5, day), 30)
    assert person_hours(p, 2025) == {"online": Decimal(3)}  # exactly the cap
    assert not any(c.cut for c in Credit.objects.unrestricted().filter(person=p))
    over = online(p, D(2025, 5, 4), 30)
    assert (over.hours, over.claimed) == (Decimal(0), Decimal(1))
    assert "超出计入上限 1 学时，不计入" in over.basis
    assert person_hours(p, 2025) == {"online": Decimal(3)}
    # Another type is not capped by the online rule.
    hours_line(p, D(2025, 5, 5), 5)
    assert person_hours(p, 2025) == {"online": Decimal(3), "other": Decimal(5)}


def test_an_earlier_line_posted_later_takes_its_place_in_date_order(rules):
    set_rule("online", year_cap=Decimal(2))
    p = rules.people.zhangsan
    june = [online(p, D(2025, 6, d), 30) for d in (1, 2)]
    online(p, D(2025, 1, 5), 30)  # January, imported later: counted first
    hours = dict(Credit.objects.unrestricted().filter(person=p).values_list("on", "hours"))
    assert hours == {D(2025, 1, 5): Decimal(1), june[0].on: Decimal(1), june[1].on: Decimal(0)}


def test_cap_per_source(rules):
    set_rule("online", provider_cap=Decimal("1.5"))
    p = rules.people.zhangsan
    online(p, D(2025, 5, 1), 30, provider="甲学院")
    second = online(p, D(2025, 5, 2), 30, provider="甲学院")
    other = online(p, D(2025, 5, 3), 30, provider="乙平台")
    assert (second.hours, other.hours) == (Decimal("0.5"), Decimal(1))
    assert person_hours(p, 2025)["online"] == Decimal("2.5")


def test_carry_over_into_the_next_year(rules):
    set_rule("", year_cap=Decimal(10), carry_over=True)
    p = rules.people.zhangsan
    hours_line(p, D(2025, 3, 1), 8, label="甲")
    late = hours_line(p, D(2025, 11, 1), 4, label="乙")  # 2 over the cap: carried into 2026
    assert late.hours == Decimal(2) and "结转下一年度" in late.basis
    carried = Credit.objects.unrestricted().get(person=p, carried=True)
    assert (carried.on, carried.year, carried.hours, carried.carried_from_id) == (D(2026, 1, 1), 2026, Decimal(2),
                                                                                 late.pk)
    assert person_hours(p, 2025) == {"other": Decimal(10)}
    assert person_hours(p, 2026) == {"other": Decimal(2)}
    # 2026: the carried 2 count first under 2026's cap; a 2026 line of 9 keeps 8, its 1 carries into 2027.
    nine = hours_line(p, D(2026, 2, 1), 9, label="丙")
    assert nine.hours == Decimal(8)
    assert person_hours(p, 2026) == {"other": Decimal(10)}
    assert person_hours(p, 2027) == {"other": Decimal(1)}
    # The 2025 line withdrawn: nothing carries from 2025 any more, the 2026 line fits whole.
    ledger.remove(None, late)
    assert person_hours(p, 2025) == {"other": Decimal(8)}
    assert Credit.objects.unrestricted().get(pk=nine.pk).hours == Decimal(9)
    assert person_hours(p, 2026) == {"other": Decimal(9)}
    assert not Credit.objects.unrestricted().filter(person=p, year=2027).exists()


def test_carried_hours_are_carried_once(rules):
    set_rule("", year_cap=Decimal(4), carry_over=True)
    p = rules.people.zhangsan
    hours_line(p, D(2025, 3, 1), 10)  # 4 in 2025, 6 carried into 2026, of which 4 count and 2 are lost
    assert person_hours(p, 2025) == {"other": Decimal(4)}
    assert person_hours(p, 2026) == {"other": Decimal(4)}
    assert not Credit.objects.unrestricted().filter(person=p, year=2027).exists()


def test_without_carry_over_the_excess_is_lost(rules):
    set_rule("", year_cap=Decimal(10))
    p = rules.people.zhangsan
    hours_line(p, D(2025, 3, 1), 12)
    assert person_hours(p, 2025) == {"other": Decimal(10)}
    assert not Credit.objects.unrestricted().filter(person=p, carried=True).exists()


def test_withdraw_by_source(rules):
    p = rules.people.zhangsan
    hours_line(p, D(2025, 3, 1), 6, kind="class", source="training.attendance", source_id=1)
    hours_line(p, D(2025, 3, 1), 3, kind="class", source="training.attendance", source_id=2)
    assert ledger.withdraw(None, "training.attendance", [1]) == 1
    assert person_hours(p, 2025) == {"class": Decimal(3)}


def test_a_line_cut_by_a_later_posting_is_logged(rules, users):
    from zugong.core import audit
    from zugong.core.models import AuditEntry

    set_rule("", year_cap=Decimal(5))
    p = rules.people.zhangsan
    late = hours_line(p, D(2025, 9, 1), 4, label="九月")
    with audit.acting_as(users.admin), audit.operation(p, "update", note="补录") as op:
        ledger.post(op, "training.manual", [ledger.Line(p.pk, D(2025, 2, 1), "other", Decimal(3), "hour", "二月")])
    late.refresh_from_db()
    assert late.hours == Decimal(2)
    entry = AuditEntry.objects.unrestricted().get(model="training.credit", object_id=str(late.pk), action="update")
    assert "计入学时（按计入上限）" in str(entry.changes) and entry.note == "补录"

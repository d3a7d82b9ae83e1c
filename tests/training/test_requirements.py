"""The training requirements: the evaluators the rules and the standing share, at their boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zugong.core import rules
from zugong.training import requirements_eval as ev
from zugong.training import requirements_selectors as sel

from .requirements_fixtures import D, credit, make_cadre, make_member
from .requirements_fixtures import installed_fixture, people_fixture, rows_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def short(req, model_qs, as_of, **kw):
    return {r["person_id"] for r in ev.evaluate(req, model_qs, as_of, **kw)}


def cadres():
    from zugong.cadres.models import Cadre

    return Cadre.objects.unrestricted()


# ---------------------------------------------------------------- 5 years, rolling window


def test_the_five_year_window_ends_on_the_scan_day_and_starts_the_day_after_five_years_before(tree, rows, people):
    req = rows["training.cadre_cycle"]
    make_cadre(people.chief, tree.xiaodian, "county_chief", D(2015, 3, 1), records=[("county_chief", D(2015, 3, 1))])
    as_of = D(2026, 6, 30)
    credit(people.chief, D(2021, 6, 30), "off_job", 60, unit="day")       # 5 years before: outside (360 学时)
    credit(people.chief, D(2021, 7, 1), "class", 549)                    # the first day inside
    assert people.chief.pk in short(req, cadres(), as_of)
    credit(people.chief, D(2026, 6, 30), "class", 1)                     # the scan day itself counts: 550
    assert people.chief.pk not in short(req, cadres(), as_of)
    # A day later the line of 2021-07-01 leaves the window.
    assert people.chief.pk in short(req, cadres(), D(2026, 7, 1))


def test_ninety_days_of_off_job_training_meet_the_five_year_requirement_whatever_the_hours(tree, rows, people):
    req = rows["training.cadre_cycle"]
    make_cadre(people.chief, tree.xiaodian, "researcher_4", D(2015, 3, 1), records=[("researcher_4", D(2015, 3, 1))])
    credit(people.chief, D(2024, 5, 1), "off_job", Decimal(89), unit="hour", days=Decimal(89))
    assert people.chief.pk in short(req, cadres(), D(2026, 6, 30))
    credit(people.chief, D(2025, 5, 1), "off_job", Decimal(1), unit="hour", days=Decimal(1))
    assert people.chief.pk not in short(req, cadres(), D(2026, 6, 30))


def test_online_hours_do_not_count_toward_the_five_year_requirement(tree, rows, people):
    req = rows["training.cadre_cycle"]
    make_cadre(people.chief, tree.xiaodian, "county_deputy", D(2010, 1, 1))
    credit(people.chief, D(2025, 5, 1), "online", 600)
    assert people.chief.pk in short(req, cadres(), D(2026, 6, 30))


def test_a_promoted_cadre_has_one_year_to_meet_it_a_finding_only_the_day_after(tree, rows, people):
    req = rows["training.cadre_cycle"]
    make_cadre(people.chief, tree.xiaodian, "county_deputy", D(2025, 3, 15),
               records=[("township_chief", D(2019, 1, 1)), ("county_deputy", D(2025, 3, 15))])
    assert people.chief.pk not in short(req, cadres(), D(2026, 3, 14))   # a day before the deadline
    assert people.chief.pk not in short(req, cadres(), D(2026, 3, 15))   # the deadline: still in time
    assert people.chief.pk in short(req, cadres(), D(2026, 3, 16))       # the day after: a finding
    found = rules.scan("", D(2026, 3, 16), rules=[r for r in rules.all_rules() if r.code == "training.cadre_cycle"])
    assert found.opened == 1
    from zugong.core.models import Finding

    f = Finding.objects.unrestricted().get(rule="training.cadre_cycle")
    assert f.person_id == people.chief.pk
    assert "2021-03-17 至 2026-03-16" in f.detail and "不足 550 学时或 90 天" in f.detail
    assert "2026-03-15" in f.detail and f.article == "条款号待核" and "干部教育培训工作条例" in f.regulation


def test_a_grade_step_within_the_level_is_a_promotion_but_a_lateral_record_is_not(tree, rows, people):
    req = rows["training.cadre_cycle"]
    make_cadre(people.chief, tree.xiaodian, "county_chief", D(2024, 1, 1),
               records=[("county_deputy", D(2018, 1, 1)), ("county_chief", D(2025, 9, 1))])
    assert people.chief.pk not in short(req, cadres(), D(2026, 6, 30))   # promoted 2025-09-01: in time
    make_cadre(people.other, tree.datong, "county_chief", D(2024, 1, 1),
               records=[("county_chief", D(2018, 1, 1)), ("researcher_1", D(2025, 9, 1))])
    assert people.other.pk in short(req, cadres(), D(2026, 6, 30))       # 正职 → 一级调研员: no promotion


# ---------------------------------------------------------------- each year: 12 days or 90 hours


def test_twelve_days_or_ninety_hours_either_meets_the_yearly_requirement(tree, rows, people):
    req = rows["training.cadre_year"]
    make_cadre(people.clerk, tree.xiaodian, "township_deputy", D(2020, 1, 1))
    make_cadre(people.other, tree.datong, "clerk_chief_1", D(2020, 1, 1))
    as_of = D(2026, 2, 1)  # judges 2025
    credit(people.clerk, D(2025, 3, 1), "off_job", 11, unit="day")          # 66 学时, 11 days
    credit(people.other, D(2025, 3, 1), "class", Decimal("89.5"))
    assert short(req, cadres(), as_of) == {people.clerk.pk, people.other.pk}
    credit(people.clerk, D(2025, 12, 31), "off_job", 1, unit="day")         # 12 days (72 学时): met
    credit(people.other, D(2025, 4, 1), "class", Decimal("0.5"))            # 90 学时: met
    assert short(req, cadres(), as_of) == set()
    credit(people.clerk, D(2026, 1, 1), "class", 1)  # next year's line changes nothing
    assert short(req, cadres(), as_of, year=2026) >= {people.clerk.pk}


def test_the_yearly_requirement_applies_to_its_levels_only(tree, rows, people):
    req = rows["training.cadre_year"]
    make_cadre(people.chief, tree.xiaodian, "county_chief", D(2020, 1, 1))
    assert short(req, cadres(), D(2026, 2, 1)) == set()


# ---------------------------------------------------------------- online


def test_the_online_requirement_counts_online_hours_of_the_year_against_its_configured_number(tree, rows, people):
    from zugong.core.models import LocalRule

    make_cadre(people.clerk, tree.xiaodian, "clerk_1", D(2020, 1, 1))
    credit(people.clerk, D(2025, 6, 1), "online", 49)
    credit(people.clerk, D(2025, 6, 2), "class", 10)
    req = rows["training.online"]
    assert short(req, cadres(), D(2026, 1, 5)) == {people.clerk.pk}
    credit(people.clerk, D(2025, 6, 3), "online", 1)
    assert short(req, cadres(), D(2026, 1, 5)) == set()
    row = LocalRule.objects.unrestricted().get(code="training.online")
    row.params = {**row.params, "hours": 60}
    row.save()
    req = ev.from_row(LocalRule.objects.unrestricted().select_related("organization").get(pk=row.pk))
    [found] = ev.evaluate(req, cadres(), D(2026, 1, 5))
    assert found["credited"] == 50 and found["required"] == 60 and found["period"] == "2025年"


# ---------------------------------------------------------------- secretaries and committee members


def members():
    from zugong.members.models import Membership

    return Membership.objects.unrestricted()


def spans_qs():
    from zugong.members.models import PostSpan

    return PostSpan.objects.unrestricted()


def test_fifty_six_hours_need_one_concentrated_training_too(tree, rows):
    req = rows["training.committee"]
    p = tree.people
    make_member(p.zhangsan, tree.b1, post="secretary", post_since=D(2020, 1, 1))
    make_member(p.lisi, tree.b1, post="organization", post_since=D(2020, 1, 1))
    make_member(p.wangwu, tree.b2)  # no post: not judged
    credit(p.zhangsan, D(2025, 4, 1), "study", 56)
    credit(p.lisi, D(2025, 4, 1), "study", 50)
    credit(p.lisi, D(2025, 5, 1), "class", 6)
    credit(p.wangwu, D(2025, 5, 1), "study", 1)
    as_of = D(2026, 1, 10)
    found = {r["person_id"]: r for r in ev.evaluate(req, members(), as_of)}
    assert set(found) == {p.zhangsan.pk}          # 56 学时 without a concentrated training
    assert found[p.zhangsan.pk]["trainings"] == 0 and found[p.zhangsan.pk]["credited"] == 56
    credit(p.zhangsan, D(2025, 6, 1), "class", 1)
    assert short(req, members(), as_of) == set()


def test_a_new_secretary_must_be_trained_within_six_months(tree, rows):
    req = rows["training.new_secretary"]
    p = tree.people
    make_member(p.zhangsan, tree.b1, post="secretary", post_since=D(2025, 3, 10))
    due = D(2025, 9, 10)
    assert short(req, spans_qs(), due) == set()
    spans = spans_qs()
    assert short(req, spans, due + dt.timedelta(days=1)) == {p.zhangsan.pk}
    credit(p.zhangsan, due, "class", 8)          # trained on the last day: in time
    assert short(req, spans, due + dt.timedelta(days=1)) == set()


def test_training_a_day_late_does_not_count_for_a_new_secretary(tree, rows):
    req = rows["training.new_secretary"]
    p = tree.people
    make_member(p.zhangsan, tree.b1, post="secretary", post_since=D(2025, 3, 10))
    credit(p.zhangsan, D(2025, 9, 11), "class", 8)
    spans = spans_qs()
    assert short(req, spans, D(2025, 10, 1)) == {p.zhangsan.pk}


def test_a_probationary_member_attends_a_concentrated_training_within_the_configured_months(tree, rows):
    req = rows["training.probationary"]
    p = tree.people
    make_member(p.lisi, tree.b1, status="probationary", joined=D(2025, 1, 20))
    assert short(req, members(), D(2026, 1, 20)) == set()
    assert short(req, members(), D(2026, 1, 21)) == {p.lisi.pk}
    credit(p.lisi, D(2025, 11, 1), "class", 4)
    assert short(req, members(), D(2026, 1, 21)) == set()


# ---------------------------------------------------------------- standing


def test_standing_lists_each_requirement_that_applies_with_the_member_32(tree, rows, people):
    p = tree.people
    make_member(p.zhangsan, tree.b1, post="secretary", post_since=D(2020, 1, 1))
    make_cadre(p.zhangsan, tree.b1, "township_chief", D(2020, 1, 1))
    credit(p.zhangsan, D(2025, 4, 1), "class", 40)
    credit(p.zhangsan, D(2025, 4, 2), "online", 20)
    out = {s.code: s for s in sel.standing(p.zhangsan, D(2026, 3, 1), year=2025)}
    assert set(out) == {"branchlife.study_hours", "training.cadre_year", "training.online", "training.committee"}
    assert out["branchlife.study_hours"].required == 32 and out["branchlife.study_hours"].credited == 60
    assert out["training.cadre_year"].credited == 40 and out["training.cadre_year"].shortfall == 50
    assert out["training.online"].shortfall == 30 and out["training.online"].period == "2025年"
    assert out["training.committee"].met and "条款号待核" in out["training.committee"].citation


def test_an_edition_is_a_row_with_dates_and_each_year_is_judged_by_the_edition_in_force(tree, rows, people):
    from zugong.core import rules
    from zugong.core.models import LocalRule

    make_cadre(people.clerk, tree.xiaodian, "clerk_1", D(2020, 1, 1))
    credit(people.clerk, D(2024, 6, 1), "online", 55)
    credit(people.clerk, D(2025, 6, 1), "online", 55)
    old = LocalRule.objects.unrestricted().get(code="training.online")
    old.effective_to = D(2025, 1, 1)
    old.save()
    LocalRule.objects.create(code="training.online_2025", template=old.template, title="干部每年参加网络培训不少于 60 学时",
                             params={**old.params, "hours": 60}, regulation=old.regulation, article=old.article,
                             effective_from=D(2025, 1, 1), organization=old.organization, severity=old.severity)
    by_year = {y: {s.code: s for s in sel.standing(people.clerk, D(2026, 2, 1), year=y) if "online" in s.code}
               for y in (2024, 2025)}
    assert set(by_year[2024]) == {"training.online"} and by_year[2024]["training.online"].met
    assert set(by_year[2025]) == {"training.online_2025"} and by_year[2025]["training.online_2025"].shortfall == 5
    # The scan of 2026-02 judges 2025: only the new edition finds the cadre short.
    online = [r for r in rules.all_rules() if "online" in r.code]
    found = rules.scan("", D(2026, 2, 1), rules=online)
    assert found.per_rule == {"training.online": 0, "training.online_2025": 1} and found.opened == 1

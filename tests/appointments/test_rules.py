"""The eligibility and procedure rules, each judged on cases written directly: measured messages, the edition
by the decision date, set-based over many cases."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.appointments.conftest import broken, make_cadre, make_case
from tests.conftest import make_person
from zugong.appointments.rules import precheck
from zugong.cadres.models import RankRecord, ResumeEntry, TrainingRecord
from zugong.core import rules

D = dt.date
pytestmark = pytest.mark.django_db
DECIDED = D(2026, 4, 1)


def test_a_cadre_who_meets_every_rule_passes(cadre):
    case = make_case(cadre, decided_on=DECIDED)
    assert case.is_promotion and case.target_level == 3 and case.from_level == 4
    for code in ("appointments.work_years", "appointments.grassroots_years", "appointments.lower_chief_years",
                 "appointments.deputy_years", "appointments.education", "appointments.not_in_probation",
                 "appointments.year_since_promotion", "appointments.training"):
        assert broken(code, case) == [], code


def test_work_years_measured(tree, cadre):
    cadre.work_started_on = D(2023, 8, 1)
    cadre.save()
    case = make_case(cadre, decided_on=DECIDED)
    assert broken("appointments.work_years", case) == ["参加工作 2 年 8 个月（2023-08-01 参加工作），不足 5 年"]
    # Only promotions to 县处级 are judged on it.
    other = make_case(make_cadre(tree.people.lisi, tree.xiaodian, work_started_on=D(2023, 8, 1)),
                      rank="township_chief", from_rank="township_deputy", decided_on=DECIDED)
    assert broken("appointments.work_years", other) == []


def test_grassroots_years_counts_the_marked_segments(cadre):
    ResumeEntry.objects.unrestricted().filter(cadre=cadre).update(end_on=D(2004, 10, 1))
    ResumeEntry.objects.create(cadre=cadre, start_on=D(2010, 1, 1), end_on=D(2010, 7, 1), text="挂职",
                               grassroots=True, order=5)
    ResumeEntry.objects.create(cadre=cadre, start_on=D(2011, 1, 1), end_on=None, text="机关", grassroots=False,
                               order=6)
    case = make_case(cadre, decided_on=DECIDED)
    assert broken("appointments.grassroots_years", case) == ["基层工作经历 1 年 9 个月，不足 2 年"]


def test_years_as_deputy_before_chief(tree):
    cadre = make_cadre(tree.people.lisi, tree.xiaodian, rank="county_deputy", rank_since=D(2024, 9, 1),
                       history=(("township_chief", D(2018, 1, 1)),))
    case = make_case(cadre, rank="county_chief", decided_on=DECIDED)
    assert broken("appointments.deputy_years", case) == [
        "任副职（县处级副职）1 年 7 个月（2024-09-01 起），不足 2 年"]
    # The rank history wins over the date kept on the case: an earlier spell at the same rank counts from its start.
    RankRecord.objects.create(cadre=cadre, rank="county_deputy", start_on=D(2023, 1, 1), end_on=D(2023, 6, 1), order=9)
    assert broken("appointments.deputy_years", case) == []


def test_years_as_lower_chief_before_higher_deputy(cadre):
    RankRecord.objects.unrestricted().filter(cadre=cadre, rank="township_chief").update(start_on=D(2024, 1, 1))
    case = make_case(cadre, decided_on=DECIDED)
    assert broken("appointments.lower_chief_years", case) == [
        "任下级正职（乡科级正职）2 年 3 个月（2024-01-01 起），不足 3 年"]


def test_education_by_level(tree, cadre):
    case = make_case(cadre, decided_on=DECIDED)
    cadre.person.education = "30"
    cadre.person.save()
    cadre.save()  # the cadre record copies the person's education
    assert broken("appointments.education", case) == []
    bureau = make_case(make_cadre(tree.people.lisi, tree.xiaodian, rank="county_chief", education="30"),
                       rank="bureau_deputy", decided_on=DECIDED)
    assert broken("appointments.education", bureau) == [
        "学历为大学专科，提任厅局级副职一般应具有大学本科以上文化程度"]
    cadre.person.education = "60"
    cadre.person.save()
    cadre.save()
    assert broken("appointments.education", case) == ["学历为高中，提任县处级副职一般应具有大学专科以上文化程度"]


def test_no_exceptional_promotion_during_probation(cadre):
    """Issue 13 item 12: the 条例 bars only 破格 promotion during a probation; an ordinary one is not judged."""
    make_case(cadre, rank="township_chief", from_rank="township_deputy", decided_on=D(2025, 5, 1),
              appointed_on=D(2025, 6, 1), probation_applies=True, probation_until=D(2026, 6, 1),
              status="probation", title="坞城街道办事处主任")
    case = make_case(cadre, decided_on=DECIDED)
    assert broken("appointments.not_in_probation", case) == []
    case.exceptional = True
    case.save()
    assert broken("appointments.not_in_probation", case) == [
        "2025-06-01 任坞城街道办事处主任，试用期至 2026-06-01，尚在试用期内，不得破格提拔"]


def test_a_year_since_the_last_promotion(cadre):
    """Issue 13 item 12: within a year of the last promotion only a 破格 promotion is barred."""
    RankRecord.objects.unrestricted().filter(cadre=cadre, rank="township_chief").update(start_on=D(2025, 8, 1))
    case = make_case(cadre, decided_on=DECIDED, from_rank_since=D(2025, 8, 1))
    assert broken("appointments.year_since_promotion", case) == []
    case.exceptional = True
    case.save()
    assert broken("appointments.year_since_promotion", case) == [
        "上次提拔（2025-08-01 任乡科级正职）至今 8 个月，不足 1 年，不得破格提拔"]
    # A lateral move (same rank again) is no promotion; the first rank of a career is none either.
    RankRecord.objects.unrestricted().filter(cadre=cadre, rank="township_chief").update(start_on=D(2020, 1, 1))
    RankRecord.objects.create(cadre=cadre, rank="township_chief", start_on=D(2025, 10, 1), order=9)
    assert broken("appointments.year_since_promotion", case) == []


def test_training_warns_at_decision_and_is_overdue_a_year_after(tree, cadre):
    TrainingRecord.objects.unrestricted().filter(cadre=cadre).update(hours=Decimal("120.5"), days=20)
    case = make_case(cadre, decided_on=DECIDED)
    assert broken("appointments.training", case) == [
        "近 5 年参加培训 120.5 学时、20 天，不足 550 学时（或 3 个月）；提拔后应于 1 年内（2027-04-01 前）完成"]
    assert rules.RULES["appointments.training"].severity == "warning"
    appointed = make_case(make_cadre(tree.people.lisi, tree.xiaodian, training_hours=Decimal(100), training_days=30),
                          decided_on=D(2025, 9, 1), appointed_on=D(2025, 10, 8))
    assert broken("appointments.training_overdue", appointed) == [
        "2025-10-08 提拔任职，应于 2026-10-08 前完成培训；截至该日近 5 年参加培训 100 学时、30 天，不足 550 学时（或 3 个月）"]
    assert broken("appointments.training_overdue", appointed, as_of=D(2026, 10, 1)) == []


def test_decision_quorum_and_majority_in_integers(cadre):
    case = make_case(cadre, decided_on=DECIDED, members_expected=9, members_present=6, votes_yes=5)
    assert broken("appointments.decision_quorum", case) == []  # 6 × 3 = 18 ≥ 9 × 2
    assert broken("appointments.decision_majority", case) == []  # 5 × 2 = 10 > 9
    case.members_present, case.votes_yes = 5, 4
    case.save()
    assert broken("appointments.decision_quorum", case) == ["实到会成员 5 人，不足应到会成员 9 人的三分之二"]
    assert broken("appointments.decision_majority", case) == ["同意 4 票，未超过应到会成员 9 人的半数"]


def test_notice_counted_in_working_days(cadre):
    # 2026-04-04 to 04-06 are the 清明 holidays: 04-02 … 04-08 holds 4 working days.
    case = make_case(cadre, decided_on=DECIDED, public_notice_start=D(2026, 4, 2), public_notice_end=D(2026, 4, 8))
    assert broken("appointments.notice_working_days", case) == [
        "任前公示 4 个工作日（2026-04-02 至 2026-04-08），不足 5 个工作日"]
    case.public_notice_end = D(2026, 4, 9)
    case.appointed_on = D(2026, 4, 9)
    case.save()
    assert broken("appointments.notice_working_days", case) == []
    assert broken("appointments.notice_before_appointment", case) == [
        "任前公示至 2026-04-09 期满，2026-04-09 即已任职"]
    case.appointed_on = D(2026, 4, 10)
    case.save()
    assert broken("appointments.notice_before_appointment", case) == []
    # A lateral move needs no notice.
    lateral = make_case(cadre, rank="township_chief", decided_on=DECIDED, appointed_on=D(2026, 4, 10),
                        status="completed")
    assert broken("appointments.notice_before_appointment", lateral) == []


def test_probation_end_overdue(cadre):
    case = make_case(cadre, decided_on=D(2025, 5, 1), appointed_on=D(2025, 6, 1), probation_applies=True,
                     probation_until=D(2026, 6, 1), status="probation")
    assert broken("appointments.probation_end", case) == ["试用期已于 2026-06-01 届满，至今未进行试用期满考核"]
    assert broken("appointments.probation_end", case, as_of=D(2026, 5, 1)) == []


def test_edition_follows_the_decision_date(cadre):
    cadre.work_started_on = D(2014, 8, 1)
    cadre.save()
    old = make_case(cadre, decided_on=D(2018, 5, 1), status="completed")
    new = make_case(cadre, decided_on=D(2019, 5, 1), status="completed", proposed_on=D(2019, 3, 1))
    result = rules.scan(cadre.org_path, D(2026, 11, 27), [rules.RULES["appointments.work_years"]])
    assert result.per_rule["appointments.work_years"] == 2
    from zugong.core.models import Finding

    by_case = {f.object_id: f for f in Finding.objects.unrestricted().filter(rule="appointments.work_years")}
    assert (by_case[old.pk].edition, by_case[old.pk].article) == ("2014年", "第八条")
    assert (by_case[new.pk].edition, by_case[new.pk].article) == ("2019年", "条款号待核")
    assert by_case[old.pk].detail == "参加工作 3 年 9 个月（2014-08-01 参加工作），不足 5 年"


def test_precheck_judges_an_undecided_case_as_of_a_day(cadre):
    cadre.work_started_on = D(2022, 1, 1)
    cadre.save()
    case = make_case(cadre)
    assert broken("appointments.work_years", case) == []  # undecided: no finding
    found = precheck(case, D(2026, 11, 27))
    assert [(p["rule"].code, p["text"]) for p in found] == [
        ("appointments.work_years", "参加工作 4 年 10 个月（2022-01-01 参加工作），不足 5 年")]
    assert found[0]["citation"] == "《党政领导干部选拔任用工作条例》（2019年）条款号待核"


def test_rules_are_set_based(tree, cadre, django_assert_max_num_queries):
    people = [make_person(tree.b2, f"干部{i}", seq=401 + 2 * i) for i in range(8)]
    for p in people:
        make_case(make_cadre(p, tree.xiaodian, work_started_on=D(2024, 1, 1)), decided_on=DECIDED)
    with django_assert_max_num_queries(len(rules.RULES) + 5):
        for rule in [r for r in rules.RULES.values() if r.model == "appointments.SelectionCase"]:
            rows = rule.violations(rule.model_class.objects.unrestricted(), D(2026, 11, 27))
            if rule.code == "appointments.work_years":
                assert len(rows) == 8


def test_grassroots_counts_whole_calendar_months(cadre):
    """Issue 13 item 6: 2022-01-31 → 2024-01-01 is 1 year 11 months, not two years by month index."""
    ResumeEntry.objects.unrestricted().filter(cadre=cadre).delete()
    entry = ResumeEntry.objects.create(cadre=cadre, start_on=D(2022, 1, 31), end_on=D(2024, 1, 1), text="某乡镇工作",
                                       grassroots=True, order=1)
    case = make_case(cadre, decided_on=DECIDED)
    assert broken("appointments.grassroots_years", case) == ["基层工作经历 1 年 11 个月，不足 2 年"]
    entry.end_on = D(2024, 1, 31)
    entry.save()
    assert broken("appointments.grassroots_years", case) == []


def test_notice_in_a_year_the_calendar_lacks_is_not_judged(cadre):
    """Issue 13 item 9: the calendar (chinese-calendar) ends with 2026; a 2027 notice is not "0 个工作日"."""
    from zugong.core import workdays

    last = workdays.covered_until()
    start = D(last.year + 1, 1, 4)
    case = make_case(cadre, decided_on=D(2026, 12, 1), public_notice_start=start,
                     public_notice_end=start + dt.timedelta(days=4))
    assert broken("appointments.notice_working_days", case) == []
    with pytest.raises(workdays.CalendarMissing) as exc:
        workdays.count_between(start, start + dt.timedelta(days=4))
    assert f"工作日历未包含 {start.year} 年" in str(exc.value) and "zugong calendar sync" in str(exc.value)
    with pytest.raises(workdays.CalendarMissing) as exc:
        workdays.add_workdays(last - dt.timedelta(days=1), 5)
    assert f"工作日历未包含 {start.year} 年" in str(exc.value)
    assert workdays.missing_notice(last) == ""
    assert f"工作日历未包含 {start.year} 年" in workdays.missing_notice(start)


def test_never_over_two_levels(tree):
    """Issue 13 item 12: 不得越两级 — 乡科级副职 straight to 县处级正职 skips two steps; one step skipped (越级) is
    a 破格 promotion the other rules judge."""
    cadre = make_cadre(tree.people.lisi, tree.xiaodian, rank="township_deputy", rank_since=D(2018, 1, 1),
                       history=(("clerk_1", D(2003, 7, 1)),))
    case = make_case(cadre, rank="county_chief", decided_on=DECIDED)
    assert broken("appointments.exceptional_two_levels", case) == [
        "由乡科级副职提任县处级正职，越过 2 个职务层次，不得越两级提拔"]
    case.rank = "county_deputy"
    case.save()
    assert broken("appointments.exceptional_two_levels", case) == []


def test_no_consecutive_exceptional_promotions(cadre):
    """Issue 13 item 12: 不得在任职年限上连续破格."""
    earlier = make_case(cadre, rank="township_chief", from_rank="township_deputy", decided_on=D(2020, 1, 1),
                        appointed_on=D(2020, 1, 20), status="completed", title="坞城街道党工委书记", exceptional=True)
    case = make_case(cadre, decided_on=DECIDED, exceptional=True)
    assert broken("appointments.exceptional_consecutive", case) == [
        "上次提拔（2020-01-01 决定任坞城街道党工委书记）已是破格提拔，不得在任职年限上连续破格"]
    earlier.exceptional = False
    earlier.save()
    assert broken("appointments.exceptional_consecutive", case) == []


def test_exceptional_promotion_is_not_judged_on_years_in_post(cadre):
    RankRecord.objects.unrestricted().filter(cadre=cadre, rank="township_chief").update(start_on=D(2024, 1, 1))
    case = make_case(cadre, decided_on=DECIDED)
    assert len(broken("appointments.lower_chief_years", case)) == 1
    case.exceptional = True
    case.save()
    assert broken("appointments.lower_chief_years", case) == []


def test_two_posts_at_the_level_below(cadre):
    from zugong.cadres.models import CadrePost

    CadrePost.objects.unrestricted().filter(cadre=cadre).delete()
    case = make_case(cadre, decided_on=DECIDED)
    CadrePost.objects.create(cadre=cadre, title="某镇副镇长", rank="township_deputy", start_on=D(2015, 1, 1),
                             end_on=D(2020, 1, 1))
    CadrePost.objects.create(cadre=cadre, title="某科员", rank="clerk_1", start_on=D(2004, 1, 1), end_on=D(2015, 1, 1))
    assert rules.RULES["appointments.two_posts_below"].severity == "warning"
    assert broken("appointments.two_posts_below", case) == [
        "提任县处级副职，任职记录中仅有 1 个乡科级领导职务，一般应具有在下一级两个以上职位任职的经历"]
    CadrePost.objects.create(cadre=cadre, title="坞城街道党工委书记", rank="township_chief", start_on=D(2020, 1, 1))
    assert broken("appointments.two_posts_below", case) == []


def test_party_age_of_a_county_committee_member(cadre):
    cadre.party_status, cadre.party_joined_on = "01", D(2024, 1, 10)
    cadre.save()
    case = make_case(cadre, decided_on=DECIDED)
    assert broken("appointments.party_age", case) == []  # not a party-committee seat
    case.party_committee = "county"
    case.save()
    assert broken("appointments.party_age", case) == [
        "党龄 1 年 2 个月（2025-01-10 起算），县（旗）、自治县、不设区的市和市辖区党委委员必须有 3 年以上党龄"]
    cadre.party_joined_on = D(2020, 1, 10)
    cadre.save()
    assert broken("appointments.party_age", case) == []
    case.party_committee = "city"
    case.save()
    assert broken("appointments.party_age", case) == []  # 5 years 2 months
    cadre.party_joined_on = D(2021, 6, 1)
    cadre.save()
    assert broken("appointments.party_age", case) == [
        "党龄 3 年 10 个月（2022-06-01 起算），设区的市和自治州党委委员必须有 5 年以上党龄"]


def test_fifteen_years_at_one_level(tree, cadre):
    # 乡科级副职 2010-01 … 2020-01 and 乡科级正职 since 2020-01: 16 years 3 months at 乡科级 on 2026-04-01.
    RankRecord.objects.unrestricted().filter(cadre=cadre, rank="township_deputy").update(start_on=D(2010, 1, 1))
    lateral = make_case(cadre, rank="township_chief", title="某局局长", decided_on=DECIDED)
    assert broken("appointments.same_level_fifteen_years", lateral) == [
        "在乡科级领导职务上累计任职 16 年 3 个月，已满 15 年，不再任命担任同一层次领导职务（拟任某局局长）"]
    rule = rules.RULES["cadres.same_level_fifteen_years"]
    from zugong.cadres.models import Cadre

    rows = rule.violations(Cadre.objects.unrestricted(), D(2026, 4, 1))
    assert [r["pk"] for r in rows] == [cadre.pk] and rule.severity == "reminder"
    assert rule.describe(rows[0]).startswith("在乡科级领导职务上累计任职 16 年 3 个月，已满 15 年")
    RankRecord.objects.unrestricted().filter(cadre=cadre, rank="township_deputy").update(start_on=D(2015, 1, 1))
    assert broken("appointments.same_level_fifteen_years", lateral) == []
    assert rule.violations(Cadre.objects.unrestricted(), D(2026, 4, 1)) == []

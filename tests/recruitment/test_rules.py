"""Every recruitment rule: a case that breaks it and one that just meets it (exact one year, exact three
months, month ends, leap days), the edition each event is judged by, and the local rules."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import _org, make_person
from zugong.core import rules
from zugong.core.models import LocalRule
from zugong.members.models import Membership
from zugong.recruitment.models import Case, CaseContact
from zugong.recruitment.rules import recruitment_rules

from .conftest import add_contacts, broken, cited, make_case

D = dt.date
SPONSOR, INTRODUCER = CaseContact.Role.SPONSOR, CaseContact.Role.INTRODUCER
pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- age and talk


def test_applicant_must_be_eighteen(applicant):  # born 2001-04-09
    assert broken("recruitment.applicant_age", make_case(applicant, applied_on=D(2019, 4, 8))) == [
        "递交入党申请书时 17 岁（2001-04-09 出生，2019-04-08 递交），未满十八周岁"]
    Case.objects.unrestricted().update(status="terminated")
    assert broken("recruitment.applicant_age", make_case(applicant, applied_on=D(2019, 4, 9))) == []


def test_a_leap_day_child_turns_eighteen_on_28_february(tree):
    leap = make_person(tree.b1, "闰日", birth=D(2008, 2, 29), seq=303)
    assert broken("recruitment.applicant_age", make_case(leap, applied_on=D(2026, 2, 27)))
    Case.objects.unrestricted().update(status="terminated")
    assert not broken("recruitment.applicant_age", make_case(leap, applied_on=D(2026, 2, 28)))


@pytest.mark.parametrize("applied,talked,ok", [
    (D(2025, 3, 15), D(2025, 4, 15), True),  # "within one month of 3-15" ends 4-15
    (D(2025, 3, 15), D(2025, 4, 16), False),
    (D(2025, 1, 31), D(2025, 2, 28), True),  # month end: one month after 1-31 is 2-28
    (D(2025, 1, 31), D(2025, 3, 1), False),
    (D(2024, 1, 31), D(2024, 2, 29), True),  # leap year
    (D(2024, 1, 31), D(2024, 3, 1), False),
])
def test_talk_within_one_month(applicant, applied, talked, ok):
    problems = broken("recruitment.talk_within_month", make_case(applicant, applied_on=applied, talked_on=talked))
    assert problems == ([] if ok else [
        f"谈话在递交入党申请书后 {(talked - applied).days} 天进行（{applied:%Y-%m-%d} 递交，{talked:%Y-%m-%d} 谈话），"
        "超过 1 个月"])


def test_a_talk_not_held_is_overdue_the_day_after_the_month(applicant):
    case = make_case(applicant, applied_on=D(2026, 10, 20))
    assert broken("recruitment.talk_within_month", case, as_of=D(2026, 11, 20)) == []
    assert broken("recruitment.talk_within_month", case, as_of=D(2026, 11, 21)) == [
        "2026-10-20 递交入党申请书，应于 2026-11-20 前派人谈话，至今未谈话"]
    Case.objects.unrestricted().filter(pk=case.pk).update(status="terminated")
    assert broken("recruitment.talk_within_month", case, as_of=D(2026, 11, 21)) == []


# ---------------------------------------------------------------- sponsors and introducers


def test_sponsors_are_one_or_two_full_members(applicant, members):
    case = make_case(applicant, activist_on=D(2023, 3, 1))
    assert broken("recruitment.sponsors", case) == []  # not designated yet, not a candidate yet
    add_contacts(case, SPONSOR, [members.a, members.b], D(2023, 3, 5))
    assert broken("recruitment.sponsors", case) == []
    CaseContact.objects.unrestricted().filter(case=case, position=2).update(person=members.probationary)
    assert broken("recruitment.sponsors", case) == ["培养联系人 2 人中 1 人在指定时不是正式党员"]
    CaseContact.objects.create(case=case, role=SPONSOR, position=3, person=members.c, designated_on=D(2023, 3, 5))
    assert broken("recruitment.sponsors", case) == ["培养联系人 3 人，超过 2 人；培养联系人 3 人中 1 人在指定时不是正式党员"]


def test_a_sponsor_converted_after_being_designated_was_not_a_full_member(applicant, members):
    case = make_case(applicant, activist_on=D(2023, 3, 1))
    add_contacts(case, SPONSOR, [members.a], D(2023, 3, 5))
    Membership.objects.unrestricted().filter(person=members.a).update(converted_on=D(2023, 3, 6))
    assert broken("recruitment.sponsors", case) == ["培养联系人 1 人中 1 人在指定时不是正式党员"]
    Membership.objects.unrestricted().filter(person=members.a).update(converted_on=D(2023, 3, 5))
    assert broken("recruitment.sponsors", case) == []


def test_a_candidate_without_sponsors(applicant):
    case = make_case(applicant, activist_on=D(2023, 3, 1), candidate_on=D(2024, 3, 1))
    assert broken("recruitment.sponsors", case) == ["已于 2024-03-01 确定为发展对象，但未指定培养联系人"]


def test_introducers_two_full_members_not_under_discipline(applicant, members):
    case = make_case(applicant, activist_on=D(2023, 3, 1), candidate_on=D(2024, 3, 1))
    add_contacts(case, INTRODUCER, [members.a], D(2024, 3, 10))
    assert broken("recruitment.introducers", case) == []  # one so far, before the branch meeting
    Case.objects.unrestricted().filter(pk=case.pk).update(branch_meeting_on=D(2024, 6, 1))
    assert broken("recruitment.introducers", case) == ["入党介绍人 1 人，应为 2 人"]
    CaseContact.objects.unrestricted().filter(case=case).delete()
    add_contacts(case, INTRODUCER, [members.a, members.b], D(2024, 3, 10), discipline_until=D(2024, 3, 10))
    assert broken("recruitment.introducers", case) == []  # rights restored the day they were designated
    CaseContact.objects.unrestricted().filter(case=case, position=1).update(discipline_until=D(2024, 12, 31))
    assert broken("recruitment.introducers", case) == ["入党介绍人中 1 人受留党察看处分、尚未恢复党员权利"]
    CaseContact.objects.unrestricted().filter(case=case, position=1).update(discipline_until=None,
                                                                            person=members.probationary)
    assert broken("recruitment.introducers", case) == ["入党介绍人中 1 人在确定时不是正式党员"]


# ---------------------------------------------------------------- candidates


@pytest.mark.parametrize("activist,candidate,problem", [
    (D(2023, 3, 1), D(2024, 3, 1), None),  # exactly one year is "one year or more"
    (D(2023, 3, 1), D(2024, 2, 29), "培养期 11 个月（2023-03-01 确定为入党积极分子，2024-02-29 确定为发展对象），不足 1 年"),
    (D(2024, 2, 29), D(2025, 2, 28), None),  # a leap day plus one year is 28 February
    (D(2024, 2, 29), D(2025, 2, 27), "培养期 11 个月（2024-02-29 确定为入党积极分子，2025-02-27 确定为发展对象），不足 1 年"),
    (D(2023, 8, 31), D(2024, 6, 30), "培养期 10 个月（2023-08-31 确定为入党积极分子，2024-06-30 确定为发展对象），不足 1 年"),
])
def test_activist_for_one_year_or_more(applicant, activist, candidate, problem):
    case = make_case(applicant, activist_on=activist, candidate_on=candidate)
    assert broken("recruitment.activist_one_year", case) == ([problem] if problem else [])


def test_political_review_concluded_before_admission(applicant):
    case = make_case(applicant, candidate_on=D(2024, 3, 1), activist_on=D(2023, 3, 1),
                     branch_meeting_on=D(2024, 6, 1))
    assert broken("recruitment.political_review", case) == ["2024-06-01 支部大会讨论接收，但未记录政治审查结论"]
    Case.objects.unrestricted().filter(pk=case.pk).update(review_concluded_on=D(2024, 6, 1), review_passed=True)
    assert broken("recruitment.political_review", case) == []
    Case.objects.unrestricted().filter(pk=case.pk).update(review_concluded_on=D(2024, 6, 2))
    assert broken("recruitment.political_review", case) == [
        "政治审查 2024-06-02 才形成结论，晚于支部大会讨论接收（2024-06-01）"]
    Case.objects.unrestricted().filter(pk=case.pk).update(review_concluded_on=D(2024, 5, 2), review_passed=False)
    assert broken("recruitment.political_review", case) == ["政治审查结论为不合格，不能发展入党"]


@pytest.mark.parametrize("start,end,hours,problem", [
    (D(2024, 5, 10), D(2024, 5, 12), None, None),  # three days
    (D(2024, 5, 10), D(2024, 5, 11), Decimal(24), None),  # or 24 学时
    (D(2024, 5, 10), D(2024, 5, 11), Decimal(16), "集中培训 2 天、16 学时，不足 3 天（或 24 学时）"),
    (D(2024, 5, 10), D(2024, 5, 11), Decimal("23.5"), "集中培训 2 天、23.5 学时，不足 3 天（或 24 学时）"),
    (None, None, None, "2024-06-01 支部大会讨论接收，但未参加发展对象集中培训"),
    (D(2024, 5, 30), D(2024, 6, 2), None, "集中培训 2024-06-02 才结束，晚于支部大会讨论接收（2024-06-01）"),
])
def test_training_three_days_or_24_hours_before_admission(applicant, start, end, hours, problem):
    case = make_case(applicant, activist_on=D(2023, 3, 1), candidate_on=D(2024, 3, 1), branch_meeting_on=D(2024, 6, 1),
                     training_start=start, training_end=end, training_hours=hours)
    assert broken("recruitment.training", case) == ([problem] if problem else [])


# ---------------------------------------------------------------- the branch meeting: integer arithmetic


@pytest.mark.parametrize("prefix,meeting", [("", "branch_meeting_on"), ("conversion_", "conversion_meeting_on")])
@pytest.mark.parametrize("expected,present,yes,quorum,majority", [
    (12, 6, 6, False, False),  # half is not more than half
    (12, 7, 7, True, True),
    (12, 12, 6, True, False),
    (13, 7, 7, True, True),  # 7 of 13 is more than half
    (13, 6, 6, False, False),
    (1, 1, 1, True, True),
    (0, 0, 0, False, False),
])
def test_quorum_and_majority_on_the_expected_voters(applicant, prefix, meeting, expected, present, yes, quorum,
                                                     majority):
    stage = "admission" if not prefix else "conversion"
    case = make_case(applicant, activist_on=D(2023, 3, 1), candidate_on=D(2024, 3, 1), branch_meeting_on=D(2024, 6, 1),
                     approved_on=D(2024, 7, 1), conversion_meeting_on=D(2025, 6, 1) if prefix else None,
                     **{f"{prefix}expected_voters": expected, f"{prefix}present_voters": present,
                        f"{prefix}yes_votes": yes})
    assert broken(f"recruitment.{stage}_quorum", case) == ([] if quorum else [
        f"实到会有表决权正式党员 {present} 人，未超过应到会有表决权正式党员 {expected} 人的半数"])
    assert broken(f"recruitment.{stage}_majority", case) == ([] if majority else [
        f"赞成 {yes} 票，未超过应到会有表决权正式党员 {expected} 人的半数"])


# ---------------------------------------------------------------- approval: three months, six with a reason


LATE_3 = "支部大会 {} 通过，上级党委 {} 审批，超过 3 个月（应于 {} 前），且未记录特殊情况"
LATE_6 = "支部大会 {} 通过，上级党委 {} 审批，超过 6 个月（最迟应于 {} 审批）"


@pytest.mark.parametrize("meeting,approved,reason,problem", [
    (D(2024, 3, 31), D(2024, 6, 30), "", None),  # exactly three months (to the month's end)
    (D(2024, 3, 31), D(2024, 7, 1), "", LATE_3.format("2024-03-31", "2024-07-01", "2024-06-30")),
    (D(2024, 3, 31), D(2024, 7, 1), "党委换届", None),
    (D(2024, 3, 31), D(2024, 9, 30), "党委换届", None),  # exactly six months
    (D(2024, 3, 31), D(2024, 10, 1), "党委换届", LATE_6.format("2024-03-31", "2024-10-01", "2024-09-30")),
    (D(2023, 11, 30), D(2024, 2, 29), "", None),  # across a leap February
    (D(2023, 11, 30), D(2024, 3, 1), "", LATE_3.format("2023-11-30", "2024-03-01", "2024-02-29")),
])
def test_approval_within_three_months(applicant, meeting, approved, reason, problem):
    case = make_case(applicant, activist_on=D(2022, 9, 1), candidate_on=D(2023, 9, 1), branch_meeting_on=meeting,
                     approved_on=approved, approval_special_reason=reason)
    assert broken("recruitment.approval_within_3_months", case) == ([problem] if problem else [])


def test_approval_overdue(applicant):
    case = make_case(applicant, activist_on=D(2025, 2, 1), candidate_on=D(2026, 2, 1), branch_meeting_on=D(2026, 8, 20))
    assert broken("recruitment.approval_within_3_months", case, as_of=D(2026, 11, 20)) == []
    assert broken("recruitment.approval_within_3_months", case, as_of=D(2026, 11, 21)) == [
        "支部大会 2026-08-20 通过接收，应于 2026-11-20 前审批，至今未审批"]


# ---------------------------------------------------------------- probation and conversion


@pytest.mark.parametrize("months,ok", [(6, True), (12, True), (5, False), (13, False)])
def test_one_extension_of_six_to_twelve_months(applicant, months, ok):
    case = make_case(applicant, branch_meeting_on=D(2024, 6, 1), approved_on=D(2024, 7, 1),
                     probation_extended_on=D(2025, 6, 5), probation_extended_months=months)
    assert broken("recruitment.probation_extension", case) == ([] if ok else [
        f"延长预备期 {months} 个月，应不少于半年、不超过一年"])


@pytest.mark.parametrize("meeting,extended,conversion,problem", [
    (D(2025, 2, 28), None, D(2026, 2, 28), None),  # one year to the day
    (D(2025, 2, 28), None, D(2026, 2, 27), "预备期 2026-02-28 才满，支部大会 2026-02-27 提前讨论转正"),
    (D(2024, 2, 29), None, D(2025, 2, 28), None),  # leap day: probation ends 2025-02-28
    (D(2024, 2, 29), 6, D(2025, 8, 28), "预备期 2025-08-29 才满，支部大会 2025-08-28 提前讨论转正"),
    (D(2024, 2, 29), 6, D(2025, 8, 29), None),
])
def test_conversion_not_before_the_probation_ends(applicant, meeting, extended, conversion, problem):
    case = make_case(applicant, branch_meeting_on=meeting, approved_on=meeting + dt.timedelta(days=20),
                     probation_extended_months=extended, conversion_meeting_on=conversion)
    assert broken("recruitment.conversion_on_time", case) == ([problem] if problem else [])


def test_a_conversion_not_yet_discussed_the_day_after_the_probation_is_no_national_error(applicant):
    """Issue 13, wrong result 10: the 细则 says only 及时; the lead time is a local rule."""
    case = make_case(applicant, branch_meeting_on=D(2025, 11, 26), approved_on=D(2025, 12, 20))
    assert broken("recruitment.conversion_on_time", case, as_of=D(2026, 11, 27)) == []
    assert broken("recruitment.conversion_on_time", case, as_of=D(2027, 11, 27)) == []
    assert "及时" in rules.RULES["recruitment.conversion_on_time"].text


def _conversion_rules(tree):
    from django.core.management import call_command

    call_command("recruitment", "local-rules", "--org", "14")
    found = {r.code: r for r in recruitment_rules() if r.local}
    return found["recruitment.local.conversion_late"], found["recruitment.local.conversion_overdue"]


def _judged(rule, case, as_of):
    return [rule.describe(r) for r in rule.violations(Case.objects.unrestricted().filter(pk=case.pk), as_of)]


@pytest.mark.parametrize("as_of,late,overdue", [
    (D(2026, 12, 26), [], []),  # one month after the probation ended: still in time
    (D(2026, 12, 27), ["预备期已于 2026-11-26 届满，超过 1 个月支部大会仍未讨论转正"], []),
    (D(2027, 2, 26), ["预备期已于 2026-11-26 届满，超过 1 个月支部大会仍未讨论转正"], []),
    (D(2027, 2, 27), [], ["预备期已于 2026-11-26 届满，超过 3 个月支部大会仍未讨论转正"]),
])
def test_the_conversion_lead_time_is_a_local_rule_warning_after_one_month_error_after_three(
        tree, applicant, as_of, late, overdue):
    warning, error = _conversion_rules(tree)
    assert (warning.severity, error.severity) == (rules.WARNING, rules.ERROR)
    case = make_case(applicant, branch_meeting_on=D(2025, 11, 26), approved_on=D(2025, 12, 20))
    assert (_judged(warning, case, as_of), _judged(error, case, as_of)) == (late, overdue)


@pytest.mark.parametrize("meeting,late,overdue", [
    (D(2026, 12, 26), False, False), (D(2026, 12, 27), True, False), (D(2027, 2, 27), False, True)])
def test_a_conversion_discussed_late(tree, applicant, meeting, late, overdue):
    warning, error = _conversion_rules(tree)
    case = make_case(applicant, branch_meeting_on=D(2025, 11, 26), approved_on=D(2025, 12, 20),
                     conversion_meeting_on=meeting)
    as_of = D(2027, 6, 1)
    assert bool(_judged(warning, case, as_of)) == late and bool(_judged(error, case, as_of)) == overdue
    if late:
        assert _judged(warning, case, as_of) == [
            "预备期 2026-11-26 届满，支部大会 2026-12-27 才讨论转正，超过 1 个月"]
    assert warning.edition_on(D(2025, 11, 26)).citation.startswith("本地工作安排")


@pytest.mark.parametrize("approved,ok", [(D(2026, 4, 30), True), (D(2026, 5, 1), False)])
def test_conversion_approved_within_three_months(applicant, approved, ok):
    case = make_case(applicant, branch_meeting_on=D(2025, 1, 20), approved_on=D(2025, 2, 20),
                     conversion_meeting_on=D(2026, 1, 31), conversion_approved_on=approved)
    assert broken("recruitment.conversion_approval_within_3_months", case) == ([] if ok else [
        "支部大会 2026-01-31 讨论转正，上级党委 2026-05-01 审批，超过 3 个月（应于 2026-04-30 前）"])


def test_dues_from_the_branch_meeting(tree, applicant):
    case = make_case(applicant, branch_meeting_on=D(2025, 6, 1), approved_on=D(2025, 7, 1))
    assert broken("recruitment.dues_from_admission", case) == [
        "已审批接收为预备党员（支部大会 2025-06-01 通过），但未建立党员信息，党费起交日期无从确定"]
    Membership.objects.create(person=applicant, organization=tree.b1, status="probationary", joined_on=D(2025, 7, 1))
    assert broken("recruitment.dues_from_admission", case) == [
        "党员信息中的入党时间 2025-07-01 与支部大会通过之日 2025-06-01 不一致，党费应自支部大会通过之日起交纳"]
    Membership.objects.unrestricted().update(joined_on=D(2025, 6, 1))
    assert broken("recruitment.dues_from_admission", case) == []
    assert rules.RULES["recruitment.dues_from_admission"].severity == rules.WARNING


# ---------------------------------------------------------------- editions


def test_the_edition_in_force_on_the_event_is_cited(applicant, tree):
    late = dict(activist_on=D(2024, 3, 1), candidate_on=D(2025, 3, 1), approval_special_reason="")
    before = make_case(applicant, branch_meeting_on=D(2026, 5, 10), approved_on=D(2026, 8, 11), **late)
    assert cited("recruitment.approval_within_3_months", before) == "《中国共产党发展党员工作细则》（2014年）条款号待核"
    other = make_person(tree.b1, "后者", birth=D(1999, 1, 1), seq=305)
    after = make_case(other, branch_meeting_on=D(2026, 5, 11), approved_on=D(2026, 8, 12), **late)
    assert cited("recruitment.approval_within_3_months", after) == (
        "《中国共产党发展党员工作细则》（2026年修订）条款号待核")


def test_events_before_the_2014_rules_took_effect_are_not_judged(applicant):
    case = make_case(applicant, applied_on=D(2013, 1, 5), activist_on=D(2013, 9, 1), candidate_on=D(2014, 6, 9))
    assert broken("recruitment.activist_one_year", case) == []
    Case.objects.unrestricted().filter(pk=case.pk).update(candidate_on=D(2014, 6, 10))
    assert cited("recruitment.activist_one_year", case) == "《中国共产党发展党员工作细则》（2014年）第十三条"


def test_every_rule_cites_both_editions_or_its_own_regulation():
    national = [r for r in recruitment_rules() if not r.local]
    assert len(national) == 23
    # The sponsor and introducer rules are being changed by another branch (their status on the day): not here.
    others = ("recruitment.sponsors", "recruitment.introducers")
    for rule in national:
        assert "据" not in rule.text and "第三方" not in rule.text and "http" not in rule.text, rule.code
        if rule.code == "recruitment.dues_from_admission":
            assert rule.editions[0].citation == "《关于中国共产党党费收缴、使用和管理的规定》（2008年）一、第八条"
            continue
        old, new = rule.editions
        assert (old.effective_from, old.effective_to, new.effective_from) == (D(2014, 6, 10), D(2026, 5, 11),
                                                                              D(2026, 5, 11))
        assert new.citation == "《中国共产党发展党员工作细则》（2026年修订）条款号待核", rule.code
        if rule.code in others:
            continue
        # A 2014 article only where regulations.md verifies it as the article of the rule's fact.
        assert rule.facts and all(f in FACTS for f in rule.facts), rule.code
        assert old.article == "条款号待核" or any(VERIFIED_2014.get(f) == old.article for f in rule.facts), rule.code


# regulations.md §1.2: the facts whose 2014 article is verified (V2, no "art. U" or "?").
VERIFIED_2014 = {"A1": "第五条", "A3": "第七条", "A4": "第八条", "A6": "第十一条", "A7": "第十三条", "A10": "第十七条",
                 "A11": "第十九条", "A12": "第二十条", "A17": "第三十条", "A18": "第三十二条", "A19": "第三十三条",
                 "A20": "第三十四条"}
FACTS = {f"A{i}" for i in range(1, 23)}


# ---------------------------------------------------------------- local rules


def local_rule(tree, template, params, org=None, **extra):
    LocalRule.objects.create(template=template, code=f"test.{template}", title="本地规则", params=params,
                             severity="warning", regulation="《某省发展党员工作实施办法》", article="第八条",
                             effective_from=D(2026, 5, 11), organization=org or tree.root, **extra)
    return next(r for r in recruitment_rules() if r.code == f"test.{template}")


@pytest.mark.parametrize("end,problem", [
    (D(2026, 10, 9), "公示 4 个工作日（2026-09-29 至 2026-10-09），不足 5 个工作日"),  # National Day in between
    (D(2026, 10, 10), None),  # Saturday 10-10 is a make-up working day: the fifth
])
def test_publicity_in_working_days_across_national_day(tree, applicant, end, problem):
    rule = local_rule(tree, "publicity_working_days", {"days": 5, "stage": "candidate"})
    case = make_case(applicant, activist_on=D(2025, 9, 1), candidate_on=D(2026, 10, 12),
                     candidate_public_notice_start=D(2026, 9, 29), candidate_public_notice_end=end)
    rows = rule.violations(Case.objects.unrestricted().filter(pk=case.pk), D(2026, 11, 27))
    assert [rule.describe(r) for r in rows] == ([problem] if problem else [])
    assert rule.local and rule.edition_on(D(2026, 10, 12)).citation == "《某省发展党员工作实施办法》第八条"


def test_publicity_must_end_before_the_candidate_is_named(tree, applicant):
    rule = local_rule(tree, "publicity_working_days", {"days": 5})
    case = make_case(applicant, activist_on=D(2025, 9, 1), candidate_on=D(2026, 10, 12))
    qs = Case.objects.unrestricted().filter(pk=case.pk)
    assert [rule.describe(r) for r in rule.violations(qs, D(2026, 11, 27))] == ["确定发展对象（2026-10-12）前未记录公示"]
    qs.update(candidate_public_notice_start=D(2026, 9, 28), candidate_public_notice_end=D(2026, 10, 12))
    assert [rule.describe(r) for r in rule.violations(qs, D(2026, 11, 27))] == [
        "公示至 2026-10-12，未在确定发展对象（2026-10-12）之前期满"]


def test_a_local_rule_judges_only_its_subtree_and_its_period(tree, members):
    rule = local_rule(tree, "publicity_working_days", {"days": 5}, org=tree.taiyuan)
    in_datong = make_case(members.datong, activist_on=D(2025, 9, 1), candidate_on=D(2026, 10, 12))
    before = make_case(make_person(tree.b1, "早前", birth=D(1998, 1, 1), seq=307), activist_on=D(2025, 1, 1),
                       candidate_on=D(2026, 5, 10))
    qs = Case.objects.unrestricted().filter(pk__in=[in_datong.pk, before.pk])
    assert rule.violations(qs, D(2026, 11, 27)) == []


@pytest.mark.parametrize("meeting,ok", [(D(2026, 7, 30), True), (D(2026, 7, 31), False)])
def test_local_lead_time_from_prereview_to_branch_meeting(tree, applicant, meeting, ok):
    rule = local_rule(tree, "step_within_months", {"from": "prereview_on", "to": "branch_meeting_on", "months": 1})
    case = make_case(applicant, activist_on=D(2025, 1, 1), candidate_on=D(2026, 3, 1), committee_review_on=D(2026, 6, 1),
                     prereview_on=D(2026, 6, 30), branch_meeting_on=meeting)
    rows = rule.violations(Case.objects.unrestricted().filter(pk=case.pk), D(2026, 11, 27))
    assert [rule.describe(r) for r in rows] == ([] if ok else [
        "上级党委预审（2026-06-30）后 1 个月内应支部大会讨论接收，实际于 2026-07-31"])


def test_the_default_local_rules_install(tree):
    from django.core.management import call_command

    call_command("recruitment", "local-rules", "--org", "14")
    codes = {r.code: r for r in recruitment_rules() if r.local}
    publicity = codes["recruitment.local.candidate_publicity"]
    assert publicity.editions[0].citation == "《中国共产党发展党员工作细则》（2026年修订）条款号待核"
    assert "recruitment.local.meeting_after_prereview" in codes
    LocalRule.objects.filter(code="recruitment.local.candidate_publicity").update(params={"days": 7})
    call_command("recruitment", "local-rules")  # a re-run keeps the department's own numbers
    assert LocalRule.objects.get(code="recruitment.local.candidate_publicity").params == {"days": 7}


# ---------------------------------------------------------------- the steps of the chart (issue 13)


def step(case, kind, on):
    from zugong.recruitment.models import Step

    Step.objects.create(case=case, kind=kind, on=on)


def test_an_activist_is_assessed_every_half_year(applicant):
    case = make_case(applicant, activist_on=D(2025, 1, 31))
    code = "recruitment.activist_assessment"
    assert broken(code, case, as_of=D(2025, 7, 31)) == []  # six months to the day: not yet late
    assert broken(code, case, as_of=D(2025, 8, 1)) == [
        "确定为入党积极分子（2025-01-31）后半年内（至 2025-07-31）未记录培养教育考察"]
    step(case, "inspection", D(2025, 7, 31))
    assert broken(code, case, as_of=D(2026, 1, 31)) == []
    assert broken(code, case, as_of=D(2026, 2, 1)) == [
        "上次培养教育考察（2025-07-31）后半年内（至 2026-01-31）未记录培养教育考察"]
    # Named a candidate within the half year: the activist period is over, nothing more is owed.
    Case.objects.unrestricted().filter(pk=case.pk).update(candidate_on=D(2026, 1, 31))
    assert broken(code, case, as_of=D(2026, 11, 27)) == []
    assert rules.RULES[code].severity == rules.ERROR and rules.RULES[code].facts == ("A6",)


def test_a_gap_in_the_middle_is_found_and_later_inspections_do_not_hide_it(applicant):
    case = make_case(applicant, activist_on=D(2023, 1, 10), candidate_on=D(2025, 1, 10))
    for on in (D(2023, 7, 1), D(2024, 3, 1), D(2024, 9, 1)):
        step(case, "inspection", on)
    assert broken("recruitment.activist_assessment", case) == [
        "上次培养教育考察（2023-07-01）后半年内（至 2024-01-01）未记录培养教育考察"]


@pytest.mark.parametrize("filed,problem", [
    (D(2024, 3, 20), None), (D(2025, 3, 2), "2024-03-01 确定为入党积极分子，至确定为发展对象（2025-03-01）未记录报上级党委备案"),
    (None, "2024-03-01 确定为入党积极分子，至确定为发展对象（2025-03-01）未记录报上级党委备案"),
])
def test_activists_are_filed_with_the_higher_committee(applicant, filed, problem):
    case = make_case(applicant, activist_on=D(2024, 3, 1), candidate_on=D(2025, 3, 1))
    if filed:
        step(case, "activist_filing", filed)
    assert broken("recruitment.activist_filed", case) == ([problem] if problem else [])


def test_an_activist_not_yet_a_candidate_is_not_judged_for_filing(applicant):
    assert broken("recruitment.activist_filed", make_case(applicant, activist_on=D(2024, 3, 1))) == []


@pytest.mark.parametrize("filed,ok", [(D(2025, 3, 10), True), (None, False), (D(2025, 6, 2), False)])
def test_candidates_are_filed_before_the_committee_review(applicant, filed, ok):
    case = make_case(applicant, activist_on=D(2024, 3, 1), candidate_on=D(2025, 3, 1),
                     committee_review_on=D(2025, 6, 1))
    if filed:
        step(case, "candidate_filing", filed)
    assert broken("recruitment.candidate_filed", case) == ([] if ok else [
        "2025-03-01 确定为发展对象，至支部委员会审查（2025-06-01）未记录报上级党委备案"])


@pytest.mark.parametrize("prereview,problem", [
    (D(2025, 6, 10), None),
    (None, "2025-07-01 支部大会讨论接收，但未记录上级党委预审"),
    (D(2025, 7, 2), "上级党委 2025-07-02 才预审，晚于支部大会讨论接收（2025-07-01）"),
])
def test_the_prereview_comes_before_the_branch_meeting(applicant, prereview, problem):
    case = make_case(applicant, activist_on=D(2024, 3, 1), candidate_on=D(2025, 3, 1), prereview_on=prereview,
                     branch_meeting_on=D(2025, 7, 1))
    assert broken("recruitment.prereview_before_meeting", case) == ([problem] if problem else [])
    assert rules.RULES["recruitment.prereview_before_meeting"].editions[0].article == "第十九条"


@pytest.mark.parametrize("talk,ok", [(D(2025, 7, 20), True), (D(2025, 8, 1), True), (D(2025, 8, 2), False),
                                     (None, False)])
def test_a_committee_member_or_organizer_talks_before_the_approval(applicant, talk, ok):
    case = make_case(applicant, branch_meeting_on=D(2025, 7, 1), approved_on=D(2025, 8, 1))
    if talk:
        step(case, "approval_talk", talk)
    assert broken("recruitment.approval_talk", case) == ([] if ok else [
        "上级党委 2025-08-01 审批接收预备党员，审批前未记录党委委员或组织员同发展对象谈话"])


def test_a_general_branch_may_not_approve_an_admission(tree, applicant):
    from zugong.orgs.models import Organization

    case = make_case(applicant, branch_meeting_on=D(2025, 7, 1), approved_on=D(2025, 8, 1))
    code = "recruitment.approving_committee"
    assert broken(code, case) == []  # not recorded: not judged
    general = _org(tree.taiyuan, "某某机关党总支", "1401GB", kind=Organization.Kind.GENERAL_BRANCH)
    Case.objects.unrestricted().filter(pk=case.pk).update(approving_organization=general)
    assert broken(code, case) == [f"由{general.name}（党总支）审批接收预备党员；党总支没有审批权，应由具有审批权的基层党委审批"]
    assert cited(code, case) == "《中国共产党发展党员工作细则》（2014年）条款号待核"
    Case.objects.unrestricted().filter(pk=case.pk).update(approving_organization=tree.taiyuan)
    assert tree.taiyuan.kind == Organization.Kind.COMMITTEE and broken(code, case) == []


def test_the_oath_is_recorded_before_the_conversion_is_discussed(applicant):
    case = make_case(applicant, branch_meeting_on=D(2024, 7, 1), approved_on=D(2024, 8, 1),
                     conversion_meeting_on=D(2025, 7, 2))
    assert broken("recruitment.oath_recorded", case) == ["支部大会 2025-07-02 讨论转正，但未记录入党宣誓"]
    assert cited("recruitment.oath_recorded", case) == "《中国共产党发展党员工作细则》（2014年）第三十条"
    Case.objects.unrestricted().filter(pk=case.pk).update(oath_on=D(2024, 8, 20))
    assert broken("recruitment.oath_recorded", case) == []
# ---------------------------------------------------------------- introducers judged on the day (issue 13, item 4)


def _history(person, *spans):
    """Give a member a status history: (status, started_on, ended_on) spans; the record keeps the last."""
    from zugong.members.models import StatusSpan

    m = Membership.objects.unrestricted().get(person=person)
    StatusSpan.objects.unrestricted().filter(membership=m).delete()
    for status, start, end in spans:
        StatusSpan.objects.create(membership=m, status=status, started_on=start, ended_on=end)
    Membership.objects.unrestricted().filter(pk=m.pk).update(status=spans[-1][0])


def test_an_introducer_stopped_in_2025_was_a_full_member_for_a_2020_case(applicant, members):
    case = make_case(applicant, activist_on=D(2019, 3, 1), candidate_on=D(2020, 3, 1),
                     branch_meeting_on=D(2020, 6, 1))
    add_contacts(case, INTRODUCER, [members.a, members.b], D(2020, 3, 10))
    _history(members.a, ("probationary", D(2000, 7, 1), D(2001, 7, 1)), ("full", D(2001, 7, 1), D(2025, 4, 1)),
             ("stopped", D(2025, 4, 1), None))
    assert broken("recruitment.introducers", case) == []
    # the same introducer, designated after the stop, is no full member
    CaseContact.objects.unrestricted().filter(case=case).update(designated_on=D(2025, 4, 1))
    assert broken("recruitment.introducers", case) == ["入党介绍人中 1 人在确定时不是正式党员"]


def test_a_sponsor_probationary_on_the_day_is_not_a_full_member_though_full_today(applicant, members):
    case = make_case(applicant, activist_on=D(2023, 3, 1))
    add_contacts(case, SPONSOR, [members.a], D(2023, 3, 5))
    _history(members.a, ("probationary", D(2022, 6, 1), D(2023, 6, 1)), ("full", D(2023, 6, 1), None))
    assert broken("recruitment.sponsors", case) == ["培养联系人 1 人中 1 人在指定时不是正式党员"]
    CaseContact.objects.unrestricted().filter(case=case).update(designated_on=D(2023, 6, 1))
    assert broken("recruitment.sponsors", case) == []


def test_an_introducer_under_probation_in_the_history_is_disciplined(applicant, members):
    from zugong.members.models import DisciplineSpan

    case = make_case(applicant, activist_on=D(2023, 3, 1), candidate_on=D(2024, 3, 1))
    add_contacts(case, INTRODUCER, [members.a, members.b], D(2024, 3, 10))
    m = Membership.objects.unrestricted().get(person=members.a)
    span = DisciplineSpan.objects.create(membership=m, started_on=D(2023, 9, 1), ended_on=D(2024, 3, 10))
    assert broken("recruitment.introducers", case) == []  # rights restored the day they were designated
    DisciplineSpan.objects.filter(pk=span.pk).update(ended_on=D(2024, 9, 1))
    assert broken("recruitment.introducers", case) == ["入党介绍人中 1 人受留党察看处分、尚未恢复党员权利"]


def test_a_discipline_recorded_later_re_judges_the_case_at_once(applicant, members, users,
                                                                django_capture_on_commit_callbacks):
    """Issue 13: the case rules read the contacts' dated history (`Reads` on members.DisciplineSpan): recording
    a 留党察看 back to before the designation opens the finding when it commits, without a scan."""
    from zugong.core.models import Finding
    from zugong.members import services as member_services

    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(applicant, activist_on=D(2023, 3, 1), candidate_on=D(2024, 3, 1))
        add_contacts(case, INTRODUCER, [members.a, members.b], D(2024, 3, 10))
    assert not Finding.objects.unrestricted().filter(rule="recruitment.introducers", object_id=case.pk)
    m = Membership.objects.unrestricted().get(person=members.a)
    with django_capture_on_commit_callbacks(execute=True):
        member_services.record_discipline(users.admin, m, started_on=D(2023, 9, 1), ended_on=D(2024, 9, 1))
    finding = Finding.objects.unrestricted().get(rule="recruitment.introducers", object_id=case.pk,
                                                 resolved_at__isnull=True)
    assert finding.detail == "入党介绍人中 1 人受留党察看处分、尚未恢复党员权利"

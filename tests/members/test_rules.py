"""The members' rules: each broken and just met (exactly 3, exactly 50, exactly six months, month ends, leap
days), the measured Chinese detail, citations, and scans whose query count does not grow with the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import _org
from tests.members.conftest import make_member
from zugong.core import rules
from zugong.core.dates import add_months
from zugong.core.models import Finding
from zugong.members import rules as member_rules
from zugong.members.models import DuesExemption, DuesPayment, Membership, TransferRequest

pytestmark = pytest.mark.django_db
D = dt.date
FULL, PROBATIONARY = Membership.Status.FULL, Membership.Status.PROBATIONARY
MEMBER_RULES = [r for code, r in rules.RULES.items() if code.startswith("members.")]


def broken(code, obj, as_of) -> list[str]:
    """The Chinese details of the violations of one rule by one record (empty: the record meets the rule)."""
    return [rules.RULES[code].describe(row) for _rule, row in rules.check_record([code], obj, as_of)]


def branch(parent, name, code, sector="government"):
    return _org(parent, name, code, "branch", sector)


def fill(org, n, seq0, **fields):
    return [make_member(org, f"党员{seq0 + i}", seq0 + 2 * i, **fields) for i in range(n)]


# ---------------------------------------------------------------- calendar months


@pytest.mark.parametrize(
    "as_of,months,expected",
    [
        (D(2026, 3, 15), 6, D(2025, 9, 15)),
        (D(2026, 2, 28), 6, D(2025, 8, 31)),  # every start up to 8-31 has had six months by 2-28
        (D(2026, 2, 27), 6, D(2025, 8, 27)),
        (D(2024, 8, 29), 6, D(2024, 2, 29)),  # leap day
        (D(2024, 2, 29), 12, D(2023, 2, 28)),
        (D(2026, 2, 28), 24, D(2024, 2, 29)),  # two years from a leap day end on 2-28
    ],
)
def test_latest_start(as_of, months, expected):
    assert member_rules.latest_start(as_of, months) == expected
    assert add_months(expected, months) <= as_of < add_months(expected + dt.timedelta(days=1), months)


def test_months_elapsed_in_sql_is_calendar_arithmetic(tree):
    starts = [D(2024, 2, 29), D(2025, 1, 31), D(2025, 8, 31), D(2025, 9, 1), D(2025, 9, 30), D(2025, 12, 15)]
    people = {
        make_member(tree.b2, f"日期{i}", 600 + 2 * i, lost_contact_since=s).pk: s
        for i, s in enumerate(starts)
    }
    for as_of in (D(2026, 2, 28), D(2026, 3, 1), D(2026, 3, 30), D(2026, 3, 31), D(2028, 2, 29)):
        got = dict(
            Membership.objects.unrestricted()
            .filter(pk__in=people)
            .annotate(n=member_rules.months_elapsed_sql("lost_contact_since", as_of))
            .values_list("pk", "n")
        )
        for pk, start in people.items():
            expected = max(n for n in range(0, 60) if add_months(start, n) <= as_of)
            assert got[pk] == expected, (start, as_of)


# ---------------------------------------------------------------- organizations


def test_branch_with_exactly_three_full_members_meets_the_rule(tree):
    org = branch(tree.xiaodian, "三人支部", "14010590")
    fill(org, 3, 700)
    fill(org, 2, 710, status=PROBATIONARY, joined_on=D(2026, 3, 1))
    assert broken("members.branch_too_small", org, D(2026, 11, 27)) == []


def test_branch_with_two_full_members_breaks_the_rule(tree):
    org = branch(tree.xiaodian, "两人支部", "14010591")
    fill(org, 2, 720)
    fill(org, 3, 730, status=PROBATIONARY, joined_on=D(2026, 3, 1))
    fill(org, 1, 740, transferred_out_on=D(2026, 1, 5))  # gone from the province: not counted
    fill(org, 1, 750, status=Membership.Status.STOPPED)
    assert broken("members.branch_too_small", org, D(2026, 11, 27)) == ["正式党员 2 名，不足 3 名"]
    finding = rules.RULES["members.branch_too_small"]
    assert finding.citation == "《中国共产党支部工作条例（试行）》第四条"


def test_only_active_branches_are_judged(tree):
    empty = branch(tree.xiaodian, "空支部", "14010592")
    assert broken("members.branch_too_small", empty, D(2026, 11, 27)) == ["正式党员 0 名，不足 3 名"]
    assert broken("members.branch_too_small", tree.xiaodian, D(2026, 11, 27)) == []  # a committee
    empty.status = empty.Status.DISSOLVED
    empty.save()
    assert broken("members.branch_too_small", empty, D(2026, 11, 27)) == []


def test_branch_of_exactly_fifty_meets_and_fifty_one_breaks(tree):
    org = branch(tree.xiaodian, "大支部", "14010593")
    fill(org, 45, 800)
    fill(org, 5, 900, status=PROBATIONARY, joined_on=D(2026, 3, 1))
    fill(org, 2, 920, transferred_out_on=D(2026, 1, 5))
    assert broken("members.branch_too_large", org, D(2026, 11, 27)) == []
    fill(org, 1, 930, status=PROBATIONARY, joined_on=D(2026, 4, 1))
    assert broken("members.branch_too_large", org, D(2026, 11, 27)) == ["党员 51 名，超过 50 名"]


def test_seven_full_members_need_a_committee(tree):
    org = branch(tree.xiaodian, "七人支部", "14010594")
    crew = fill(org, 7, 1000)
    fill(org, 2, 1020, status=PROBATIONARY, joined_on=D(2026, 3, 1), committee_post="member")  # no vote yet
    Membership.objects.unrestricted().filter(pk=crew[0].pk).update(committee_post="secretary")
    Membership.objects.unrestricted().filter(pk=crew[1].pk).update(committee_post="organization")
    assert broken("members.branch_without_committee", org, D(2026, 11, 27)) == [
        "正式党员 7 名，支部委员会委员仅 2 名，应设立 3 至 5 人的支部委员会"
    ]
    Membership.objects.unrestricted().filter(pk=crew[2].pk).update(committee_post="propaganda")
    assert broken("members.branch_without_committee", org, D(2026, 11, 27)) == []


def test_six_full_members_need_no_committee(tree):
    org = branch(tree.xiaodian, "六人支部", "14010595")
    fill(org, 6, 1040)
    fill(org, 3, 1060, status=PROBATIONARY, joined_on=D(2026, 3, 1))
    assert broken("members.branch_without_committee", org, D(2026, 11, 27)) == []


# ---------------------------------------------------------------- members


def test_lost_contact_exactly_six_months_at_a_month_end(tree):
    m = make_member(tree.b1, "失联", 1101, lost_contact_since=D(2025, 8, 31))
    assert broken("members.lost_contact", m, D(2026, 2, 27)) == []
    assert broken("members.lost_contact", m, D(2026, 2, 28)) == ["失去联系 6 个月（2025年8月31日起），未登记查找情况，应当多方查找"]
    assert broken("members.lost_contact", m, D(2027, 3, 1)) == [
        "失去联系 1 年 6 个月（2025年8月31日起），未登记查找情况，应当多方查找"
    ]
    m.status = Membership.Status.STOPPED  # handled: 停止党籍
    m.save()
    assert broken("members.lost_contact", m, D(2026, 2, 28)) == []
    assert rules.RULES["members.lost_contact"].citation == "《中国共产党党员教育管理工作条例》第二十四条"


def test_lost_contact_from_a_leap_day(tree):
    m = make_member(tree.b1, "闰日", 1103, lost_contact_since=D(2024, 2, 29))
    assert broken("members.lost_contact", m, D(2024, 8, 28)) == []
    assert broken("members.lost_contact", m, D(2024, 8, 29)) == [
        "失去联系 6 个月（2024年2月29日起），未登记查找情况，应当多方查找"
    ]


def test_away_six_months_without_transfer(tree, users):
    m = make_member(tree.b1, "外出", 1105, away_since=D(2025, 9, 15))
    assert broken("members.away_without_transfer", m, D(2026, 3, 14)) == []
    assert broken("members.away_without_transfer", m, D(2026, 3, 15)) == [
        "外出 6 个月未转接组织关系（2025年9月15日外出）"
    ]
    assert broken("members.away_without_transfer", m, D(2026, 5, 20)) == [
        "外出 8 个月未转接组织关系（2025年9月15日外出）"
    ]
    from zugong.members import services

    services.request_transfer(
        users.secretary, m, kind=TransferRequest.Kind.OUT, to_org_name="中共某省某单位支部"
    )
    assert broken("members.away_without_transfer", m, D(2026, 5, 20)) == []  # being transferred
    assert rules.RULES["members.away_without_transfer"].citation == (
        "《中国共产党党员教育管理工作条例》第二十五条、第三十二条"
    )


def test_graduate_kept_at_school_two_years_at_most(tree):
    school = branch(tree.xiaodian, "某学院学生党支部", "14010596", sector="school")
    m = make_member(school, "毕业生", 1107, category=Membership.Category.STUDENT, graduated_on=D(2024, 2, 29))
    assert broken("members.graduate_at_school", m, D(2026, 2, 28)) == []  # exactly two years: still allowed
    assert broken("members.graduate_at_school", m, D(2026, 3, 1)) == [
        "毕业 2 年（2024年2月29日毕业），组织关系仍在学校，超过 2 年"
    ]
    assert broken("members.graduate_at_school", m, D(2026, 7, 1)) == [
        "毕业 2 年 4 个月（2024年2月29日毕业），组织关系仍在学校，超过 2 年"
    ]
    elsewhere = make_member(tree.b2, "机关毕业生", 1109, graduated_on=D(2020, 7, 1))
    assert broken("members.graduate_at_school", elsewhere, D(2026, 3, 1)) == []
    assert (
        rules.RULES["members.graduate_at_school"].citation == "《中国共产党党员教育管理工作条例》第三十四条"
    )


def test_mobile_member_needs_an_inflow_organization(tree):
    m = make_member(tree.b1, "流动", 1111, category=Membership.Category.MOBILE)
    assert broken("members.mobile_without_inflow", m, D(2026, 3, 1)) == ["流动党员，未登记流入地党组织"]
    m.inflow_org_name = "中共某省某市流动党员党支部"
    m.save()
    assert broken("members.mobile_without_inflow", m, D(2026, 3, 1)) == []
    m.inflow_org_name, m.inflow_organization = "", tree.b3
    m.save()
    assert broken("members.mobile_without_inflow", m, D(2026, 3, 1)) == []


def _pay(m, first, last, amount="40.00"):
    from zugong.members.dues import months

    for month in months(first, last):
        DuesPayment.objects.create(
            membership=m,
            organization=m.organization,
            org_path=m.org_path,
            month=month,
            amount=Decimal(amount),
            paid_on=month + dt.timedelta(days=3),
        )


def test_six_consecutive_unpaid_months(tree):
    m = make_member(tree.b1, "欠费", 1113, joined_on=D(2024, 7, 1))
    _pay(m, D(2024, 7, 1), D(2025, 8, 1))
    assert broken("members.dues_unpaid_six_months", m, D(2026, 2, 28)) == []  # five months owed
    assert broken("members.dues_unpaid_six_months", m, D(2026, 3, 1)) == [
        "连续 6 个月未交党费（2025年9月起），未登记理由"
    ]
    assert broken("members.dues_unpaid_six_months", m, D(2026, 4, 30)) == [
        "连续 7 个月未交党费（2025年9月起），未登记理由"
    ]
    DuesExemption.objects.create(
        membership=m,
        organization=m.organization,
        org_path=m.org_path,
        month_from=D(2025, 10, 1),
        month_to=D(2025, 10, 1),
        reason="住院",
    )
    assert broken("members.dues_unpaid_six_months", m, D(2026, 4, 30)) == []  # only November–March since
    rule = rules.RULES["members.dues_unpaid_six_months"]
    assert (rule.severity, rule.citation) == (
        rules.ERROR,
        "《关于中国共产党党费收缴、使用和管理的规定》（2008年）一、第十三条",
    )


def test_back_payment_resolves_the_finding(tree):
    m = make_member(tree.b1, "补交", 1115, joined_on=D(2025, 8, 1))
    rule = rules.RULES["members.dues_unpaid_six_months"]

    def scan():
        return rules.scan(tree.b1.path, D(2026, 3, 1), [rule])

    assert scan().opened == 1
    f = Finding.objects.unrestricted().get(rule="members.dues_unpaid_six_months", object_id=m.pk)
    assert (f.person_id, f.organization_id, f.article) == (m.person_id, tree.b1.pk, "一、第十三条")
    _pay(m, D(2025, 8, 1), D(2026, 2, 1))
    assert scan().resolved == 1


def test_underpaid_dues_by_the_brackets(tree):
    m = make_member(tree.b1, "少交", 1117, dues_base=Decimal("6000.00"))  # 1.5 % → 90.00
    _pay(m, D(2026, 2, 1), D(2026, 2, 1), amount="60.00")
    assert broken("members.dues_underpaid", m, D(2026, 3, 1)) == [
        "2026年2月交纳党费 60.00 元，按计算基数应交 90.00 元"
    ]
    DuesPayment.objects.unrestricted().filter(membership=m).update(amount=Decimal("89.99"))
    assert broken("members.dues_underpaid", m, D(2026, 3, 1)) == []  # a cent is rounding
    retired = make_member(
        tree.b1, "退休", 1119, category=Membership.Category.RETIRED, dues_base=Decimal("5000.00")
    )
    _pay(retired, D(2026, 2, 1), D(2026, 2, 1), amount="25.00")  # pension ≤ 5000 → 0.5 %
    assert broken("members.dues_underpaid", retired, D(2026, 3, 1)) == []
    farmer = make_member(tree.b3, "农民", 1121, category=Membership.Category.FARMER, dues_base=None)
    _pay(farmer, D(2026, 2, 1), D(2026, 2, 1), amount="0.10")
    assert broken("members.dues_underpaid", farmer, D(2026, 3, 1)) == [
        "2026年2月交纳党费 0.10 元，按计算基数应交 0.20 元"
    ]
    DuesExemption.objects.create(
        membership=farmer,
        organization=farmer.organization,
        org_path=farmer.org_path,
        month_from=D(2026, 1, 1),
        month_to=None,
        reason="生活困难，经批准少交",
    )
    assert broken("members.dues_underpaid", farmer, D(2026, 3, 1)) == []


def test_dues_base_missing(tree):
    employed = make_member(tree.b1, "无基数", 1123, dues_base=None)
    student = make_member(tree.b1, "学生", 1125, dues_base=None, category=Membership.Category.STUDENT)
    assert broken("members.dues_base_missing", employed, D(2026, 3, 1)) == [
        "未填写党费计算基数（税后月收入或离退休费），无法核定应交党费"
    ]
    assert broken("members.dues_base_missing", student, D(2026, 3, 1)) == []


def test_every_rule_is_registered_with_title_citation_and_severity():
    codes = {r.code for r in MEMBER_RULES}
    assert codes == {
        "members.branch_too_small",
        "members.branch_too_large",
        "members.branch_without_committee",
        "members.lost_contact",
        "members.away_without_transfer",
        "members.graduate_at_school",
        "members.mobile_without_inflow",
        "members.dues_unpaid_six_months",
        "members.dues_underpaid",
        "members.dues_base_missing",
        "members.lost_contact_struck_off",
        "members.abroad_settled",
        "members.abroad_study_over_five_years",
        "members.abroad_study_contact",
        "members.correction_too_long",
        "members.correction_outcome_missing",
        "members.dues_back_payment_over_six_months",
        "members.dues_exemption_unapproved",
        "members.dues_voluntary_to_centre",
    }
    for rule in MEMBER_RULES:
        assert rule.title and rule.severity in (rules.ERROR, rules.WARNING, rules.REMINDER)
        assert rule.citation.startswith("《") and "第" in rule.citation
        if rule.model == "orgs.Organization":
            assert (rule.org_field, rule.path_field, rule.person_field) == ("pk", "path", None)


# ---------------------------------------------------------------- set-based scans


def _population(parent, code, branches, per_branch, seq0):
    """`branches` school branches under `parent`, each with 2 full and 3 probationary members who break every
    member rule (the full ones underpay, the probationary ones have no dues base)."""
    org = _org(parent, f"测试党委{code}", code)
    seq = seq0
    for b in range(branches):
        br = branch(org, f"测试支部{code}-{b}", f"{code}{b:02d}", sector="school")
        for i in range(per_branch):
            full = i < 2
            m = make_member(
                br,
                f"测{seq}",
                seq,
                status=FULL if full else PROBATIONARY,
                converted_on=None if not full else D(2006, 7, 1),
                joined_on=D(2005, 7, 1),
                category=Membership.Category.MOBILE,
                dues_base=Decimal("6000") if full else None,
                lost_contact_since=D(2024, 1, 1),
                away_since=D(2024, 1, 1),
                graduated_on=D(2020, 7, 1),
            )
            if full:
                _pay(m, D(2025, 1, 1), D(2025, 1, 1), amount="10.00")
            seq += 2
    return org


def test_scan_query_count_does_not_grow_with_the_rows(tree):
    small = _population(tree.taiyuan, "14019", 1, 5, 2001)  # 5 members
    large = _population(tree.datong, "14029", 10, 5, 3001)  # 50 members
    as_of = D(2026, 11, 27)

    def counted(org):
        with CaptureQueriesContext(connection) as ctx:
            result = rules.scan(org.path, as_of, MEMBER_RULES)
        return len(ctx.captured_queries), result

    (n_small, first_small), (n_large, first_large) = counted(small), counted(large)
    assert n_small == n_large
    assert (
        first_small.per_rule["members.lost_contact"] == 5
        and first_large.per_rule["members.lost_contact"] == 50
    )
    assert first_large.per_rule["members.branch_too_small"] == 10
    for code in (
        "members.away_without_transfer",
        "members.graduate_at_school",
        "members.mobile_without_inflow",
        "members.dues_unpaid_six_months",
    ):
        assert (first_small.per_rule[code], first_large.per_rule[code]) == (5, 50), code
    assert (
        first_small.per_rule["members.dues_underpaid"],
        first_large.per_rule["members.dues_underpaid"],
    ) == (2, 20)
    assert counted(small)[0] == counted(large)[0]  # the steady state too


def test_each_check_is_one_query(tree):
    _population(tree.taiyuan, "14019", 2, 5, 2001)
    for rule in MEMBER_RULES:
        qs = rule.model_class.objects.unrestricted()
        with CaptureQueriesContext(connection) as ctx:
            rule.violations(qs, D(2026, 11, 27))
        assert len(ctx.captured_queries) == 1, rule.code

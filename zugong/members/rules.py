"""Regulation rules on branches and members: branch size and committee, lost contact, away, graduates, mobile
members, dues. Each check is one set-based query; time limits use calendar months (zugong.core.dates)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from zugong.core.dates import add_months, cn_date
from zugong.core.rules import ERROR, REMINDER, WARNING, Edition, Reads, Rule, register
from zugong.orgs.models import Organization

from . import dues
from .models import DuesExemption, DuesKind, DuesPayment, Membership, TransferRequest

BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
EDUCATION_RULES = "《中国共产党党员教育管理工作条例》"
DUES_RULES = dues.REGULATION
DUES_EDITION = "2008年"

MIN_FULL_MEMBERS = 3
MAX_MEMBERS = 50
COMMITTEE_FROM_FULL_MEMBERS = 7
MIN_COMMITTEE = 3
MONTHS_AWAY = 6
MONTHS_LOST = 6
MONTHS_AT_SCHOOL = 24
MONTHS_UNPAID = 6
TOLERANCE = Decimal("0.01")  # a payment a cent short is rounding, not underpayment


# ---------------------------------------------------------------- calendar months, once per scan


def latest_start(as_of: dt.date, months: int) -> dt.date:
    """The latest start date from which `months` calendar months have passed by `as_of`.

    "≥ 6 months since d" is `add_months(d, 6) <= as_of`; because add_months clamps to month ends, that is
    exactly `d <= latest_start(as_of, 6)` (e.g. on 2026-02-28 every start up to 2025-08-31 qualifies), so a
    check compares the column with one constant.
    """
    day = add_months(as_of, -months)
    while add_months(day + dt.timedelta(days=1), months) <= as_of:
        day += dt.timedelta(days=1)
    return day


def months_elapsed_sql(field: str, as_of: dt.date):
    """SQL: whole calendar months from a date column to `as_of` (the largest n: add_months(d, n) <= as_of)."""
    diff = Value(dues.month_index(as_of)) - dues.month_index_sql(F(field))
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return diff  # at a month's end every day of the month has been reached (clamping)
    return diff - Case(When(**{f"{field}__day__gt": as_of.day}, then=Value(1)), default=Value(0))


def years_months(months: int) -> str:
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest} 个月"
    return f"{years} 年" + (f" {rest} 个月" if rest else "")


# ---------------------------------------------------------------- organizations

PRESENT = Q(memberships__transferred_out_on__isnull=True)
FULL = PRESENT & Q(memberships__status=Membership.Status.FULL)
ACTIVE = PRESENT & Q(memberships__status__in=Membership.ACTIVE_STATUSES)
COMMITTEE = FULL & ~Q(memberships__committee_post="")  # only full members are elected (选举工作条例 第五条)


def active_branches(qs):
    return qs.filter(kind=Organization.Kind.BRANCH, status=Organization.Status.ACTIVE)


def check_branch_too_small(qs, as_of):
    return (
        active_branches(qs)
        .annotate(full_members=Count("memberships", filter=FULL))
        .filter(full_members__lt=MIN_FULL_MEMBERS)
    )


def check_branch_too_large(qs, as_of):
    return (
        active_branches(qs)
        .annotate(members=Count("memberships", filter=ACTIVE))
        .filter(members__gt=MAX_MEMBERS)
    )


def check_branch_without_committee(qs, as_of):
    return (
        active_branches(qs)
        .annotate(
            full_members=Count("memberships", filter=FULL),
            committee_members=Count("memberships", filter=COMMITTEE),
        )
        .filter(full_members__gte=COMMITTEE_FROM_FULL_MEMBERS, committee_members__lt=MIN_COMMITTEE)
    )


def _committee_text(row) -> str:
    found = (
        f"支部委员会委员仅 {row['committee_members']} 名" if row["committee_members"] else "未设立支部委员会"
    )
    return f"正式党员 {row['full_members']} 名，{found}，应设立 3 至 5 人的支部委员会"


ORG_RULE = {
    "model": "orgs.Organization",
    "org_field": "pk",
    "path_field": "path",
    "person_field": None,
    "group": "组织设置",
}

register(
    Rule(
        code="members.branch_too_small",
        reads=(Reads("members.Membership", "organization_id"),),
        title="党支部正式党员不足 3 名",
        severity=WARNING,
        editions=(Edition(BRANCH_RULES, "第四条"),),
        check=check_branch_too_small,
        describe=lambda row: f"正式党员 {row['full_members']} 名，不足 {MIN_FULL_MEMBERS} 名",
        measures=("full_members",),
        text="正式党员 3 人以上的应当成立党支部；不足 3 人的单位应当成立联合党支部。",
        **ORG_RULE,
    )
)

register(
    Rule(
        code="members.branch_too_large",
        reads=(Reads("members.Membership", "organization_id"),),
        title="党支部党员超过 50 名",
        severity=REMINDER,
        editions=(Edition(BRANCH_RULES, "第四条"),),
        check=check_branch_too_large,
        describe=lambda row: f"党员 {row['members']} 名，超过 {MAX_MEMBERS} 名",
        measures=("members",),
        text="党支部党员人数一般不超过 50 人；人数较多的可以成立党总支。",
        **ORG_RULE,
    )
)

register(
    Rule(
        code="members.branch_without_committee",
        reads=(Reads("members.Membership", "organization_id"),),
        title="正式党员 7 名以上未设立支部委员会",
        severity=WARNING,
        # The article number is not yet verified (regulations.md §2 gives the chapter only).
        editions=(Edition(BRANCH_RULES, "第六章"),),
        check=check_branch_without_committee,
        describe=_committee_text,
        measures=("full_members", "committee_members"),
        text="有正式党员 7 人以上的党支部应当设立党支部委员会，由 3 至 5 人组成，一般不超过 7 人。",
        **ORG_RULE,
    )
)


# ---------------------------------------------------------------- members


def check_lost_contact(qs, as_of):
    return (
        qs.active()
        .filter(lost_contact_since__lte=latest_start(as_of, MONTHS_LOST))
        .annotate(months_lost=months_elapsed_sql("lost_contact_since", as_of))
    )


def check_away_without_transfer(qs, as_of):
    open_transfer = TransferRequest.objects.filter(
        membership=OuterRef("pk"), status__in=TransferRequest.OPEN_STATUSES
    )
    return (
        qs.active()
        .filter(away_since__lte=latest_start(as_of, MONTHS_AWAY))
        .filter(~Exists(open_transfer))
        .annotate(months_away=months_elapsed_sql("away_since", as_of))
    )


def check_graduate_at_school(qs, as_of):
    # "May stay ≤ 2 years": broken once more than two years have passed, i.e. two years were reached by the
    # day before as_of.
    cutoff = latest_start(as_of - dt.timedelta(days=1), MONTHS_AT_SCHOOL)
    return (
        qs.active()
        .filter(organization__sector="school", graduated_on__lte=cutoff)
        .annotate(months_since=months_elapsed_sql("graduated_on", as_of))
    )


def check_mobile_without_inflow(qs, as_of):
    return qs.active().filter(
        category=Membership.Category.MOBILE, inflow_organization__isnull=True, inflow_org_name=""
    )


# Dues rules read the payments and exemptions of the membership they judge.
DUES_READS = (Reads("members.DuesPayment", "membership_id"), Reads("members.DuesExemption", "membership_id"))


def check_dues_unpaid(qs, as_of):
    # Said as what it means, so the filter is an anti-join rather than an arrears count per member: dues began
    # at least six months before, and in the last six months owed there is neither a payment nor a recorded
    # reason. The arrears annotation then runs on the violations only, for the finding's text.
    last_due = dues.last_due_month(as_of)
    since = add_months(last_due, 1 - MONTHS_UNPAID)
    paid = DuesPayment.objects.filter(membership=OuterRef("pk"), month__gte=since, month__lte=last_due)
    excused = DuesExemption.objects.filter(membership=OuterRef("pk"), month_from__lte=last_due).filter(
        Q(month_to__isnull=True) | Q(month_to__gte=since)
    )
    owing = (
        qs.active()
        .annotate(dues_start=Coalesce("dues_from", "joined_on"))
        .filter(dues_start__lt=add_months(since, 1))
        .filter(~Exists(paid), ~Exists(excused))
    )
    return dues.with_arrears(owing, as_of)


def check_dues_underpaid(qs, as_of):
    last_due = dues.last_due_month(as_of)
    latest = DuesPayment.objects.filter(membership=OuterRef("pk"), month__lte=last_due).order_by("-month")
    excused = DuesExemption.objects.filter(
        membership=OuterRef("pk"), month_from__lte=OuterRef("paid_month")
    ).filter(Q(month_to__isnull=True) | Q(month_to__gte=OuterRef("paid_month")))
    return (
        qs.active()
        .annotate(
            paid_month=Subquery(latest.values("month")[:1]),
            paid_amount=Subquery(latest.values("amount")[:1]),
            # The month paid is judged by the base in force that month (党费规定 一、第十条), not today's.
            due=dues.due_on_sql(OuterRef("pk"), OuterRef("paid_month")),
        )
        .filter(paid_amount__lt=F("due") - Value(TOLERANCE))
        .filter(~Exists(excused))
    )


def check_dues_base_missing(qs, as_of):
    return (
        qs.active()
        .annotate(dues_kind_now=dues.kind_sql())
        .filter(dues_kind_now__in=[DuesKind.SALARY, DuesKind.PENSION], dues_base__isnull=True)
    )


def _unpaid_text(row) -> str:
    since = dues.month_of_index(row["covered_index"] + 1)
    return f"连续 {row['unpaid_months']} 个月未交党费（{dues.month_label(since)}起），未登记理由"


MEMBER_RULE = {"model": "members.Membership", "group": "党员管理"}
DUES_RULE = {"model": "members.Membership", "group": "党费"}

register(
    Rule(
        code="members.lost_contact",
        title="失去联系满 6 个月",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第二十四条"),),
        check=check_lost_contact,
        describe=lambda row: (
            f"失去联系 {years_months(row['months_lost'])}（{cn_date(row['lost_contact_since'])}起）"
        ),
        measures=("months_lost", "lost_contact_since"),
        text="党员失去联系满 6 个月、经多方查找仍无音讯的，应当停止其党籍。",
        **MEMBER_RULE,
    )
)

register(
    Rule(
        code="members.away_without_transfer",
        reads=(Reads("members.TransferRequest", "membership_id"),),
        title="外出满 6 个月未转接组织关系",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第二十五条、第三十二条"),),
        check=check_away_without_transfer,
        describe=lambda row: (
            f"外出 {years_months(row['months_away'])}未转接组织关系（{cn_date(row['away_since'])}外出）"
        ),
        measures=("months_away", "away_since"),
        text="党员外出到固定地点 6 个月以上的应当转接组织关系；未转接的作为流动党员，由流出地和流入地党组织共同管理。",
        **MEMBER_RULE,
    )
)

register(
    Rule(
        code="members.graduate_at_school",
        title="毕业生组织关系在学校保留超过 2 年",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第三十四条"),),
        check=check_graduate_at_school,
        describe=lambda row: (
            f"毕业 {years_months(row['months_since'])}（{cn_date(row['graduated_on'])}毕业），"
            f"组织关系仍在学校，超过 2 年"
        ),
        measures=("months_since", "graduated_on"),
        text="毕业生党员的组织关系可以在学校保留不超过 2 年。",
        **MEMBER_RULE,
    )
)

register(
    Rule(
        code="members.mobile_without_inflow",
        title="流动党员未明确流入地党组织",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第三十二条"),),
        check=check_mobile_without_inflow,
        describe=lambda row: "流动党员，未登记流入地党组织",
        text="流动党员由流出地党组织和流入地党组织共同管理。",
        **MEMBER_RULE,
    )
)

register(
    Rule(
        code="members.dues_unpaid_six_months",
        reads=DUES_READS,
        title="连续 6 个月不交纳党费",
        severity=ERROR,
        editions=(Edition(DUES_RULES, "一、第十三条", DUES_EDITION),),
        check=check_dues_unpaid,
        describe=_unpaid_text,
        measures=("unpaid_months", "covered_index"),
        text="党员无正当理由连续 6 个月不交纳党费的，按自行脱党处理。减免或暂缓交纳的理由应登记在案。",
        **DUES_RULE,
    )
)

register(
    Rule(
        code="members.dues_underpaid",
        reads=DUES_READS,
        title="党费少于按规定应交金额",
        severity=WARNING,
        editions=(Edition(DUES_RULES, "一、第二条、第五条、第六条", DUES_EDITION),),
        check=check_dues_underpaid,
        describe=lambda row: (
            f"{dues.month_label(row['paid_month'])}交纳党费 {dues.money(row['paid_amount'])} 元，"
            f"按计算基数应交 {dues.money(row['due'])} 元"
        ),
        measures=("paid_month", "paid_amount", "due"),
        text="按税后月收入（离退休费）分档比例交纳；农民、学生、下岗失业和领取救济或低保的党员按定额交纳。",
        **DUES_RULE,
    )
)

register(
    Rule(
        code="members.dues_base_missing",
        title="未填写党费计算基数",
        severity=REMINDER,
        editions=(Edition(DUES_RULES, "一、第一条、第二条、第五条", DUES_EDITION),),
        check=check_dues_base_missing,
        describe=lambda row: "未填写党费计算基数（税后月收入或离退休费），无法核定应交党费",
        measures=(),
        text="党费以党员每月工资收入（税后）或离退休费为计算基数。",
        **DUES_RULE,
    )
)

"""Regulation rules on branches and members: branch size and committee, lost contact, away, graduates, mobile
members, dues. Each check is one set-based query; time limits use calendar months (zugong.core.dates)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, DateField, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery
from django.db.models import Value, When
from django.db.models.functions import Coalesce, Greatest

from zugong.core.dates import add_months, cn_date
from zugong.core.sql import AddMonths
from zugong.core.rules import ERROR, REMINDER, WARNING, Edition, Reads, Rule, register
from zugong.orgs.models import Organization

from . import dues
from .models import (
    DuesExemption,
    DuesKind,
    DuesPayment,
    MemberContact,
    Membership,
    TransferRequest,
)

BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
EDUCATION_RULES = "《中国共产党党员教育管理工作条例》"
DUES_RULES = dues.REGULATION
DUES_EDITION = "2008年"

MIN_FULL_MEMBERS = 3
MAX_MEMBERS = 50
# From 100 members a branch should become a grassroots committee: `branchlife.branch_should_be_committee` says
# so, this rule stops there (one finding per branch, not two).
COMMITTEE_FROM_MEMBERS = 100
COMMITTEE_FROM_FULL_MEMBERS = 7
MIN_COMMITTEE = 3
MONTHS_AWAY = 6
MONTHS_LOST = 6
MONTHS_AT_SCHOOL = 24
MONTHS_UNPAID = 6
MONTHS_BACK_PAYMENT = 6  # 补交党费的时间最长不超过 6 个月 (党费规定 一、第十二条)
VOLUNTARY_TO_CENTRE = Decimal("1000")  # 一次性自愿多交 1000 元以上全额上缴中央 (一、第十一条)
MONTHS_STOPPED_TO_STRUCK_OFF = 24  # 停止党籍 2 年后仍无法取得联系：自行脱党 (教育管理条例 第二十四条)
MONTHS_ABROAD_STUDY = 60  # 出国（境）学习研究超过 5 年 (第二十四条)
MONTHS_ABROAD_CONTACT = 6  # 至少每 6 个月联系一次 (第三十四条)
MONTHS_CORRECTION = 12  # 限期改正最长 1 年 (第三十条)
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
        .filter(members__gt=MAX_MEMBERS, members__lt=COMMITTEE_FROM_MEMBERS)
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
        facts=("B1",),
    )
)

register(
    Rule(
        code="members.branch_too_large",
        reads=(Reads("members.Membership", "organization_id"),),
        title="党支部党员超过 50 名",
        severity=REMINDER,
        editions=(Edition(BRANCH_RULES, "第四条"),
                  Edition("《中国共产党党和国家机关基层组织工作条例》", "第六条", "2019年")),
        check=check_branch_too_large,
        describe=lambda row: f"党员 {row['members']} 名，超过 {MAX_MEMBERS} 名",
        measures=("members",),
        text="党支部党员人数一般不超过 50 人；党员 50 人以上、不足 100 人的，一般经上级党组织批准设立党的总支部"
             "委员会。100 人以上的见“党支部党员 100 人以上，应设立基层党委”。党员人数包括预备党员。",
        **ORG_RULE,
        facts=("B1", "B15"),
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
        facts=("B12", "B16"),
    )
)


# ---------------------------------------------------------------- members


def _searches(since: str = "lost_contact_since"):
    """Searches for a member out of contact (MemberContact, kind search) since the day contact was lost."""
    return MemberContact.objects.filter(
        membership=OuterRef("pk"), kind=MemberContact.Kind.SEARCH, contacted_on__gte=OuterRef(since)
    )


def _reached_since(since: str = "lost_contact_since"):
    """A contact made with the member on or after the day contact was lost (they are found)."""
    return MemberContact.objects.filter(membership=OuterRef("pk"), reached=True, contacted_on__gte=OuterRef(since))


def check_lost_contact(qs, as_of):
    # 失去联系满 6 个月：first search for them (经多方查找), then, still without news, 停止党籍. One rule, the
    # finding says which step is due (`last_search`).
    return (
        qs.active()
        .filter(lost_contact_since__lte=latest_start(as_of, MONTHS_LOST))
        .filter(~Exists(_reached_since()))
        .annotate(
            months_lost=months_elapsed_sql("lost_contact_since", as_of),
            last_search=Subquery(_searches().order_by("-contacted_on").values("contacted_on")[:1]),
        )
    )


def _lost_text(row) -> str:
    text = f"失去联系 {years_months(row['months_lost'])}（{cn_date(row['lost_contact_since'])}起）"
    if row["last_search"] is None:
        return text + "，未登记查找情况，应当多方查找"
    return text + f"，{cn_date(row['last_search'])}查找仍无音讯，应当停止其党籍"


def check_lost_contact_struck_off(qs, as_of):
    # 停止党籍 2 years without contact → 自行脱党. The stop is dated at the search that found no news, or at the
    # earliest day it could be (6 months lost) when no search is recorded.
    six = AddMonths(F("lost_contact_since"), MONTHS_LOST)
    last_search = Subquery(_searches().order_by("-contacted_on").values("contacted_on")[:1], output_field=DateField())
    return (
        qs.present()
        .filter(status=Membership.Status.STOPPED, lost_contact_since__isnull=False)
        .filter(~Exists(_reached_since()))
        .annotate(stopped_from=Greatest(six, Coalesce(last_search, six), output_field=DateField()))
        .filter(stopped_from__lte=latest_start(as_of, MONTHS_STOPPED_TO_STRUCK_OFF))
        .annotate(months_lost=months_elapsed_sql("lost_contact_since", as_of))
    )


def check_abroad_settled(qs, as_of):
    return qs.active().filter(abroad="settled", abroad_since__lte=as_of)


def check_abroad_study_over_five_years(qs, as_of):
    # "超过 5 年": broken once five years were reached by the day before as_of.
    cutoff = latest_start(as_of - dt.timedelta(days=1), MONTHS_ABROAD_STUDY)
    return (
        qs.active()
        .filter(abroad="study", abroad_since__lte=cutoff)
        .annotate(months_abroad=months_elapsed_sql("abroad_since", as_of))
    )


def check_abroad_study_contact(qs, as_of):
    cutoff = latest_start(as_of, MONTHS_ABROAD_CONTACT)  # a contact after it is within the last 6 months
    contacts = MemberContact.objects.filter(membership=OuterRef("pk"), reached=True)
    return (
        qs.active()
        .filter(abroad="study", abroad_since__lte=cutoff)
        .filter(~Exists(contacts.filter(contacted_on__gt=cutoff)))
        .annotate(last_contact=Subquery(contacts.order_by("-contacted_on").values("contacted_on")[:1]))
    )


def check_correction_too_long(qs, as_of):
    return qs.filter(deadline__gt=AddMonths(F("started_on"), MONTHS_CORRECTION)).annotate(
        months_set=ExpressionWrapper(
            dues.month_index_sql(F("deadline")) - dues.month_index_sql(F("started_on")), output_field=IntegerField()
        )
    )


def check_correction_outcome_missing(qs, as_of):
    return qs.filter(outcome="", deadline__lt=as_of, membership__transferred_out_on__isnull=True)


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
DUES_READS = (
    Reads("members.DuesPayment", "membership_id"),
    Reads("members.DuesExemption", "membership_id"),
    Reads("members.DuesBaseSpan", "membership_id"),
)


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


def check_dues_back_payment(qs, as_of):
    # A month paid more than 6 months after it (补交 beyond the limit): paid on or after the first day of the
    # seventh month after it (`month` is a month's first day: plain date arithmetic, `dues.MonthsLater`).
    # One pass over the payments (an uncorrelated IN: the late ones are few), then the finding's facts for
    # those members only.
    # No condition on `month` alone: an index range over nearly all payments would fetch each row by its id.
    late = DuesPayment.objects.filter(
        paid_on__gte=dues.MonthsLater(F("month"), MONTHS_BACK_PAYMENT + 1), paid_on__lte=as_of
    )
    mine = late.filter(membership=OuterRef("pk"))
    latest = mine.order_by("-paid_on", "-month")
    return (
        qs.present()
        .filter(pk__in=late.values("membership_id"))
        .annotate(
            late_month=Subquery(latest.values("month")[:1]),
            late_paid_on=Subquery(latest.values("paid_on")[:1]),
            late_months=Subquery(mine.order_by().values("membership").annotate(n=Count("pk")).values("n")),
        )
    )


def check_dues_exemption_unapproved(qs, as_of):
    return qs.filter(approval="", membership__transferred_out_on__isnull=True, month_from__lte=as_of)


def check_dues_voluntary_to_centre(qs, as_of):
    # A payment exceeding the month's dues (by the base in force that month) by 1000 元 or more: a single
    # voluntary payment of that size is handed up in full to the Centre. `amount >= 1000` first: the month's
    # dues are worked out only for the few large payments.
    return (
        qs.filter(amount__gte=VOLUNTARY_TO_CENTRE, paid_on__lte=as_of, membership__transferred_out_on__isnull=True)
        .annotate(due=dues.due_on_sql(OuterRef("membership_id"), OuterRef("month"), prefix="membership__"))
        .annotate(extra=F("amount") - Coalesce("due", Value(Decimal("0"))))
        .filter(extra__gte=VOLUNTARY_TO_CENTRE)
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
        reads=(Reads("members.MemberContact", "membership_id"),),
        check=check_lost_contact,
        describe=_lost_text,
        measures=("months_lost", "lost_contact_since", "last_search"),
        text="党员失去联系满 6 个月的，应当多方查找；经多方查找仍无音讯的，应当停止其党籍。",
        **MEMBER_RULE,
        facts=("D6c",),
    )
)

MEMBER_CONTACT_READS = (Reads("members.MemberContact", "membership_id"),)
CORRECTION_RULE = {
    "model": "members.CorrectionPeriod",
    "group": "党员管理",
    "org_field": "membership__organization_id",
    "path_field": "membership__org_path",
    "person_field": "membership__person_id",
}

register(
    Rule(
        code="members.lost_contact_struck_off",
        title="停止党籍 2 年后仍无法取得联系",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第二十四条"),),
        reads=MEMBER_CONTACT_READS,
        check=check_lost_contact_struck_off,
        describe=lambda row: (
            f"{cn_date(row['lost_contact_since'])}起失去联系（{years_months(row['months_lost'])}），"
            f"停止党籍已满 2 年仍无法取得联系，应按自行脱党予以除名"
        ),
        measures=("months_lost", "lost_contact_since", "stopped_from"),
        text="党员失去联系、停止党籍 2 年后确实无法取得联系的，按照自行脱党予以除名。",
        **MEMBER_RULE,
        facts=("D6d",),
    )
)

register(
    Rule(
        code="members.abroad_settled",
        title="出国（境）定居的党员未停止党籍",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第二十四条"),),
        check=check_abroad_settled,
        describe=lambda row: f"{cn_date(row['abroad_since'])}出国（境）定居，一般应当停止其党籍",
        measures=("abroad_since",),
        text="党员出国（境）定居的，一般应当停止其党籍。",
        **MEMBER_RULE,
        facts=("D6b",),
    )
)

register(
    Rule(
        code="members.abroad_study_over_five_years",
        title="出国（境）学习研究超过 5 年仍未返回",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第二十四条"),),
        check=check_abroad_study_over_five_years,
        describe=lambda row: (
            f"出国（境）学习研究 {years_months(row['months_abroad'])}（{cn_date(row['abroad_since'])}出国），"
            f"超过 5 年仍未返回，一般应当停止其党籍"
        ),
        measures=("months_abroad", "abroad_since"),
        text="党员出国（境）学习研究超过 5 年仍未返回的，一般应当停止其党籍。",
        **MEMBER_RULE,
        facts=("D6b",),
    )
)

register(
    Rule(
        code="members.abroad_study_contact",
        title="出国（境）学习研究党员超过 6 个月未联系",
        severity=ERROR,
        editions=(Edition(EDUCATION_RULES, "第三十四条"),),
        reads=MEMBER_CONTACT_READS,
        check=check_abroad_study_contact,
        describe=lambda row: (
            f"出国（境）学习研究（{cn_date(row['abroad_since'])}出国），"
            + (f"最近一次取得联系为{cn_date(row['last_contact'])}" if row["last_contact"] else "未登记联系情况")
            + "，应当至少每 6 个月联系一次"
        ),
        measures=("abroad_since", "last_contact"),
        text="对出国（境）学习研究的党员，党组织应当保留其组织关系，并至少每 6 个月与其联系一次。",
        **MEMBER_RULE,
        facts=("D12b",),
    )
)

register(
    Rule(
        code="members.correction_too_long",
        title="限期改正期限超过 1 年",
        severity=ERROR,
        editions=(Edition(EDUCATION_RULES, "第三十条"),),
        check=check_correction_too_long,
        describe=lambda row: (
            f"限期改正自{cn_date(row['started_on'])}至{cn_date(row['deadline'])}，"
            f"约 {years_months(row['months_set'])}，超过 1 年"
        ),
        measures=("started_on", "deadline", "months_set"),
        text="限期改正期限最长不超过 1 年。",
        **CORRECTION_RULE,
        facts=("D9",),
    )
)

register(
    Rule(
        code="members.correction_outcome_missing",
        title="限期改正期满未登记结果",
        severity=WARNING,
        editions=(Edition(EDUCATION_RULES, "第三十条"),),
        check=check_correction_outcome_missing,
        describe=lambda row: f"限期改正已于{cn_date(row['deadline'])}期满，未登记改正结果",
        measures=("deadline",),
        text="限期改正期满，党组织应当认定其改正情况并记录结果；经教育仍无转变的，劝其退党或予以除名。",
        **CORRECTION_RULE,
        facts=("D9",),
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
        facts=("D7", "D11"),
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
        facts=("D12a",),
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
        facts=("D11",),
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
        facts=("E13", "D10"),
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
        facts=("E2", "E5", "E6"),
    )
)

register(
    Rule(
        code="members.dues_back_payment_over_six_months",
        reads=DUES_READS,
        title="补交党费超过 6 个月",
        severity=ERROR,
        editions=(Edition(DUES_RULES, "一、第十二条", DUES_EDITION),),
        check=check_dues_back_payment,
        describe=lambda row: (
            f"{cn_date(row['late_paid_on'])}补交{dues.month_label(row['late_month'])}党费，超过 6 个月"
            + (f"（共 {row['late_months']} 个月的党费补交超过 6 个月）" if row["late_months"] > 1 else "")
        ),
        measures=("late_month", "late_paid_on", "late_months"),
        text="党员应按月交纳党费；补交党费的时间最长不得超过 6 个月。",
        **DUES_RULE,
        facts=("E12",),
    )
)

DUES_RECORD_RULE = {
    "group": "党费",
    "org_field": "organization_id",
    "path_field": "org_path",
    "person_field": "membership__person_id",
}

register(
    Rule(
        code="members.dues_exemption_unapproved",
        title="少交或免交党费未经上一级党委批准",
        severity=WARNING,
        model="members.DuesExemption",
        editions=(Edition(DUES_RULES, "一、第七条", DUES_EDITION),),
        check=check_dues_exemption_unapproved,
        describe=lambda row: (
            f"{dues.month_label(row['month_from'])}起少交或免交党费（{row['reason']}），未登记上一级党委批准情况"
        ),
        measures=("month_from", "reason"),
        text="生活困难的党员，经党支部研究，报上一级党委批准后，可以少交或免交党费。",
        **DUES_RECORD_RULE,
        facts=("E7",),
    )
)

register(
    Rule(
        code="members.dues_voluntary_to_centre",
        title="一次性自愿多交党费 1000 元以上，应全额上缴中央",
        severity=REMINDER,
        model="members.DuesPayment",
        reads=(Reads("members.DuesBaseSpan", "membership_id", "membership_id"),),
        editions=(Edition(DUES_RULES, "一、第十一条", DUES_EDITION),),
        check=check_dues_voluntary_to_centre,
        describe=lambda row: (
            f"{cn_date(row['paid_on'])}交纳{dues.month_label(row['month'])}党费 {dues.money(row['amount'])} 元，"
            f"其中自愿多交 {dues.money(row['extra'])} 元，应全额上缴中央"
        ),
        measures=("month", "amount", "paid_on", "extra"),
        text="党员自愿多交党费不限；一次性自愿多交 1000 元以上的党费，全额上缴中央。",
        **DUES_RECORD_RULE,
        facts=("E11",),
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
        facts=("E1", "E2", "E5"),
    )
)

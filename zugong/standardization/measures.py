"""Organization health measures computed from the data, registered in the core registry of measures
(`zugong.core.config.measures`) when the app is ready.

Each `Measure` annotates a queryset of organizations (branches) with one value per row, built only from
correlated subqueries and `Exists` (never a query per organization), so scoring or screening the province is one
SQL statement. The checklist items (standardization) and the identification indicators (weakorgs) name a measure
by its code and give it parameters (`PARAMS` below: what each means, its unit); the numbers (thresholds,
windows) are configuration, never code.

Sources, as the lead fixed them: meeting compliance comes only from branchlife's `ComplianceStat`; the committee
and the secretary from `Membership.committee_post`; the term from `Organization.term_ends_on`; dues from
`DuesPayment`/`DuesExemption`; new members from membership join dates and recruitment cases.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from zugong.core.config import CHOICES, FLOAT, INT, Param
from zugong.core.config.measures import BOOL, COUNT_BAD, NUMBER_BAD, RATIO, RATIO_BAD, Measure, register, register_params
from zugong.branchlife.models import COMPLIANCE_KINDS, MEETING_KINDS
from zugong.core.dates import add_months, add_years
from zugong.members import dues
from zugong.members.models import DuesExemption, DuesPayment, Membership




def meeting_kind_labels() -> dict[str, str]:
    """The meeting kinds a measure may count (branchlife's kinds, and the study requirements)."""
    return COMPLIANCE_KINDS


# The parameters measures read, by the names officials read.
register_params(
    Param("months", "统计月数", INT, "个月", 12),
    Param("years", "年数", INT, "年", 2),
    Param("below", "低于", FLOAT, "", 0.6, help="比例，0.6 即 60%"),
    Param("above", "高于", FLOAT, "", 0.3, help="比例，0.3 即 30%"),
    Param("at_least", "至少", INT, "", 1),
    Param("deduct", "每次扣分", FLOAT, "分"),
    Param("kinds", "会议类别", CHOICES, "", choices=meeting_kind_labels),
    Param("min_committee", "委员至少", INT, "人", 3),
    Param("committee_from", "正式党员满几人设委员会", INT, "人", 7),
)


def _count(qs, field="organization"):
    """A correlated count subquery (0 when no rows)."""
    sub = qs.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _members(**filters):
    return Membership.objects.unrestricted().filter(organization=OuterRef("pk"), transferred_out_on__isnull=True,
                                                    **filters)


def _pct(value) -> str:
    return f"{round(value * 100)}%"


# ---------------------------------------------------------------- committee and secretary


def _secretary_present(qs, name, as_of, params):
    return qs.annotate(**{name: Exists(_members(status=Membership.Status.FULL,
                                                committee_post=Membership.CommitteePost.SECRETARY))})


register(Measure("secretary_present", "配备支部书记", BOOL, _secretary_present,
                 lambda v, p: "已配备支部书记" if v else "支部书记缺职"))


def _committee_complete(qs, name, as_of, params):
    """Full members ≥ 7: a secretary and a committee of ≥ 3 (支部工作条例 第六章); fewer: a secretary."""
    minimum = int(params.get("min_committee", 3))
    from_members = int(params.get("committee_from", 7))
    full = _count(_members(status=Membership.Status.FULL))
    committee = _count(_members(status=Membership.Status.FULL).exclude(committee_post=""))
    secretary = Exists(_members(status=Membership.Status.FULL, committee_post=Membership.CommitteePost.SECRETARY))
    return qs.annotate(
        **{f"{name}_full": full, f"{name}_committee": committee, f"{name}_secretary": secretary}
    ).annotate(**{name: Case(
        When(Q(**{f"{name}_secretary": False}), then=Value(False)),
        When(Q(**{f"{name}_full__lt": from_members}), then=Value(True)),
        When(Q(**{f"{name}_committee__gte": minimum}), then=Value(True)),
        default=Value(False), output_field=BooleanField())})


register(Measure("committee_complete", "班子配备齐全", BOOL, _committee_complete,
                 lambda v, p: "书记和支部委员会配备齐全" if v else "书记缺职或支部委员会不健全",
                 "{\"min_committee\": 3, \"committee_from\": 7}"))


# ---------------------------------------------------------------- term


def _term_current(qs, name, as_of, params):
    return qs.annotate(**{name: Case(When(term_ends_on__gte=as_of, then=Value(True)), default=Value(False),
                                     output_field=BooleanField())})


register(Measure("term_current", "按期换届", BOOL, _term_current,
                 lambda v, p: "届期内" if v else "任期已届满或未登记任期"))


def _term_overdue_months(qs, name, as_of, params):
    """Whole months since the term ended (NULL while the term runs or is not recorded)."""
    from zugong.members.rules import months_elapsed_sql

    return qs.annotate(**{name: Case(When(term_ends_on__lt=as_of, then=months_elapsed_sql("term_ends_on", as_of)),
                                     default=Value(None), output_field=IntegerField())})


register(Measure("term_overdue_months", "任期届满未换届（月）", NUMBER_BAD, _term_overdue_months,
                 lambda v, p: f"任期届满 {v} 个月未换届" if v is not None else "未超期",
                 "{\"at_least\": 0}（届满超过几个月算超期）"))


# ---------------------------------------------------------------- meetings (branchlife ComplianceStat only)


def compliance_model():
    """branchlife's ComplianceStat, or None while that app is not installed."""
    if not apps.is_installed("zugong.branchlife"):
        return None
    try:
        return apps.get_model("branchlife", "ComplianceStat")
    except LookupError:
        return None


def _compliance_rows(as_of, params):
    model = compliance_model()
    if model is None:
        return None
    since = add_months(as_of, -int(params.get("months", 12)))
    # Periods that started in the window and had ended by as_of (and were computed after they ended).
    rows = model.objects.unrestricted().filter(organization=OuterRef("pk"), required=True, current=False,
                                               period_start__gte=since, period_end__lte=as_of)
    if params.get("kinds"):
        rows = rows.filter(kind__in=params["kinds"])
    return rows


def _meeting_compliance(qs, name, as_of, params):
    rows = _compliance_rows(as_of, params)
    if rows is None:
        return qs.annotate(**{name: Value(None, output_field=FloatField())})
    required, compliant = _count(rows), _count(rows.filter(compliant=True))
    return qs.annotate(**{name: ExpressionWrapper(Cast(compliant, FloatField()) / NullIf(required, 0),
                                                  output_field=FloatField())})


def _kinds_text(p) -> str:
    return "、".join(MEETING_KINDS.get(k, k) for k in p.get("kinds", ())) or "组织生活"


register(Measure("meeting_compliance", "组织生活达标率", RATIO, _meeting_compliance,
                 lambda v, p: (f"{_kinds_text(p)}达标率 {_pct(v)}" if v is not None
                               else f"近 {p.get('months', 12)} 个月无{_kinds_text(p)}达标统计"),
                 "{\"months\": 12, \"kinds\": [\"general\", \"committee\", \"lecture\"]}"))


def _meeting_missed(qs, name, as_of, params):
    rows = _compliance_rows(as_of, params)
    if rows is None:
        return qs.annotate(**{name: Value(None, output_field=IntegerField())})
    required, missed = _count(rows), _count(rows.filter(compliant=False))
    # NULL when nothing was required in the window (no statistics): neither a deduction nor a clean record.
    return qs.annotate(**{f"{name}_required": required}).annotate(
        **{name: Case(When(Q(**{f"{name}_required": 0}), then=Value(None)), default=missed,
                      output_field=IntegerField())})


register(Measure("meeting_missed", "组织生活未达标次数", COUNT_BAD, _meeting_missed,
                 lambda v, p: (f"{_kinds_text(p)}未达标 {v} 次" if v is not None
                               else f"近 {p.get('months', 12)} 个月无{_kinds_text(p)}达标统计"),
                 "{\"months\": 12, \"kinds\": [\"general\"]}"))


# ---------------------------------------------------------------- dues


def _arrears_members(as_of, months):
    """Active members of the row's branch with `months` consecutive months owed, neither paid nor excused."""
    last_due = dues.last_due_month(as_of)
    since = add_months(last_due, 1 - months)
    paid = DuesPayment.objects.unrestricted().filter(membership=OuterRef("pk"), month__gte=since,
                                                     month__lte=last_due)
    excused = DuesExemption.objects.unrestricted().filter(membership=OuterRef("pk"), month_from__lte=last_due).filter(
        Q(month_to__isnull=True) | Q(month_to__gte=since))
    return (_members(status__in=Membership.ACTIVE_STATUSES)
            .annotate(dues_start=Coalesce("dues_from", "joined_on"))
            .filter(dues_start__lt=add_months(since, 1))
            .filter(~Exists(paid), ~Exists(excused)))


def _dues_arrears_rate(qs, name, as_of, params):
    months = int(params.get("months", 3))
    active = _count(_members(status__in=Membership.ACTIVE_STATUSES))
    owing = _count(_arrears_members(as_of, months))
    return qs.annotate(**{name: ExpressionWrapper(Cast(owing, FloatField()) / NullIf(active, 0),
                                                  output_field=FloatField())})


register(Measure("dues_arrears_rate", "党费欠交率", RATIO_BAD, _dues_arrears_rate,
                 lambda v, p: (f"连续 {p.get('months', 3)} 个月未交党费的党员占 {_pct(v)}" if v is not None
                               else "无在册党员"),
                 "{\"months\": 3}（连续几个月未交算欠交）"))


# ---------------------------------------------------------------- new members


def _recruited_within(qs, name, as_of, params):
    from zugong.recruitment.models import Case as RecruitmentCase

    cutoff = add_years(as_of, -int(params.get("years", 2)))
    joined = _members(joined_on__gte=cutoff, joined_on__lte=as_of)
    cases = RecruitmentCase.objects.unrestricted().filter(organization=OuterRef("pk")).filter(
        Q(branch_meeting_on__gte=cutoff, branch_meeting_on__lte=as_of)
        | Q(candidate_on__gte=cutoff, candidate_on__lte=as_of))
    return qs.annotate(**{name: Exists(joined) | Exists(cases)})


register(Measure("recruited_within", "近年发展党员", BOOL, _recruited_within,
                 lambda v, p: (f"近 {p.get('years', 2)} 年有发展党员" if v
                               else f"连续 {p.get('years', 2)} 年未发展党员（无新党员、无发展对象）"),
                 "{\"years\": 2}"))

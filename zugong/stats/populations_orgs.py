"""The populations of the organization, unit and special-group tables of the 2017 edition (tables 8, 24–31, 33,
41, 43), read from zugong's own records:

- `organizations` (表24): the committees, general branches and branches of the subtree existing on the day
  (founded by it, not dissolved by it), by kind, sector and their unit's legal-entity type; 任届期满 (the term
  ends on or before the day), 报告期内换届 (a valid 换届选举 held in the period: `elections.Election`).
- `units` (表25–31): the legal-entity units (`orgs.Unit`) of the subtree by `entity_type` — 已单独建立党组织 by
  the highest kind of the organizations attached to the unit (`Organization.unit`, existing on the day),
  已建立联合党支部 (no organization of its own, `joint_organization` set), 未建立党组织 (neither) with the
  recorded `coverage`; the 补充情况 figures are sums of the unit's numbers (`measure: "sum:employees"`).
- `mobile` (表33) and `lost` (表43): the members on the day (`populations.members`) whose membership is of
  the 流动 category and away by the day, or who lost contact at least `members.rules.MONTHS_LOST` months before
  the day (失去联系党员: 与党组织失去联系 6 个月以上). The category and the mobile/lost details are the
  membership's current ones (zugong keeps no dated history of them).
- `appraisal_branches`, `appraisal_members`, `correction_outcomes` (表8): the branches' 民主评议党员 of the
  year (`branchlife.Appraisal`), their members' results (`AppraisalResult`: grade and follow-up) and the
  限期改正 periods ending in 劝退 or 除名 in the period (`members.CorrectionPeriod`).
- `weakorgs` (表41): the organizations on the approved 软弱涣散基层党组织 lists of the year
  (`weakorgs.WeakOrganization`) by the situations found (W1–W10) and their rectification case.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from zugong.core.dates import add_months, add_years

from .populations import Ctx, Population, _codes, _member_predicates, _members_base, _members_visible, register

ORG_KINDS = ("committee", "general_branch", "branch")


def _bool(field: str):
    return lambda v, ctx: Q(**{field: bool(v)})


def _exists_on(prefix: str, day: dt.date) -> Q:
    """The organization at `prefix` exists on `day`: founded by it (or undated), not dissolved by it."""
    p = prefix
    return ((Q(**{f"{p}founded_on__isnull": True}) | Q(**{f"{p}founded_on__lte": day}))
            & (Q(**{f"{p}dissolved_on__isnull": True, f"{p}status": "active"}) | Q(**{f"{p}dissolved_on__gt": day})))


def _entity_group(v, prefix: str = "") -> Q:
    from zugong.orgs.entity_types import GROUPS

    codes = [c for g in _codes(v) for c in GROUPS[g]]
    return Q(**{f"{prefix}entity_type__in": codes})


# ------------------------------------------------------------------ 表24: the organizations


def _organizations_base(ctx: Ctx) -> QuerySet:
    from zugong.orgs.models import Organization

    return (Organization.objects.unrestricted()
            .filter(path__subtree=ctx.path, kind__in=ORG_KINDS).filter(_exists_on("", ctx.day)))


def _elected(v, ctx: Ctx) -> Q:
    from zugong.elections.models import Election

    held = Election.objects.unrestricted().filter(
        organization=OuterRef("pk"), kind=Election.Kind.TERM, valid=True, held_on__gte=ctx.start,
        held_on__lte=ctx.day)
    return Q(Exists(held)) if v else ~Q(Exists(held))


def _org_visible(qs: QuerySet, user) -> QuerySet:
    from zugong.orgs.models import Organization

    return qs.filter(pk__in=Organization.objects.visible_to(user).values("pk"))


register(Population(
    code="organizations", label="党组织", base=_organizations_base, kind="organizations",
    predicates={
        "kind": lambda v, ctx: Q(kind__in=_codes(v)),
        "sector": lambda v, ctx: Q(sector__in=_codes(v)),
        "unit_type": lambda v, ctx: Q(unit__entity_type__in=_codes(v)),
        "unit_group": lambda v, ctx: _entity_group(v, "unit__"),
        "term_expired": lambda v, ctx: Q(term_ends_on__lte=ctx.day) if v else ~Q(term_ends_on__lte=ctx.day),
        "elected": _elected,
    },
    listing=(("名称", "name"), ("类别", "kind"), ("领域", "sector"), ("所在单位", "unit__name"),
             ("成立日期", "founded_on"), ("本届任期届满", "term_ends_on")),
    visible=_org_visible,
))


# ------------------------------------------------------------------ 表25–31: the legal-entity units


RANKS = {"committee": 3, "general_branch": 2, "branch": 1}


def _own_rank(day: dt.date):
    """The highest kind of organization of the unit's own existing on `day` (3 党委, 2 总支部, 1 支部, 0 none):
    one subquery per unit, annotated on the base (`own_rank`); the aggregate then reads the column, so the
    hundreds of cells of tables 25–31 do not each run their own EXISTS per unit."""
    from zugong.orgs.models import Organization

    rank = Case(*(When(kind=k, then=Value(r)) for k, r in RANKS.items()), default=Value(0),
                output_field=IntegerField())
    own = (Organization.objects.unrestricted().filter(unit=OuterRef("pk"), kind__in=ORG_KINDS)
           .filter(_exists_on("", day)).annotate(rank=rank).order_by("-rank").values("rank")[:1])
    return Coalesce(Subquery(own, output_field=IntegerField()), Value(0))


def _org_kind(v, ctx: Ctx) -> Q:
    """The unit's own organization is at most of kind `v`: a unit with a committee and branches under it counts
    once, as 建立党委的; with a general branch (no committee) as 建立总支部的; else with branches as 建立支部的."""
    return Q(own_rank=RANKS[v])


def _own(v, ctx: Ctx) -> Q:
    return Q(own_rank__gt=0) if v else Q(own_rank=0)


def _joint(v, ctx: Ctx) -> Q:
    """已建立联合党支部: no organization of its own, its members in a joint branch."""
    return _own(False, ctx) & Q(joint_organization__isnull=False) if v else ~Q(joint_organization__isnull=False)


def _no_org(v, ctx: Ctx) -> Q:
    """未建立党组织: neither an organization of its own nor a joint branch."""
    q = _own(False, ctx) & Q(joint_organization__isnull=True)
    return q if v else ~q


def _units_base(ctx: Ctx) -> QuerySet:
    from zugong.orgs.models import Unit

    return (Unit.objects.unrestricted().filter(org_path__subtree=ctx.path).exclude(entity_type="")
            .annotate(own_rank=_own_rank(ctx.day)))


def _units_visible(qs: QuerySet, user) -> QuerySet:
    from zugong.orgs.models import Unit

    return qs.filter(pk__in=Unit.objects.visible_to(user).values("pk"))


register(Population(
    code="units", label="法人单位", base=_units_base, kind="units",
    predicates={
        "entity_type": lambda v, ctx: Q(entity_type__in=_codes(v)),
        "entity_group": lambda v, ctx: _entity_group(v),
        "own_org": _own,
        "org_kind": _org_kind,
        "joint": _joint,
        "no_org": _no_org,
        "coverage": lambda v, ctx: _no_org(True, ctx) & Q(coverage__in=_codes(v)),
        "members_min": lambda v, ctx: Q(employee_members__gte=int(v)),
        "employees_min": lambda v, ctx: Q(employees__gte=int(v)),
        "large": _bool("large"),
        "legal_rep_member": _bool("legal_rep_member"),
        "legal_rep_secretary": _bool("legal_rep_secretary"),
        "liaison": _bool("liaison"),
        "full_time_worker": _bool("full_time_worker"),
    },
    listing=(("单位名称", "name"), ("法人单位类型", "entity_type"), ("所在联合党支部", "joint_organization__name"),
             ("未建立党组织的情况", "coverage"), ("在岗职工（从业人员）数", "employees"),
             ("在岗职工中党员数", "employee_members")),
    visible=_units_visible,
))


# ------------------------------------------------------------------ 表33 and 表43: mobile and lost members


def _mobile_base(ctx: Ctx) -> QuerySet:
    return _members_base(ctx).filter(membership__category="mobile", membership__away_since__lte=ctx.day)


def _lost_base(ctx: Ctx) -> QuerySet:
    from zugong.members.rules import MONTHS_LOST

    return _members_base(ctx).filter(membership__lost_contact_since__lte=add_months(ctx.day, -MONTHS_LOST))


def _years_between(lookup: str, day: dt.date, lo: int | None, hi: int | None) -> Q:
    """Full years from `lookup` (a date) to `day` within [lo, hi]."""
    q = Q()
    if hi is not None:
        q &= Q(**{f"{lookup}__gt": add_years(day, -(hi + 1))})
    if lo is not None:
        q &= Q(**{f"{lookup}__lte": add_years(day, -lo)})
    return q


def _special_predicates() -> dict:
    preds = _member_predicates()
    m = "membership__"
    preds.update({
        "sector": lambda v, ctx: Q(**{f"{m}organization__sector__in": _codes(v)}),
        "mobile_scope": lambda v, ctx: Q(**{f"{m}mobile_scope__in": _codes(v)}),
        "mobile_card": lambda v, ctx: Q(**{f"{m}mobile_card": bool(v)}),
        "destination": lambda v, ctx: Q(**{f"{m}mobile_destination__in": _codes(v)}),
        "party_age_min": lambda v, ctx: _years_between(f"{m}joined_on", ctx.day, int(v), None),
        "party_age_max": lambda v, ctx: _years_between(f"{m}joined_on", ctx.day, None, int(v)),
        "lost_years_min": lambda v, ctx: _years_between(f"{m}lost_contact_since", ctx.day, int(v), None),
        "lost_years_max": lambda v, ctx: _years_between(f"{m}lost_contact_since", ctx.day, None, int(v)),
        "lost_reason": lambda v, ctx: Q(**{f"{m}lost_reason__in": _codes(v)}),
    })
    return preds


_MEMBER_LISTING = (("姓名", "membership__person__name"), ("性别", "membership__person__sex"),
                   ("出生日期", "membership__person__birth_date"), ("党籍状态", "status"),
                   ("入党时间", "membership__joined_on"), ("所在党组织", "membership__organization__name"))

register(Population(
    code="mobile", label="流动党员", base=_mobile_base, predicates=_special_predicates(), visible=_members_visible,
    listing=_MEMBER_LISTING + (("外出时间", "membership__away_since"), ("流动范围", "membership__mobile_scope"),
                               ("外出流向", "membership__mobile_destination")),
))
register(Population(
    code="lost", label="失去联系党员", base=_lost_base, predicates=_special_predicates(), visible=_members_visible,
    listing=_MEMBER_LISTING + (("失去联系时间", "membership__lost_contact_since"),
                               ("失去联系具体情形", "membership__lost_reason")),
))


# ------------------------------------------------------------------ 表8: democratic appraisal of members


def _period(prefix: str):
    """"current": the appraisal of the reporting year; "carried": last year's, decided within the period
    (上年开展本年结束评议)."""
    def fn(v, ctx: Ctx) -> Q:
        if v == "carried":
            return Q(**{f"{prefix}year": ctx.day.year - 1, f"{prefix}decided_on__gte": ctx.start,
                        f"{prefix}decided_on__lte": ctx.day})
        return Q(**{f"{prefix}year": ctx.day.year})
    return fn


def _decided(prefix: str):
    return lambda v, ctx: (Q(**{f"{prefix}decided_on__lte": ctx.day}) if v
                           else ~Q(**{f"{prefix}decided_on__lte": ctx.day}))


def _appraisals_base(ctx: Ctx) -> QuerySet:
    from zugong.branchlife.models import Appraisal

    return Appraisal.objects.unrestricted().filter(org_path__subtree=ctx.path,
                                                   year__in=(ctx.day.year, ctx.day.year - 1))


def _results_base(ctx: Ctx) -> QuerySet:
    from zugong.branchlife.models import AppraisalResult

    return AppraisalResult.objects.unrestricted().filter(org_path__subtree=ctx.path,
                                                         appraisal__year__in=(ctx.day.year, ctx.day.year - 1))


def _corrections_base(ctx: Ctx) -> QuerySet:
    from zugong.members.models import CorrectionPeriod

    return CorrectionPeriod.objects.unrestricted().filter(membership__org_path__subtree=ctx.path,
                                                          outcome_on__gte=ctx.start, outcome_on__lte=ctx.day)


def _visible_via(model_path: str, field: str):
    def fn(qs: QuerySet, user) -> QuerySet:
        from django.apps import apps

        model = apps.get_model(model_path)
        return qs.filter(**{f"{field}__in": model.objects.visible_to(user).values("pk")})
    return fn


register(Population(
    code="appraisal_branches", label="开展民主评议党员的党支部", base=_appraisals_base, kind="organizations",
    predicates={"sector": lambda v, ctx: Q(organization__sector__in=_codes(v)), "period": _period(""),
                "decided": _decided("")},
    listing=(("党支部", "organization__name"), ("评议年度", "year"), ("组织评定日期", "decided_on")),
    visible=_visible_via("branchlife.Appraisal", "pk"),
))
register(Population(
    code="appraisal_members", label="参加民主评议的党员", base=_results_base,
    predicates={"sector": lambda v, ctx: Q(appraisal__organization__sector__in=_codes(v)),
                "period": _period("appraisal__"),
                "decided": lambda v, ctx: _decided("appraisal__")(v, ctx) & ~Q(grade="") if v
                else ~(_decided("appraisal__")(True, ctx) & ~Q(grade="")),
                # a grade and its follow-up count once the organization has decided them by the day (an
                # appraisal still open on the reporting date has no result yet: 表8 r3 >= r5)
                "grade": lambda v, ctx: Q(grade__in=_codes(v)) & _decided("appraisal__")(True, ctx),
                "followup": lambda v, ctx: Q(followup__in=_codes(v)) & _decided("appraisal__")(True, ctx)},
    listing=(("姓名", "membership__person__name"), ("党支部", "appraisal__organization__name"),
             ("评定等次", "grade"), ("处置方式", "followup")),
    visible=_visible_via("members.Membership", "membership"),
))
register(Population(
    code="correction_outcomes", label="限期改正期满劝退或除名的党员", base=_corrections_base,
    predicates={"sector": lambda v, ctx: Q(membership__organization__sector__in=_codes(v)),
                "period": lambda v, ctx: Q() if v == "current" else Q(pk__in=[]),
                "outcome": lambda v, ctx: Q(outcome__in=_codes(v))},
    listing=(("姓名", "membership__person__name"), ("所在党组织", "membership__organization__name"),
             ("结果", "outcome"), ("结果认定日期", "outcome_on")),
    visible=_visible_via("members.Membership", "membership"),
))


# ------------------------------------------------------------------ 表41: weak organizations


def _weakorgs_base(ctx: Ctx) -> QuerySet:
    from zugong.weakorgs.models import WeakOrganization

    return WeakOrganization.objects.unrestricted().filter(
        org_path__subtree=ctx.path, identification_list__year=ctx.day.year,
        identification_list__status="approved")


def _reason(v, ctx: Ctx) -> Q:
    q = Q()
    for code in _codes(v):  # `reasons` is a JSON list of {"code": …}: matched on its text on both databases
        q |= Q(reasons__icontains=f'"code": "{code}"')
    return q


def _filled(field: str):
    return lambda v, ctx: (~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})) if v \
        else (Q(**{field: ""}) | Q(**{f"{field}__isnull": True}))


register(Population(
    code="weakorgs", label="软弱涣散基层党组织", base=_weakorgs_base, kind="organizations",
    predicates={
        "sector": lambda v, ctx: Q(organization__sector__in=_codes(v)),
        "reason": _reason,
        "paired_unit": _filled("rectification__paired_unit"),
        "county_leader": _filled("rectification__county_leader"),
        "first_secretary": _filled("rectification__first_secretary"),
        "accepted": lambda v, ctx: Q(rectification__accepted_on__gte=ctx.start,
                                     rectification__accepted_on__lte=ctx.day),
    },
    listing=(("党组织", "organization__name"), ("认定情形", "reasons"), ("认定方式", "basis")),
    visible=_visible_via("weakorgs.WeakOrganization", "pk"),
))

"""What a statistics cell counts: a population (the members on the reporting date, the new members of the
year, the exits of the year, the organizations, the legal-entity units …) and the predicates that select
within it. Every population is registered here by the area that reads its records (`@population`); the table
definitions name populations and predicates by code (`definitions`), the engine counts them in SQL (`engine`)
and the drill-down lists the rows behind a cell (`Population.listing`).

A population is
- `base(ctx)`: an unrestricted queryset of the rows counted for the subtree at `ctx.path` on `ctx.day` (the
  reporting period `ctx.start`..`ctx.day` for events), one row per counted thing;
- `predicates`: {key: fn(value, ctx) -> Q} over that queryset;
- `listing`: the columns of the drill-down list ((label, lookup) pairs, lookups of the base queryset) and
  `visible(qs, user)`: the rows of the list the user may see by name (`core.scope`; a row counted in the
  subtree but outside the user's scope now is counted, never named).

Counting rules (2017 填报说明, `../shared/domain/party-statistics.md` §2): members by their formal 组织关系 on
the reporting date (the branch that held the membership that day: `members.history`); new members and
conversions by the organization that handled them; exits by the handling organization; organizations by their
place in the tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Q, QuerySet

from zugong.core.dates import add_years


@dataclass(frozen=True)
class Ctx:
    """The reporting organization's subtree (`path`), the reporting date (`day`) and the start of the reporting
    period (`start`: 1 January of `day`'s year unless given)."""

    path: str
    day: dt.date
    start: dt.date

    @classmethod
    def of(cls, path: str, day: dt.date, start: dt.date | None = None) -> "Ctx":
        return cls(path, day, start or dt.date(day.year, 1, 1))


Predicate = Callable[[object, Ctx], Q]


@dataclass
class Population:
    code: str
    label: str  # what a cell counts, in Chinese: "党员", "发展党员", "党组织", "法人单位"
    base: Callable[[Ctx], QuerySet]
    predicates: dict[str, Predicate] = field(default_factory=dict)
    listing: tuple[tuple[str, str], ...] = ()
    visible: Callable[[QuerySet, object], QuerySet] | None = None
    kind: str = "people"  # "people" / "organizations" / "units" / "events"

    def q(self, where: dict, ctx: Ctx) -> Q:
        out = Q()
        for key, value in where.items():
            fn = self.predicates.get(key)
            if fn is None:
                raise KeyError(f"统计对象“{self.label}”没有条件 {key}")
            out &= fn(value, ctx)
        return out


POPULATIONS: dict[str, Population] = {}


def register(pop: Population) -> Population:
    POPULATIONS[pop.code] = pop
    return pop


def get(code: str) -> Population:
    try:
        return POPULATIONS[code]
    except KeyError:
        raise KeyError(f"没有统计对象 {code}") from None


# ------------------------------------------------------------------ predicates over a person


def _codes(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def born_after(day: dt.date, years: int) -> dt.date:
    """Age at most `years` on `day` ⇔ born after this date (a birthday on `day` counts the new age)."""
    return add_years(day, -(years + 1))


def age_between(prefix: str, day: dt.date, lo: int | None, hi: int | None) -> Q:
    """Full years of age on `day` within [lo, hi] (either may be None), for the birth date at `prefix`."""
    q = Q()
    if hi is not None:
        q &= Q(**{f"{prefix}birth_date__gt": born_after(day, hi)})
    if lo is not None:
        q &= Q(**{f"{prefix}birth_date__lte": add_years(day, -lo)})
    return q


def person_predicates(prefix: str, day_of: Callable[[Ctx], dt.date] = lambda ctx: ctx.day) -> dict[str, Predicate]:
    """Predicates over the person reached by `prefix` ("membership__person__", "person__"): sex, ethnicity,
    age on the day (`day_of(ctx)`: the reporting date, or the event's date for events), education,
    occupation class, 新的社会阶层, 一线, 专业技术职务, student level and year, 台湾省籍."""
    p = prefix
    return {
        "sex": lambda v, ctx: Q(**{f"{p}sex": "2" if v in ("female", "2", "女") else "1"}),
        "minority": lambda v, ctx: (~Q(**{f"{p}ethnicity": "01"}) if v else Q(**{f"{p}ethnicity": "01"})),
        "taiwan": lambda v, ctx: Q(**{f"{p}taiwan_origin": bool(v)}),
        "age_min": lambda v, ctx: age_between(p, day_of(ctx), int(v), None),
        "age_max": lambda v, ctx: age_between(p, day_of(ctx), None, int(v)),
        "education": lambda v, ctx: Q(**{f"{p}education__in": _codes(v)}),
        "occupation": lambda v, ctx: Q(**{f"{p}occupation_class__in": _codes(v)}),
        "stratum": lambda v, ctx: (~Q(**{f"{p}social_stratum": ""}) if v is True
                                   else Q(**{f"{p}social_stratum__in": _codes(v)})),
        "front_line": lambda v, ctx: (~Q(**{f"{p}front_line": ""}) if v is True
                                      else Q(**{f"{p}front_line__in": _codes(v)})),
        "tech_title": lambda v, ctx: (~Q(**{f"{p}tech_title_level": ""}) if v is True
                                      else Q(**{f"{p}tech_title_level__in": _codes(v)})),
        "student_level": lambda v, ctx: Q(**{f"{p}student_level__in": _codes(v)}),
        "student_year": lambda v, ctx: Q(**{f"{p}student_year__in": _codes(v)}),
    }


def date_range(lookup: str, lo: str | None, hi: str | None) -> Q:
    """`lookup` between two ISO dates (inclusive; either may be None)."""
    q = Q()
    if lo:
        q &= Q(**{f"{lookup}__gte": dt.date.fromisoformat(lo)})
    if hi:
        q &= Q(**{f"{lookup}__lte": dt.date.fromisoformat(hi)})
    return q


PERSON_LISTING = (("姓名", "name"), ("性别", "sex"), ("出生日期", "birth_date"), ("民族", "ethnicity"),
                  ("学历", "education"), ("职业（党内统计分类）", "occupation_class"))


# ------------------------------------------------------------------ the members on the reporting date


def _members_base(ctx: Ctx) -> QuerySet:
    """One row per membership that held probationary or full status on the day in a branch of the subtree
    (the branch of that day, as `members.history.branch_on` reads it: the branch the first transfer within the
    province received after the day left, else the branch now)."""
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from zugong.core import history as core_history
    from zugong.members import history
    from zugong.members.models import Membership, StatusSpan, TransferRequest

    S = Membership.Status
    spans = (StatusSpan.objects.unrestricted()
             .filter(core_history.held_on(ctx.day), status__in=(S.PROBATIONARY, S.FULL)))
    later = history.left_after(ctx.day)
    if not later.exists():  # nobody moved since the day: the branch now is the branch then
        return spans.filter(history.in_subtree("membership__org_path", ctx.path))
    came_from = later.filter(history.in_subtree("from_org__path", ctx.path)).values("membership_id")
    first = (TransferRequest.objects.unrestricted()
             .filter(membership=OuterRef("membership_id"), kind=TransferRequest.Kind.WITHIN,
                     status=TransferRequest.Status.RECEIVED, received_on__gt=ctx.day)
             .order_by("received_on", "pk").values("from_org__path")[:1])
    return (spans.filter(history.in_subtree("membership__org_path", ctx.path) | Q(membership_id__in=came_from))
            .annotate(branch_path_then=Coalesce(Subquery(first), F("membership__org_path")))
            .filter(history.in_subtree("branch_path_then", ctx.path)))


def _member_predicates() -> dict[str, Predicate]:
    preds = person_predicates("membership__person__")
    preds.update({
        "status": lambda v, ctx: Q(status__in=_codes(v)),
        "joined": lambda v, ctx: date_range("membership__joined_on", *v),
        "category": lambda v, ctx: Q(membership__category__in=_codes(v)),
        "sector": lambda v, ctx: Q(membership__organization__sector__in=_codes(v)),
    })
    return preds


def _members_visible(qs: QuerySet, user) -> QuerySet:
    from zugong.members.models import Membership

    return qs.filter(membership__in=Membership.objects.visible_to(user).values("pk"))


register(Population(
    code="members", label="党员", base=_members_base, predicates=_member_predicates(),
    listing=tuple((label, f"membership__person__{lookup}") for label, lookup in PERSON_LISTING) + (
        ("党籍状态", "status"), ("入党时间", "membership__joined_on"), ("所在党组织", "membership__organization__name")),
    visible=_members_visible,
))

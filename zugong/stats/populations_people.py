"""The populations of the people tables (2017 edition: tables 1, 3, 4, 7, 10, 12, 15–20), registered beside
`members` (`populations.py`) and imported by `StatsConfig.ready`. Each reads zugong's own records:

- `members_before`: the members on the day before the period starts (表1 上年底总数), as `members` counts them.
- `new_members` (发展党员, tables 1, 7, 16, 17): recruitment cases whose 支部大会 admitted the person in the period
  and whose admission the higher committee approved (`approved_on` set, whenever): the membership is dated
  from the branch meeting (`Membership.joined_on`), so counting by that day keeps 表1 balanced against the
  members on the day. Counted by the case's branch (`Case.org_path`: the organization that handled it). Age on
  the day of the branch meeting.
- `conversions` (表15): admitted cases whose one-year probation ended in the period (the branch meeting a year
  before; an extended probation ending in the period is counted again when converted: 延长预备期转正), and those
  whose probationary membership was cancelled in the period before it ended. Outcomes by the reporting date.
- `applicants` ⊇ `activists` ⊇ `candidates` (入党申请人, 入党积极分子, 发展对象; tables 20, 19, 18): cases that had
  reached the stage by the day (applied_on / activist_on / candidate_on), not admitted by the day and not
  closed before it; counted by the case's branch.
- `exits` (tables 1, 10): `members.Exit` rows decided in the period by the handling organization (org_path);
  age on the day of the decision.
- `sanctions` (表12): party-discipline `assessment.Sanction`s decided in the period of members whose branch on
  the day of the decision lay in the subtree; age on that day.
- `restored` / `stopped` (表1 恢复党籍, 停止党籍): full status spans following a stopped (left, cancelled) span,
  and stopped spans, starting in the period, by the member's branch that day.
- `transfers_in` / `transfers_out` (表1): received transfers into (out of) the subtree in the period: from
  outside the province, or within it from (to) a branch outside the subtree.

Ages on an event's day are compared per row as yyyymmdd numbers (full years: the day's number minus the birth
date's ≥ n·10000), portable on SQLite and PostgreSQL; ages on the reporting date use `age_between`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from .populations import (PERSON_LISTING, Ctx, Population, Predicate, _codes, _members_base, _members_visible,
                          _member_predicates, date_range, person_predicates, register)

DAY = dt.timedelta(days=1)
PARTY_SANCTIONS = {
    "warning": ["party_warning"], "serious_warning": ["party_serious_warning"],
    "post_removal": ["party_post_removal"], "probation": ["probation_1", "probation_2"], "expulsion": ["expulsion"],
}


def _number(field: str):
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def event_age(prefix: str, day_field: str, lo: int | None, hi: int | None) -> Q:
    """Full years of age on the row's own day (`day_field`) within [lo, hi], for the birth date at `prefix`."""
    diff = _number(day_field) - _number(f"{prefix}birth_date")
    q = Q()
    if lo is not None:
        q &= Q(GreaterThanOrEqual(diff, lo * 10000))
    if hi is not None:
        q &= Q(LessThan(diff, (hi + 1) * 10000))
    return q


def event_person_predicates(prefix: str, day_field: str) -> dict[str, Predicate]:
    preds = person_predicates(prefix)
    preds["age_min"] = lambda v, ctx: event_age(prefix, day_field, int(v), None)
    preds["age_max"] = lambda v, ctx: event_age(prefix, day_field, None, int(v))
    return preds


def _in_period(field: str, ctx: Ctx) -> Q:
    return Q(**{f"{field}__gte": ctx.start, f"{field}__lte": ctx.day})


def _at_branch_then(qs: QuerySet, ctx: Ctx, member: str, day_field: str) -> QuerySet:
    """Rows whose membership (`member`: "membership" or "person__membership") lay in a branch of the subtree
    on the row's day (`day_field`): the branch a transfer within the province received after that day left,
    else the branch now (as `members` reads it)."""
    from zugong.members import history
    from zugong.members.models import TransferRequest

    later = history.left_after(ctx.start - DAY)
    if not later.exists():
        return qs.filter(history.in_subtree(f"{member}__org_path", ctx.path))
    came_from = later.filter(history.in_subtree("from_org__path", ctx.path)).values("membership_id")
    first = (TransferRequest.objects.unrestricted()
             .filter(membership=OuterRef(f"{member}__pk"), kind=TransferRequest.Kind.WITHIN,
                     status=TransferRequest.Status.RECEIVED, received_on__gt=OuterRef(day_field))
             .order_by("received_on", "pk").values("from_org__path")[:1])
    return (qs.filter(history.in_subtree(f"{member}__org_path", ctx.path) | Q(**{f"{member}__in": came_from}))
            .annotate(branch_path_then=Coalesce(Subquery(first), F(f"{member}__org_path")))
            .filter(history.in_subtree("branch_path_then", ctx.path)))


# ------------------------------------------------------------------ members on the day before the period


register(Population(
    code="members_before", label="党员（上年底）",
    base=lambda ctx: _members_base(Ctx(ctx.path, ctx.start - DAY, ctx.start)),
    predicates=_member_predicates(),
    listing=tuple((label, f"membership__person__{lookup}") for label, lookup in PERSON_LISTING) + (
        ("党籍状态", "status"), ("入党时间", "membership__joined_on"), ("所在党组织", "membership__organization__name")),
    visible=_members_visible,
))


# ------------------------------------------------------------------ recruitment cases


def _case_visible(qs: QuerySet, user) -> QuerySet:
    from zugong.recruitment.models import Case

    return qs.filter(pk__in=Case.objects.visible_to(user).values("pk"))


CASE_LISTING = tuple((label, f"person__{lookup}") for label, lookup in PERSON_LISTING) + (
    ("递交入党申请书日期", "applied_on"), ("确定入党积极分子日期", "activist_on"), ("确定发展对象日期", "candidate_on"),
    ("支部大会讨论日期", "branch_meeting_on"), ("上级党委审批日期", "approved_on"), ("所在党支部", "organization__name"))


def _cases(ctx: Ctx) -> QuerySet:
    from zugong.recruitment.models import Case

    return Case.objects.unrestricted().filter(org_path__subtree=ctx.path)


def _new_members_base(ctx: Ctx) -> QuerySet:
    return _cases(ctx).filter(_in_period("branch_meeting_on", ctx), approved_on__isnull=False)


def _readmitted(v, ctx: Ctx) -> Q:
    from zugong.members.models import Exit

    earlier = Exit.objects.unrestricted().filter(membership__person=OuterRef("person"),
                                                 decided_on__lt=OuterRef("branch_meeting_on"))
    return Q(Exists(earlier)) if v else ~Q(Exists(earlier))


def _case_predicates(day_field: str | None) -> dict[str, Predicate]:
    preds = event_person_predicates("person__", day_field) if day_field else person_predicates("person__")
    preds.update({
        "sector": lambda v, ctx: Q(organization__sector__in=_codes(v)),
        "target_group": lambda v, ctx: Q(target_group__in=_codes(v)),
    })
    return preds


register(Population(
    code="new_members", label="发展党员", base=_new_members_base,
    predicates={**_case_predicates("branch_meeting_on"), "readmitted": _readmitted},
    listing=CASE_LISTING, visible=_case_visible, kind="events",
))


def _not_admitted_open(ctx: Ctx) -> Q:
    """Not admitted by the day (no approved branch meeting on or before it) and not closed before it."""
    return ((Q(branch_meeting_on__isnull=True) | Q(branch_meeting_on__gt=ctx.day) | Q(approved_on__isnull=True))
            & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=ctx.day)))


for _code, _label, _field in (("applicants", "入党申请人", "applied_on"), ("activists", "入党积极分子", "activist_on"),
                              ("candidates", "发展对象", "candidate_on")):
    register(Population(
        code=_code, label=_label,
        base=(lambda field: lambda ctx: _cases(ctx).filter(Q(**{f"{field}__lte": ctx.day}), _not_admitted_open(ctx)))(
            _field),
        predicates=_case_predicates(None), listing=CASE_LISTING, visible=_case_visible,
    ))


# ------------------------------------------------------------------ 预备党员转正 (表15)


YEAR_DAYS = dt.timedelta(days=365)  # "before the probation ended": within 365 days of the branch meeting


def _due(ctx: Ctx) -> Q:
    """The one-year probation ended in the period (the branch meeting a year before the period)."""
    from zugong.core.dates import add_years

    return Q(branch_meeting_on__gte=add_years(ctx.start, -1), branch_meeting_on__lte=add_years(ctx.day, -1))


def _early_cancel(ctx: Ctx) -> Q:
    return Q(status="terminated", terminated_on__lte=ctx.day,
             terminated_on__lt=F("branch_meeting_on") + YEAR_DAYS)


def _due_extended(ctx: Ctx) -> Q:
    return Q(probation_extended_on__isnull=False) & _in_period("converted_on", ctx) & Q(
        conversion_approved_on__lte=ctx.day)


def _expired(ctx: Ctx) -> Q:
    return (_due(ctx) & ~_early_cancel(ctx)) | _due_extended(ctx)


def _extended(ctx: Ctx) -> Q:
    return _due(ctx) & Q(probation_extended_on__lte=ctx.day)


def _outcome(v, ctx: Ctx) -> Q:
    converted = Q(conversion_approved_on__lte=ctx.day) & ~_extended(ctx)
    cancelled = Q(status="terminated", terminated_on__lte=ctx.day) & ~_extended(ctx)
    return {"converted": converted, "extended": _extended(ctx), "cancelled": cancelled,
            "pending": ~Q(conversion_approved_on__lte=ctx.day) & ~_extended(ctx)
            & ~Q(status="terminated", terminated_on__lte=ctx.day)}[v]


def _conversions_base(ctx: Ctx) -> QuerySet:
    return _cases(ctx).filter(Q(approved_on__isnull=False) & (
        _due(ctx) | Q(probation_extended_on__isnull=False, converted_on__gte=ctx.start, converted_on__lte=ctx.day)
        | Q(status="terminated", terminated_on__gte=ctx.start, terminated_on__lte=ctx.day)))


register(Population(
    code="conversions", label="预备党员", base=_conversions_base,
    predicates={
        **_case_predicates(None),
        "expired": lambda v, ctx: _expired(ctx) if v else ~_expired(ctx),
        "outcome": _outcome,
        "after_extension": lambda v, ctx: _due_extended(ctx),
        "postponed": lambda v, ctx: Q(conversion_meeting_on__gt=F("converted_on")),
        "cancelled_early": lambda v, ctx: _early_cancel(ctx) & Q(terminated_on__gte=ctx.start),
    },
    listing=CASE_LISTING + (("延长预备期的支部大会日期", "probation_extended_on"), ("转正时间", "converted_on"),
                            ("终止日期", "terminated_on")),
    visible=_case_visible, kind="events",
))


# ------------------------------------------------------------------ exits and sanctions


def _exits_base(ctx: Ctx) -> QuerySet:
    from zugong.members.models import Exit

    return Exit.objects.unrestricted().filter(org_path__subtree=ctx.path).filter(_in_period("decided_on", ctx))


def _exits_visible(qs: QuerySet, user) -> QuerySet:
    from zugong.members.models import Exit

    return qs.filter(pk__in=Exit.objects.visible_to(user).values("pk"))


register(Population(
    code="exits", label="出党党员", base=_exits_base,
    predicates={
        **event_person_predicates("membership__person__", "decided_on"),
        "kind": lambda v, ctx: Q(kind__in=_codes(v)),
        "rank": lambda v, ctx: Q(rank_level__in=_codes(v)),
        "joined": lambda v, ctx: date_range("membership__joined_on", *v),
        "misconduct": lambda v, ctx: Q(misconduct__in=_codes(v)),
        "manifestation": lambda v, ctx: Q(manifestation__in=_codes(v)),
    },
    listing=tuple((label, f"membership__person__{lookup}") for label, lookup in PERSON_LISTING) + (
        ("出党方式", "kind"), ("出党日期", "decided_on"), ("入党时间", "membership__joined_on"),
        ("办理的党组织", "organization__name")),
    visible=_exits_visible, kind="events",
))


def _sanctions_base(ctx: Ctx) -> QuerySet:
    from zugong.assessment.models import Sanction

    kinds = [k for ks in PARTY_SANCTIONS.values() for k in ks]
    qs = Sanction.objects.unrestricted().filter(_in_period("decided_on", ctx), kind__in=kinds,
                                                person__membership__isnull=False)
    return _at_branch_then(qs, ctx, "person__membership", "decided_on")


def _sanctions_visible(qs: QuerySet, user) -> QuerySet:
    from zugong.assessment.models import Sanction

    return qs.filter(pk__in=Sanction.objects.visible_to(user).values("pk"))


register(Population(
    code="sanctions", label="受党纪处分党员", base=_sanctions_base,
    predicates={
        **event_person_predicates("person__", "decided_on"),
        "kind": lambda v, ctx: Q(kind__in=[k for code in _codes(v) for k in PARTY_SANCTIONS[code]]),
        "joined": lambda v, ctx: date_range("person__membership__joined_on", *v),
    },
    listing=tuple((label, f"person__{lookup}") for label, lookup in PERSON_LISTING) + (
        ("处分类别", "kind"), ("决定日期", "decided_on"), ("入党时间", "person__membership__joined_on")),
    visible=_sanctions_visible, kind="events",
))


# ------------------------------------------------------------------ 表1: status changes and transfers


def _spans(ctx: Ctx, status: str) -> QuerySet:
    from zugong.members.models import StatusSpan

    qs = StatusSpan.objects.unrestricted().filter(_in_period("started_on", ctx), status=status)
    return _at_branch_then(qs, ctx, "membership", "started_on")


def _previous(statuses) -> Exists:
    from zugong.members.models import StatusSpan

    return Exists(StatusSpan.objects.unrestricted().filter(
        membership=OuterRef("membership"), ended_on=OuterRef("started_on"), status__in=statuses))


SPAN_LISTING = tuple((label, f"membership__person__{lookup}") for label, lookup in PERSON_LISTING) + (
    ("起始日期", "started_on"), ("所在党组织", "membership__organization__name"))

register(Population(
    code="restored", label="恢复党籍的党员",
    base=lambda ctx: _spans(ctx, "full").filter(_previous(["stopped", "left", "cancelled"])),
    predicates={"from_status": lambda v, ctx: Q(_previous(_codes(v)))},
    listing=SPAN_LISTING, visible=_members_visible, kind="events",
))
register(Population(
    code="stopped", label="停止党籍的党员",
    base=lambda ctx: _spans(ctx, "stopped").filter(_previous(["full", "probationary"])),
    listing=SPAN_LISTING, visible=_members_visible, kind="events",
))


def _transfers(ctx: Ctx, into: bool) -> QuerySet:
    from zugong.members.history import in_subtree
    from zugong.members.models import TransferRequest

    K = TransferRequest.Kind
    qs = TransferRequest.objects.unrestricted().filter(status=TransferRequest.Status.RECEIVED,
                                                       received_on__gte=ctx.start, received_on__lte=ctx.day)
    inside, outside = ("to_org__path", "from_org__path") if into else ("from_org__path", "to_org__path")
    return qs.filter(
        (Q(kind=K.IN if into else K.OUT) & in_subtree(inside, ctx.path))
        | (Q(kind=K.WITHIN) & in_subtree(inside, ctx.path) & ~in_subtree(outside, ctx.path)))


def _transfers_visible(qs: QuerySet, user) -> QuerySet:
    from zugong.members.models import TransferRequest

    return qs.filter(pk__in=TransferRequest.objects.visible_to(user).values("pk"))


TRANSFER_LISTING = (("姓名", "name"), ("转接类型", "kind"), ("转出党组织", "from_org__name"),
                    ("转出党组织（省外）", "from_org_name"), ("接收党组织", "to_org__name"),
                    ("接收党组织（省外）", "to_org_name"), ("接收日期", "received_on"))

for _code, _label, _into in (("transfers_in", "转入组织关系的党员", True), ("transfers_out", "转出组织关系的党员", False)):
    register(Population(code=_code, label=_label, base=(lambda into: lambda ctx: _transfers(ctx, into))(_into),
                        listing=TRANSFER_LISTING, visible=_transfers_visible, kind="events"))

"""Scoring a subtree's branches on a checklist for a year: one query computes every item's points for every
branch (data items from measures, inspector items from `InspectorScore`), then the results are upserted in
batches as `BranchScore` rows. No query per organization.

Several checklists may be in force for one branch (the province's, a city's own for its subtree, an old and a
new edition): the one that wins by `precedence` governs it, and a run scores only the branches its checklist
governs on the year's judged day (`judged_on`), removing its earlier scores of branches another one governs
now, so a branch has one score a year."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from zugong.core import audit
from zugong.core.config import measures
from zugong.orgs.models import Organization

from .models import BranchScore, Checklist, ChecklistItem, InspectorScore

CENT = Decimal("0.01")


def year_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The day a year is judged on: the next 1 January (the year's periods have all ended), or today while the
    year runs; measures look at the 12 months before it."""
    today = today or timezone.localdate()
    return min(dt.date(year + 1, 1, 1), today)


def judged_on(year: int, as_of: dt.date | None = None) -> dt.date:
    """The day whose checklist governs a year's scores: the last day judged (the day before `as_of`), kept
    inside the year."""
    as_of = as_of or year_as_of(year)
    return min(max(as_of - dt.timedelta(days=1), dt.date(year, 1, 1)), dt.date(year, 12, 31))


def precedence(checklist: Checklist) -> tuple:
    """Where several checklists are in force for a branch, the greatest wins: the nearest issuer (a city's own
    checklist over the province's), then one made for the branch's sector, then the latest effective date (a
    new edition over the old one). Two active checklists of one issuer and sector taking effect on the same
    day cannot be ordered; the services refuse the second (`services.refuse_tie`), the first created wins."""
    return (len(checklist.org_path), bool(checklist.sector), checklist.effective_from, -(checklist.pk or 0))


def in_force(qs, on: dt.date):
    return (qs.filter(active=True, effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on)))


def is_in_force(checklist: Checklist, on: dt.date) -> bool:
    return checklist.active and checklist.effective_from <= on and (
        checklist.effective_to is None or checklist.effective_to > on)


def not_in_force_message(checklist: Checklist, year: int, as_of: dt.date | None = None) -> str:
    """Why a checklist cannot score a year ("" when it can)."""
    if is_in_force(checklist, judged_on(year, as_of)):
        return ""
    if not checklist.active:
        return f"“{checklist}”已停用，不能用于计算得分"
    until = f"至 {checklist.effective_to:%Y-%m-%d} 失效" if checklist.effective_to else ""
    return (f"“{checklist}”在 {year} 年不在有效期内（{checklist.effective_from:%Y-%m-%d} 起生效{until}），"
            "请选择当年适用的评分标准")


def superseded(checklist: Checklist, on: dt.date, path: str = "path", sector: str = "sector") -> Q | None:
    """Branches of the checklist's subtree where another checklist in force on `on` wins (`precedence`): the
    subtrees of local checklists issued below it, and the sector or newer editions of its own issuer. `path`
    and `sector` name the branch's fields in the queryset filtered."""
    rivals = in_force(Checklist.objects.unrestricted().filter(org_path__subtree=checklist.org_path), on)
    mine = precedence(checklist)
    q = Q()
    for rival in rivals.exclude(pk=checklist.pk):
        if precedence(rival) > mine:
            where = Q(**{f"{path}__subtree": rival.org_path})
            if rival.sector:
                where &= Q(**{sector: rival.sector})
            q |= where
    return q or None


def branches(checklist: Checklist, path: str = "", on: dt.date | None = None):
    """Active branches in a subtree (within the checklist's scope and sector); with `on`, only those for which
    the checklist is the one in force that day (none if it is not in force itself)."""
    qs = Organization.objects.unrestricted().filter(kind=Organization.Kind.BRANCH,
                                                    status=Organization.Status.ACTIVE)
    qs = qs.filter(path__subtree=checklist.org_path)
    if path and path != checklist.org_path:
        qs = qs.filter(path__subtree=path)
    if checklist.sector:
        qs = qs.filter(sector=checklist.sector)
    if on is not None:
        if not is_in_force(checklist, on):
            return qs.none()
        other = superseded(checklist, on)
        if other is not None:
            qs = qs.exclude(other)
    return qs.order_by()


def _points_expr(item: ChecklistItem, name: str):
    """SQL: an item's points from its measure value `name` (as a float)."""
    measure = measures.MEASURES[item.measure]
    top = float(item.max_points)
    params = item.params or {}
    if measure.kind == measures.BOOL:
        return Case(When(Q(**{name: True}), then=Value(top)), default=Value(0.0), output_field=FloatField())
    if measure.kind == measures.RATIO:
        return ExpressionWrapper(Coalesce(F(name), Value(0.0)) * Value(top), output_field=FloatField())
    if measure.kind == measures.RATIO_BAD:
        return ExpressionWrapper((Value(1.0) - Coalesce(F(name), Value(0.0))) * Value(top), output_field=FloatField())
    # count_bad / number_bad: per occurrence deduction (逐次扣分), or all-or-nothing
    if item.method == ChecklistItem.Method.PER_OCCURRENCE:
        deduct = float(params.get("deduct", 1))
        return Case(When(Q(**{f"{name}__isnull": True}), then=Value(0.0)),  # no statistics: no points
                    default=Greatest(Value(0.0), Value(top) - Value(deduct) * F(name)), output_field=FloatField())
    return Case(When(Q(**{f"{name}__gte": int(params.get("at_least", 1))}), then=Value(0.0)), default=Value(top),
                output_field=FloatField())


def scored_queryset(checklist: Checklist, year: int, path: str = "", as_of: dt.date | None = None):
    """Branches annotated with `p<item id>` (points of every item) and `v<item id>` (measured values)."""
    as_of = as_of or year_as_of(year)
    items = list(checklist.items.unrestricted().order_by("order", "pk"))
    qs = branches(checklist, path, judged_on(year, as_of))
    names = []
    for item in items:
        value, points = f"v{item.pk}", f"p{item.pk}"
        if item.source == ChecklistItem.Source.DATA and item.measure in measures.MEASURES:
            qs = measures.annotate(qs, item.measure, value, as_of, item.params)
            qs = qs.annotate(**{points: _points_expr(item, value)})
        else:
            given = InspectorScore.objects.unrestricted().filter(organization=OuterRef("pk"), item=item, year=year)
            qs = qs.annotate(**{value: Subquery(given.values("points")[:1],
                                                output_field=DecimalField(max_digits=6, decimal_places=2))})
        names.append((item, value, points))
    return qs, names, as_of


def _dec(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ScoreRun:
    checklist: Checklist
    year: int
    as_of: dt.date
    scored: int = 0
    removed: int = 0
    seconds: float = 0.0


def compute(checklist: Checklist, year: int, path: str = "", as_of: dt.date | None = None,
            batch: int = 2000, note: str = "") -> ScoreRun:
    """Score every branch of the subtree and upsert the yearly `BranchScore` rows (audited as one run)."""
    started = time.monotonic()
    qs, names, as_of = scored_queryset(checklist, year, path, as_of)
    on = judged_on(year, as_of)
    fields = ["pk", "path"]
    for item, value, points in names:
        fields += [points, value] if _is_data(item) else [value, value]
    now = timezone.now()
    run = ScoreRun(checklist, year, as_of)
    pending_rows = []

    def flush():
        if pending_rows:
            BranchScore.objects.bulk_create(
                pending_rows, batch_size=batch, update_conflicts=True,
                unique_fields=["organization", "checklist", "year"],
                update_fields=["org_path", "data_points", "inspector_points", "total", "grade", "items", "measured",
                               "inspector_pending", "innovation", "computed_at", "updated_at"])
            pending_rows.clear()

    with audit.operation(checklist, "update", note or "标准化建设评分", org_path=path or checklist.org_path) as op:
        # All rows at once: a server-side cursor (iterator) makes PostgreSQL pick a fast-start plan that is many
        # times slower for the whole subtree; a province's rows are a few tens of MB.
        for row in list(qs.values_list(*fields)):
            data = inspector = Decimal(0)
            innovation = False
            pending = 0
            items, measured = {}, {}
            for k, (item, value, points) in enumerate(names):
                got, raw = row[2 + 2 * k], row[3 + 2 * k]
                if _is_data(item):
                    pts = _dec(got)
                    data += pts
                    measured[str(item.pk)] = round(raw, 4) if isinstance(raw, float) else raw
                else:
                    if got is None:
                        pending += 1
                    pts = min(_dec(got), item.max_points)
                    inspector += pts
                if item.is_bonus and pts > 0:
                    innovation = True
                items[str(item.pk)] = float(pts)
            total = data + inspector
            pending_rows.append(BranchScore(
                organization_id=row[0], org_path=row[1], checklist=checklist, year=year, data_points=data,
                inspector_points=inspector, total=total, grade=checklist.grade_for(total, innovation), items=items,
                measured=measured,
                inspector_pending=pending, innovation=innovation, computed_at=now, updated_at=now))
            run.scored += 1
            if len(pending_rows) >= batch:
                flush()
        flush()
        run.removed = _remove_superseded(checklist, year, path, on)
        op.fact("计算得分", f"{year}年 {run.scored} 个党支部（截至 {as_of:%Y-%m-%d}）", field="scores")
    run.seconds = time.monotonic() - started
    return run


def _remove_superseded(checklist: Checklist, year: int, path: str, on: dt.date) -> int:
    """Delete (audited, row by row) this checklist's scores of the year in the subtree for branches another
    checklist now governs, e.g. after a city issued its own checklist: a branch keeps one score a year. A
    checklist out of force (stopped, expired) keeps its scores as history."""
    if not is_in_force(checklist, on):
        return 0
    other = superseded(checklist, on, path="org_path", sector="organization__sector")
    if other is None:
        return 0
    return (BranchScore.objects.unrestricted().filter(checklist=checklist, year=year,
                                                      org_path__subtree=path or checklist.org_path)
            .filter(other).delete()[0])


def _is_data(item: ChecklistItem) -> bool:
    return item.source == ChecklistItem.Source.DATA and item.measure in measures.MEASURES


def checklist_for(path: str, on: dt.date, sector: str = "") -> Checklist | None:
    """The checklist in force on a date for an organization (`precedence`: the nearest issuer wins, then the
    sector's, then the latest)."""
    candidates = in_force(Checklist.objects.unrestricted().applying_to(path), on)
    return max(candidates.filter(Q(sector="") | Q(sector=sector)), key=precedence, default=None)


def explain(score: BranchScore) -> list[dict]:
    """The item lines of one score for its page: area, title, max, points, how scored."""
    items = ChecklistItem.objects.unrestricted().filter(checklist_id=score.checklist_id).order_by("order", "pk")
    lines = []
    for i in items:
        line = {"item": i, "points": score.items.get(str(i.pk)), "measured": ""}
        if i.source == ChecklistItem.Source.DATA and str(i.pk) in score.measured and i.measure in measures.MEASURES:
            line["measured"] = measures.MEASURES[i.measure].describe(score.measured[str(i.pk)], i.params or {})
        lines.append(line)
    return lines

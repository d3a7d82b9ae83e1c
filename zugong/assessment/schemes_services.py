"""Operations of the classified assessment (分类考核): check a scheme's configuration, compute the values that
come from zugong's own data, score and rank a scheme (or one category) and store the results, enter values,
explain a result. Transactional and audited; the arithmetic is `assessment.scoring` (pure).

Who: a scheme is managed (import, values, 计算) by users who may `manage` its issuing organization (an
organization department's or party organization's administrators of it or above); values are entered for a
unit by users who may `change` the unit and see the scheme.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Case, Count, FloatField, Sum, Value, When
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from zugong.core import audit, scope
from zugong.core.config import measures
from zugong.orgs.models import Organization

from . import scoring
from .models import IndicatorValue, Scheme, SchemeCategory, SchemeIndicator, SchemeUnit, UnitResult

Source = SchemeIndicator.Source

# How a computed indicator turns a measure of the unit's branches into one value (`measure_params["aggregate"]`).
AGGREGATES = {"mean": "平均值（比例按百分数）", "share_bad": "存在问题的党支部占比（%）", "count_bad": "存在问题的党支部个数"}


def can_manage(user, scheme: Scheme) -> bool:
    return scope.can(user, "manage", scheme.org_path)


def require_manage(user, scheme: Scheme) -> None:
    if not can_manage(user, scheme):
        raise PermissionDenied(f"只有“{scheme.organization.name}”或其上级的管理员可以管理该考核方案")


def spec_of(ind: SchemeIndicator) -> scoring.Spec:
    return scoring.Spec(ind.pk or 0, ind.code, ind.name, ind.dimension, float(ind.weight), ind.direction, ind.method,
                        ind.params or {})


def check_category(category_name: str, indicators: Iterable[SchemeIndicator]) -> list[str]:
    """The category's weights and each indicator's method parameters (Chinese reasons, naming the category)."""
    return [f"类别“{category_name}”：{p}" for p in scoring.weight_problems([spec_of(i) for i in indicators])]


def check_scheme(scheme: Scheme) -> None:
    """Refuse a scheme whose share, grades or categories' weights are wrong (ValidationError by field)."""
    problems = {}
    if not (0 <= scheme.top_share <= 100):
        problems["top_share"] = "优秀比例应在 0% 到 100% 之间"
    if not isinstance(scheme.grades, list) or len(scheme.grades) < 2 or len(set(scheme.grades)) != len(scheme.grades):
        problems["grades"] = "等次至少两个且不能重复（从高到低，如 优秀、良好、一般、较差）"
    if scheme.pk:
        by_category: dict[int, list] = {}
        for ind in SchemeIndicator.objects.unrestricted().filter(category__scheme=scheme).select_related("category"):
            by_category.setdefault(ind.category_id, [ind.category.name]).append(ind)
        errors = [e for name, *inds in by_category.values() for e in check_category(name, inds)]
        if errors:
            problems["indicators"] = errors
    if problems:
        raise ValidationError(problems)


# ---------------------------------------------------------------- values computed from zugong's data


def measure_values(indicator: SchemeIndicator, unit_paths: dict[str, int], as_of: dt.date) -> dict[int, float]:
    """A computed indicator's value for each unit: the measure over the active branches of the unit's subtree,
    aggregated in SQL (one query per depth of units): mean (ratios and yes/no as percentages), or the share /
    number of branches the measure flags (its `is_bad` with the indicator's thresholds)."""
    measure = measures.MEASURES.get(indicator.measure)
    if measure is None or not unit_paths:
        return {}
    params = indicator.measure_params or {}
    how = params.get("aggregate", "mean")
    out: dict[int, float] = {}
    by_length: dict[int, list[str]] = {}
    for path in unit_paths:
        by_length.setdefault(len(path), []).append(path)
    for length, paths in by_length.items():
        qs = (Organization.objects.unrestricted()
              .filter(kind=Organization.Kind.BRANCH, status=Organization.Status.ACTIVE)
              .annotate(assessed_unit=Substr("path", 1, length)).filter(assessed_unit__in=paths))
        qs = measures.annotate(qs, measure.code, "m", as_of, params)
        if how == "mean":
            if measure.kind == measures.BOOL:
                expr = Avg(Case(When(m=True, then=Value(100.0)), When(m=False, then=Value(0.0)),
                                output_field=FloatField()))
            elif measure.kind in (measures.RATIO, measures.RATIO_BAD):
                expr = Avg("m", output_field=FloatField()) * Value(100.0)
            else:
                expr = Avg("m", output_field=FloatField())
        else:
            bad = Case(When(measures.is_bad(measure, "m", params), then=Value(1.0)), default=Value(0.0),
                       output_field=FloatField())
            expr = Sum(bad) if how == "count_bad" else Sum(bad) * Value(100.0) / Count("pk")
        for unit, value in qs.order_by().values("assessed_unit").annotate(v=expr).values_list("assessed_unit", "v"):
            if value is not None:
                out[unit_paths[unit]] = float(value)
    return out


def scheme_as_of(scheme: Scheme, today: dt.date | None = None) -> dt.date:
    """The day a scheme's computed indicators are measured on: 1 January after its year, or today while the
    year runs (the measures look back from it)."""
    today = today or timezone.localdate()
    return min(dt.date(scheme.year + 1, 1, 1), today)


def refresh_computed(scheme: Scheme, as_of: dt.date | None = None, categories: Iterable[int] | None = None) -> int:
    """(Re)compute the values of the scheme's computed indicators for its units and store them (in bulk, named
    in the caller's audit operation by a fact). Returns the number of values written."""
    as_of = as_of or scheme_as_of(scheme)
    indicators = SchemeIndicator.objects.unrestricted().filter(category__scheme=scheme, source=Source.COMPUTED)
    if categories is not None:
        indicators = indicators.filter(category_id__in=list(categories))
    now = timezone.now()
    rows = []
    for ind in indicators:
        units = dict(SchemeUnit.objects.unrestricted().filter(category_id=ind.category_id)
                     .values_list("organization__path", "organization_id"))
        paths = {p: pk for p, pk in units.items()}
        got = measure_values(ind, paths, as_of)
        for path, pk in paths.items():
            if pk in got:
                rows.append(IndicatorValue(indicator=ind, organization_id=pk, org_path=path,
                                           value=Decimal(str(round(got[pk], 6))), source=Source.COMPUTED,
                                           entered_at=now, note=f"截至 {as_of:%Y-%m-%d} 自动计算"))
    if rows:
        IndicatorValue.objects.bulk_create(rows, batch_size=2000, update_conflicts=True,
                                           unique_fields=["indicator", "organization"],
                                           update_fields=["value", "source", "entered_at", "note", "org_path",
                                                          "updated_at"])
    return len(rows)


# ---------------------------------------------------------------- scoring a scheme


@dataclass
class Loaded:
    categories: list[SchemeCategory]
    specs: dict[int, list[scoring.Spec]]  # category id → indicators in order
    units: dict[int, list[int]]  # category id → organization ids
    paths: dict[int, str]  # organization id → path
    values: dict[tuple[int, int], float]  # (indicator id, organization id) → value


def load(scheme: Scheme, categories: Iterable[int] | None = None) -> Loaded:
    """Everything the computation needs, in four queries."""
    cats = list(SchemeCategory.objects.unrestricted().filter(scheme=scheme).order_by("order", "pk"))
    if categories is not None:
        wanted = set(categories)
        cats = [c for c in cats if c.pk in wanted]
    ids = [c.pk for c in cats]
    specs: dict[int, list[scoring.Spec]] = {c.pk: [] for c in cats}
    for ind in SchemeIndicator.objects.unrestricted().filter(category_id__in=ids).order_by("order", "pk"):
        specs[ind.category_id].append(spec_of(ind))
    units: dict[int, list[int]] = {c.pk: [] for c in cats}
    paths = {}
    for cat, org, path in (SchemeUnit.objects.unrestricted().filter(category_id__in=ids)
                           .order_by("organization__path").values_list("category_id", "organization_id",
                                                                       "organization__path")):
        units[cat].append(org)
        paths[org] = path
    values = {(i, o): float(v) for i, o, v in IndicatorValue.objects.unrestricted()
              .filter(indicator__category_id__in=ids).values_list("indicator_id", "organization_id", "value")}
    return Loaded(cats, specs, units, paths, values)


def score_loaded(scheme: Scheme, data: Loaded) -> dict[int, list[scoring.Result]]:
    """Pure: every category's results (rank order)."""
    return {c.pk: scoring.score_category(data.specs[c.pk], data.units[c.pk], data.values, scheme.top_share,
                                         scheme.grades) for c in data.categories}


@dataclass
class Run:
    scheme: Scheme
    units: int = 0
    computed_values: int = 0
    removed: int = 0
    seconds: float = 0.0


def compute(scheme: Scheme, *, user=None, categories: Iterable[int] | None = None, as_of: dt.date | None = None,
            note: str = "", batch: int = 2000) -> Run:
    """Score and rank the scheme (or some of its categories) and store the results: first the computed
    indicators' values, then the scores, upserted in bulk; results of units no longer in the scheme removed.
    One transaction, one audit operation on the scheme (计算考核结果)."""
    if user is not None:
        require_manage(user, scheme)
    started = time.monotonic()
    run = Run(scheme)
    cats = list(categories) if categories is not None else None
    with audit.operation(scheme, "update", note=note or "计算考核结果") as op:
        run.computed_values = refresh_computed(scheme, as_of, cats)
        data = load(scheme, cats)
        results = score_loaded(scheme, data)
        now = timezone.now()
        rows = []
        for cat in data.categories:
            found = results[cat.pk]
            avg = scoring.averages(found)
            limit = scoring.top_limit(len(found), scheme.top_share)
            for r in found:
                rows.append(UnitResult(
                    scheme=scheme, category=cat, organization_id=r.unit, org_path=data.paths[r.unit], score=r.score,
                    rank=r.rank, grade=r.grade, veto=r.veto, top_limit=limit, category_size=len(found),
                    missing=r.missing, lines=[line.stored() for line in r.lines], dimensions=r.dimensions,
                    category_averages=avg, computed_at=now, updated_at=now))
        UnitResult.objects.bulk_create(rows, batch_size=batch, update_conflicts=True,
                                       unique_fields=["scheme", "organization"],
                                       update_fields=["category", "org_path", "score", "rank", "grade", "veto",
                                                      "top_limit", "category_size", "missing", "lines",
                                                      "dimensions", "category_averages", "computed_at",
                                                      "updated_at"])
        stale = UnitResult.objects.unrestricted().filter(scheme=scheme)
        if cats is not None:
            stale = stale.filter(category_id__in=cats)
        run.removed = stale.exclude(organization_id__in=[r.organization_id for r in rows]).delete()[0]
        run.units = len(rows)
        Scheme.objects.unrestricted().filter(pk=scheme.pk).update(computed_at=now)
        scheme.computed_at = now
        op.fact("计算考核结果", f"{run.units} 个单位" + (f"（其中系统数据计算指标值 {run.computed_values} 个）"
                                                        if run.computed_values else ""), field="results")
    run.seconds = time.monotonic() - started
    return run


# ---------------------------------------------------------------- values


def place_unit(scheme: Scheme, category: SchemeCategory, organization: Organization) -> SchemeUnit:
    """Put a unit in a category of the scheme (inside the scheme's subtree; one category per scheme)."""
    if not organization.path.startswith(scheme.org_path):
        raise ValidationError({"organization": f"“{organization.name}”不在方案“{scheme.name}”的适用范围内"})
    found = SchemeUnit.objects.unrestricted().filter(scheme=scheme, organization=organization).first()
    if found is not None:
        if found.category_id != category.pk:
            raise ValidationError({"category": f"“{organization.name}”已列入类别“{found.category.name}”"})
        return found
    return SchemeUnit.objects.create(scheme=scheme, category=category, organization=organization)


@transaction.atomic
def save_values(user, scheme: Scheme, organization: Organization, entered: dict[SchemeIndicator, Decimal | None],
                note: str = "", expected: dict[int, Decimal | None] | None = None) -> int:
    """Typed-in values of one unit (empty: the value is removed), audited as one operation, then the unit's
    category is scored again. Only typed-in indicators of the unit's category. `expected` (indicator id → the
    value the form showed): a value another user changed since is refused, nothing written (no lost update)."""
    if not scope.can(user, "change", organization.path):
        raise PermissionDenied(f"您无权填报“{organization.name}”的考核数据")
    unit = SchemeUnit.objects.unrestricted().filter(scheme=scheme, organization=organization).first()
    if unit is None:
        raise ValidationError({"organization": f"“{organization.name}”未列入方案“{scheme.name}”"})
    now = timezone.now()
    changed = 0
    with audit.operation(scheme, "update", note=note or f"填报考核数据：{organization.name}") as op:
        existing = {v.indicator_id: v for v in IndicatorValue.objects.unrestricted().filter(
            organization=organization, indicator__in=list(entered))}
        stale = []
        for ind in entered:
            row = existing.get(ind.pk)
            if expected is not None and ind.pk in expected and (row.value if row else None) != expected[ind.pk]:
                who = str(row.entered_by) if row and row.entered_by else "他人"
                now_text = f"{scoring.num(row.value)}（{who}，{timezone.localtime(row.entered_at):%Y-%m-%d %H:%M}）" \
                    if row else "空"
                stale.append(f"指标 {ind.code}“{ind.name}”已被修改为 {now_text}")
        if stale:
            raise ValidationError("保存未成功：您打开本页后，" + "；".join(stale) + "。请核对后重新填写。")
        for ind, value in entered.items():
            if ind.category_id != unit.category_id or ind.source != Source.TYPED:
                raise ValidationError({"indicators": f"指标 {ind.code} 不是“{unit.category.name}”的填报指标"})
            row = existing.get(ind.pk)
            if value is None:
                if row is not None:
                    row.delete()
                    changed += 1
                continue
            if row is not None and row.value == value:
                continue
            row = row or IndicatorValue(indicator=ind, organization=organization)
            row.value, row.source, row.entered_by, row.entered_at = value, Source.TYPED, user, now
            row.save()
            changed += 1
        op.fact("填报指标数", changed, field="values")
        if changed:
            compute(scheme, categories=[unit.category_id], note=f"填报后重新计算：{unit.category.name}")
    return changed


# ---------------------------------------------------------------- explaining a result


def source_link(indicator: SchemeIndicator, organization: Organization, year: int) -> str:
    """Where a computed value's data can be seen: the unit's year of organizational life for the meeting
    measures, else the unit's organization page."""
    if indicator.measure.startswith("meeting"):
        return f"{reverse('branchlife:year')}?org={organization.code}&year={year}"
    return reverse("orgs:detail", args=[organization.pk])


def explain(result: UnitResult, values: dict[int, IndicatorValue]) -> list[dict]:
    """The result's lines with their indicator's configuration: dimension, indicator, type, direction, value,
    method and parameters, points, the veto, and where the value came from (who entered it and when, or the
    link to zugong's data)."""
    indicators = {i.code: i for i in SchemeIndicator.objects.unrestricted().filter(category_id=result.category_id)}
    out = []
    for stored in result.lines:
        line = scoring.read_line(stored)
        ind = indicators.get(line["indicator"])
        method = scoring.METHODS.get(ind.method) if ind else None
        row = {**line, "ind": ind, "method": method.label if method else "", "formula": method.formula if method else "",
               "params": method.describe(spec_of(ind)) if method and ind else "",
               "weight": ind.weight if ind else None, "value_row": None, "link": "",
               "name": ind.name if ind else "", "dimension": ind.dimension if ind else "",
               "shown": "" if line["value"] is None else scoring.num(round(line["value"], 4))}
        if ind is not None:
            row["value_row"] = values.get(ind.pk)
            if ind.source == Source.COMPUTED and line["value"] is not None:
                row["link"] = source_link(ind, result.organization, result.scheme.year)
        out.append(row)
    return out


def measure_label(indicator: SchemeIndicator) -> str:
    m = measures.MEASURES.get(indicator.measure)
    if m is None:
        return ""
    how = AGGREGATES.get((indicator.measure_params or {}).get("aggregate", "mean"), "")
    return f"{m.label}（{how}）" if how else m.label


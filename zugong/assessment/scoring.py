"""Scoring a classified assessment (分类考核): the scoring methods as strategies in a registry, and the pure
computation of one category's scores, ranks and grades from values held in memory.

Nothing here reads or writes the database: `zugong.assessment.schemes_services` loads a scheme's indicators and
values in a few queries, calls `score_category` per category and stores the results. So 5,000 units × 40
indicators are scored and ranked in well under a second of Python (bench/assessment_schemes_bench.py).

The default methods (issue 14, exactly; `weight` is the indicator's weight, `v` the unit's value):
- 比值法 (`ratio`): higher-better `weight × v / best`, best = the category's maximum; lower-better
  `weight × best / v`, best = the category's minimum, and a value of 0 scores the full weight.
- 达标法 (`target`): higher-better the full weight when `v ≥ target`, else `weight × v / target`; lower-better the
  full weight when `v ≤ target`, else `weight × target / v`.
- 扣分法 (`deduction`): `max(0, weight − deduction × v)`.
- 排名赋分 (`rank_points`): the points of the unit's rank in the category (by the indicator's direction, ties
  share a rank) from the configured list, e.g. 60/57/54/51/48; ranks past the list get its last value.
- 一票否优 (`veto_excellence`) and 一票否决 (`veto_fail`): weight 0; a value > 0 triggers the veto.
Decisions where the issue is silent: points are kept within 0 … weight (a negative value, or a higher-better
best ≤ 0, scores 0); a unit without a value scores 0 on that indicator (and triggers no veto); the ratio's best
is taken over the units that have a value.

A category's result: the total is the sum of the points; ranks by the unrounded total, highest first, ties
sharing a rank (1, 1, 3; totals compared at 9 decimals so floating-point noise makes no tie-breaker); the top
grade goes to the first floor(n × share) units that are not vetoed (n = the category's units), in rank order —
a group tied at the limit that does not fit entirely gets none, so the share is never exceeded —; every other
unit gets the second grade, and a unit vetoed by 一票否决 the lowest (`models.schemes` documents the grades).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

HIGHER, LOWER = "higher", "lower"
EXCELLENCE, FAIL = "excellence", "fail"  # UnitResult.Veto values
TIE_DIGITS = 9


@dataclass(frozen=True)
class Spec:
    """An indicator as the computation sees it."""

    id: int
    code: str
    name: str
    dimension: str
    weight: float
    direction: str
    method: str
    params: dict = field(default_factory=dict, hash=False, compare=False)


def _clamp(points: float, weight: float) -> float:
    return min(max(points, 0.0), weight)


def num(text) -> str:
    """A number as people write it: 95, 0.5, 12.25 (no trailing zeros)."""
    if text is None:
        return ""
    d = Decimal(str(text))
    if d == d.to_integral():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


class Method:
    """A scoring method: `score(spec, values)` gives the points of every unit that has a value, from the whole
    category's values (a ratio needs the best, a ranking the others). `problems` checks the indicator's
    weight, direction and parameters (Chinese reasons); `describe` words the parameters for the explanation."""

    code = ""
    label = ""
    veto = ""  # EXCELLENCE or FAIL for a veto indicator (weight 0)
    formula = ""  # the rule in Chinese, shown on the explanation page

    def problems(self, weight: float, direction: str, params: dict) -> list[str]:
        out = []
        if self.veto and weight != 0:
            out.append(f"{self.label}指标的权重应为 0，现为 {num(weight)}")
        if not self.veto and weight <= 0:
            out.append("权重应大于 0")
        return out

    def score(self, spec: Spec, values: dict[Hashable, float]) -> dict[Hashable, float]:
        raise NotImplementedError

    def triggered(self, value: float | None) -> bool:
        return bool(self.veto) and value is not None and value > 0

    def describe(self, spec: Spec) -> str:
        return ""


METHODS: dict[str, Method] = {}


def register(cls: type[Method]) -> type[Method]:
    """Add a method to the registry (by its code; its Chinese label names it in imports and pages)."""
    METHODS[cls.code] = cls()
    return cls


def by_label(label: str) -> Method | None:
    label = (label or "").strip()
    for m in METHODS.values():
        if label in (m.label, m.code):
            return m
    return None


def method_of(code: str) -> Method:
    return METHODS[code]


@register
class Ratio(Method):
    code, label = "ratio", "比值法"
    formula = "越大越好：权重 × 数值 ÷ 本类别最大值；越小越好：权重 × 本类别最小值 ÷ 数值（数值为 0 得满分）"

    def score(self, spec, values):
        if not values:
            return {}
        w = spec.weight
        if spec.direction == LOWER:
            best = min(values.values())
            return {k: w if v == 0 else _clamp(w * best / v, w) for k, v in values.items()}
        best = max(values.values())
        if best <= 0:
            return dict.fromkeys(values, 0.0)
        return {k: _clamp(w * v / best, w) for k, v in values.items()}

    def describe(self, spec):
        return "对标本类别最小值" if spec.direction == LOWER else "对标本类别最大值"


@register
class Target(Method):
    code, label = "target", "达标法"
    formula = ("越大越好：数值 ≥ 目标值得满分，否则 权重 × 数值 ÷ 目标值；"
               "越小越好：数值 ≤ 目标值得满分，否则 权重 × 目标值 ÷ 数值")

    def problems(self, weight, direction, params):
        out = super().problems(weight, direction, params)
        target = params.get("target")
        if target is None:
            out.append("达标法须填写目标值")
        elif direction == HIGHER and target <= 0:
            out.append("越大越好的达标法，目标值应大于 0")
        elif target < 0:
            out.append("目标值不能为负数")
        return out

    def score(self, spec, values):
        w, t = spec.weight, float(spec.params["target"])
        if spec.direction == LOWER:
            return {k: w if v <= t else _clamp(w * t / v, w) for k, v in values.items()}
        return {k: w if v >= t else _clamp(w * v / t, w) for k, v in values.items()}

    def describe(self, spec):
        return f"目标值 {num(spec.params.get('target'))}"


@register
class Deduction(Method):
    code, label = "deduction", "扣分法"
    formula = "max(0, 权重 − 每次扣分 × 数值)"

    def problems(self, weight, direction, params):
        out = super().problems(weight, direction, params)
        d = params.get("deduction")
        if d is None:
            out.append("扣分法须填写每次扣分")
        elif d <= 0:
            out.append("每次扣分应大于 0")
        return out

    def score(self, spec, values):
        w, d = spec.weight, float(spec.params["deduction"])
        return {k: _clamp(w - d * v, w) for k, v in values.items()}

    def describe(self, spec):
        return f"每次扣 {num(spec.params.get('deduction'))} 分"


def competition_ranks(values: dict[Hashable, float], higher_first: bool = True) -> dict[Hashable, int]:
    """1 + the number of strictly better values (ties share a rank: 1, 1, 3)."""
    keyed = {k: round(v, TIE_DIGITS) for k, v in values.items()}
    ordered = sorted(keyed.values(), reverse=higher_first)
    first: dict[float, int] = {}
    for i, v in enumerate(ordered, start=1):
        first.setdefault(v, i)
    return {k: first[v] for k, v in keyed.items()}


@register
class RankPoints(Method):
    code, label = "rank_points", "排名赋分"
    formula = "按本类别内名次取排名分值（并列名次得同分），名次超出所列分值的得最后一个分值"

    def problems(self, weight, direction, params):
        out = super().problems(weight, direction, params)
        points = params.get("points") or []
        if not points:
            out.append("排名赋分须填写排名分值，如 60,57,54,51,48")
        elif any(p < 0 for p in points):
            out.append("排名分值不能为负数")
        elif any(a < b for a, b in zip(points, points[1:])):
            out.append("排名分值应从高到低排列")
        elif max(points) > weight:
            out.append(f"排名分值 {num(max(points))} 超过指标权重 {num(weight)}")
        return out

    def score(self, spec, values):
        points = [float(p) for p in spec.params["points"]]
        ranks = competition_ranks(values, higher_first=spec.direction != LOWER)
        return {k: points[min(r, len(points)) - 1] for k, r in ranks.items()}

    def describe(self, spec):
        return "排名分值 " + "/".join(num(p) for p in spec.params.get("points") or [])


@register
class VetoExcellence(Method):
    code, label, veto = "veto_excellence", "一票否优", EXCELLENCE
    formula = "数值大于 0 的，不得评为最高等次（不计分）"

    def score(self, spec, values):
        return dict.fromkeys(values, 0.0)

    def describe(self, spec):
        return "数值大于 0 即否优"


@register
class VetoFail(Method):
    code, label, veto = "veto_fail", "一票否决", FAIL
    formula = "数值大于 0 的，直接定为最低等次（不计分）"

    def score(self, spec, values):
        return dict.fromkeys(values, 0.0)

    def describe(self, spec):
        return "数值大于 0 即否决"


# ---------------------------------------------------------------- a category's configuration


def weight_problems(specs: Sequence[Spec]) -> list[str]:
    """The category's weights: the scoring indicators' weights sum to 100, veto indicators carry 0, and each
    indicator's method accepts its weight, direction and parameters."""
    out = []
    for s in specs:
        method = METHODS.get(s.method)
        if method is None:
            out.append(f"指标 {s.code}：计分方法“{s.method}”不存在")
            continue
        out += [f"指标 {s.code}：{p}" for p in method.problems(s.weight, s.direction, s.params)]
    total = sum((Decimal(str(s.weight)) for s in specs), Decimal(0))
    if specs and total != 100:
        out.append(f"各指标权重之和应为 100，现为 {num(total)}")
    return out


def dimension_weights(specs: Iterable[Spec]) -> dict[str, float]:
    """A dimension's weight is the sum of its indicators' (in the order the dimensions first appear)."""
    out: dict[str, Decimal] = {}
    for s in specs:
        out[s.dimension] = out.get(s.dimension, Decimal(0)) + Decimal(str(s.weight))
    return {k: float(v) for k, v in out.items()}


def top_limit(n: int, share_percent: Decimal | float | str) -> int:
    """floor(n × share): the number of top grades a category of n units may give (exact decimal arithmetic:
    floor(5 × 20 %) = 1, floor(12 × 20 %) = 2, floor(10 × 40 %) = 4)."""
    return int((Decimal(n) * Decimal(str(share_percent))) // Decimal(100))


# ---------------------------------------------------------------- a category's results


@dataclass
class Line:
    indicator: str
    name: str
    dimension: str
    value: float | None
    points: float
    triggered: bool = False

    def stored(self) -> list:
        """As `UnitResult.lines` keeps it: [indicator code, value, points, veto triggered] (compact: 5,000 units ×
        40 lines are written in one computation; the names come from the indicators)."""
        return [self.indicator, self.value, round(self.points, 6), self.triggered]


def read_line(stored: list) -> dict:
    """A stored line back as a mapping: indicator, value, points, triggered."""
    indicator, value, points, triggered = stored
    return {"indicator": indicator, "value": value, "points": points, "triggered": triggered}


@dataclass
class Result:
    unit: Hashable
    score: float
    rank: int = 0
    grade: str = ""
    veto: str = ""
    missing: int = 0
    lines: list[Line] = field(default_factory=list)
    dimensions: dict[str, float] = field(default_factory=dict)


def score_category(specs: Sequence[Spec], units: Sequence[Hashable], values: dict[tuple[int, Hashable], float],
                   share_percent, grades: Sequence[str]) -> list[Result]:
    """Score, rank and grade one category: `values[(spec.id, unit)]` (a missing key: no value). Returns the
    results in rank order (then in the given unit order)."""
    points: dict[int, dict[Hashable, float]] = {}
    for s in specs:
        column = {u: values[(s.id, u)] for u in units if (s.id, u) in values}
        points[s.id] = METHODS[s.method].score(s, column)
    results = []
    for u in units:
        total = 0.0
        r = Result(unit=u, score=0.0)
        for s in specs:
            value = values.get((s.id, u))
            method = METHODS[s.method]
            got = points[s.id].get(u, 0.0)
            hit = method.triggered(value)
            if value is None:
                r.missing += 1
            if hit and (method.veto == FAIL or not r.veto):
                r.veto = method.veto
            total += got
            r.dimensions[s.dimension] = r.dimensions.get(s.dimension, 0.0) + got
            r.lines.append(Line(s.code, s.name, s.dimension, value, got, hit))
        r.score = total
        results.append(r)
    ranks = competition_ranks({i: r.score for i, r in enumerate(results)})
    for i, r in enumerate(results):
        r.rank = ranks[i]
    order = {u: i for i, u in enumerate(units)}
    results.sort(key=lambda r: (r.rank, order[r.unit]))
    assign_grades(results, top_limit(len(results), share_percent), grades)
    return results


def assign_grades(results: Sequence[Result], limit: int, grades: Sequence[str]) -> None:
    """Grades in rank order (`results` sorted by rank): the top grade to the first `limit` units not vetoed, a
    tied group taken whole or not at all; the second grade to the others; the lowest to 一票否决."""
    top, second, lowest = grades[0], grades[1], grades[-1]
    given, open_ = 0, True
    eligible = [r for r in results if not r.veto]
    groups: dict[int, list[Result]] = {}
    for r in eligible:
        groups.setdefault(r.rank, []).append(r)
    for rank in sorted(groups):
        group = groups[rank]
        if open_ and given + len(group) <= limit:
            given += len(group)
            for r in group:
                r.grade = top
        else:
            open_ = False
            for r in group:
                r.grade = second
    for r in results:
        if r.veto == FAIL:
            r.grade = lowest
        elif r.veto == EXCELLENCE:
            r.grade = second


def averages(results: Sequence[Result]) -> dict[str, float]:
    """The category's average points per dimension (the radar's comparison)."""
    if not results:
        return {}
    sums: dict[str, float] = {}
    for r in results:
        for k, v in r.dimensions.items():
            sums[k] = sums.get(k, 0.0) + v
    return {k: v / len(results) for k, v in sums.items()}


"""Data measures: a value per organization computed from the data for a whole subtree in one query.

The configuration of several domains names a measure by its code and gives it parameters (a standardization
checklist item, a weak-organization indicator, next an assessment indicator). The registry lives here; the
measures themselves, which read domain data, are registered by the app that owns them (their `ready`), with
the parameters they read (`register_params`: what each means, its unit and default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from django.db.models import Q

from . import Param

BOOL, RATIO, RATIO_BAD, COUNT_BAD, NUMBER_BAD = "bool", "ratio", "ratio_bad", "count_bad", "number_bad"


@dataclass(frozen=True)
class Measure:
    """A value per organization. `kind` says which way is good: bool (True is good), ratio (0–1, high is
    good), ratio_bad (0–1, high is bad), count_bad / number_bad (occurrences or months of something bad)."""

    code: str
    label: str
    kind: str
    annotate: Callable  # (qs, name, as_of, params) -> qs annotated with `name`
    describe: Callable  # (value, params) -> Chinese text of the measured value
    params_help: str = ""


MEASURES: dict[str, Measure] = {}
# The parameters measures read, by key (统计月数 months, 低于 below …), in the order officials see them.
PARAMS: dict[str, Param] = {}


def register(measure: Measure) -> Measure:
    MEASURES[measure.code] = measure
    return measure


def register_params(*params: Param) -> None:
    for p in params:
        PARAMS[p.key] = p


def choices() -> list[tuple[str, str]]:
    return [(m.code, m.label) for m in MEASURES.values()]


def annotate(qs, measure_code: str, name: str, as_of: dt.date, params: dict):
    return MEASURES[measure_code].annotate(qs, name, as_of, params or {})


# The parameters `is_bad` reads (thresholds); every other parameter shapes the value itself (windows, kinds).
THRESHOLDS = ("below", "above", "at_least")


def value_key(measure_code: str, params: dict | None) -> str:
    """The measure and the parameters that shape its value, as one stable text (thresholds left out): two
    indicators with the same key have the same value per organization, so a stored value serves both."""
    import json

    shaping = {k: v for k, v in (params or {}).items() if k not in THRESHOLDS}
    return f"{measure_code}:{json.dumps(shaping, sort_keys=True, ensure_ascii=False, separators=(',', ':'))}"


def bad_sql(measure: Measure, column: str, params: dict) -> tuple[str, list]:
    """`is_bad` as SQL on a stored value (a float column; a bool stored as 1.0 / 0.0)."""
    params = params or {}
    if measure.kind == BOOL:
        return f"{column} = 0", []
    if measure.kind == RATIO:
        return f"{column} < %s", [float(params.get("below", 0.6))]
    if measure.kind == RATIO_BAD:
        return f"{column} > %s", [float(params.get("above", 0.3))]
    if measure.kind in (COUNT_BAD, NUMBER_BAD):
        return f"{column} >= %s", [int(params.get("at_least", 1))]
    raise ValueError(measure.kind)


def from_stored(measure: Measure, value):
    """A stored float back to the value `annotate` gives (bool, int or float), for `describe`."""
    if value is None:
        return None
    if measure.kind == BOOL:
        return bool(value)
    if measure.kind in (COUNT_BAD, NUMBER_BAD):
        return int(round(value))
    return float(value)


def is_bad(measure: Measure, name: str, params: dict) -> Q:
    """The condition (on an annotated queryset) under which a measure shows a problem, by its parameters."""
    if measure.kind == BOOL:
        return Q(**{name: False})
    if measure.kind == RATIO:
        return Q(**{f"{name}__lt": float(params.get("below", 0.6))})
    if measure.kind == RATIO_BAD:
        return Q(**{f"{name}__gt": float(params.get("above", 0.3))})
    if measure.kind in (COUNT_BAD, NUMBER_BAD):
        return Q(**{f"{name}__gte": int(params.get("at_least", 1))})
    raise ValueError(measure.kind)

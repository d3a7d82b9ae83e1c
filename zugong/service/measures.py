"""The service figures as data measures (`core.config.measures`) per organization subtree, so the assessment
indicators (and any other configuration naming a measure) can use them.

Each measure annotates a queryset of organizations with one value per row: the league figure (`league.py`,
same definitions, same filtered counts) over the row's whole subtree and the window of the last `months`
months before the measuring day — received (or completed) on or after `add_months(as_of, -months)` and before
`as_of` (so 12 months measured on 1 January are the calendar year before it). One correlated subquery per
measure over the `org_path` range of the row's path (`path <= org_path <= path || 'ZZZ…'`, served by the
(org_path, …) indexes on both databases), never a query per organization.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, FloatField, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from zugong.core.config.measures import COUNT_BAD, RATIO, RATIO_BAD, Measure, register
from zugong.core.dates import add_months
from zugong.core.scope import PATH_MAX

from . import league


def window(as_of: dt.date, params: dict) -> tuple[dt.date, dt.date]:
    """The days [start, end] a measure counts: the `months` months before `as_of` (as_of itself excluded)."""
    months = int(params.get("months", 12))
    return add_months(as_of, -months), as_of - dt.timedelta(days=1)


def _subtree_rows(start: dt.date, end: dt.date):
    from .models import ServiceTask

    upper = Concat(OuterRef("path"), Value("Z" * PATH_MAX), output_field=CharField())
    return (ServiceTask.objects.unrestricted()
            .filter(org_path__gte=OuterRef("path"), org_path__lte=upper)
            .filter(league.in_period(start, end)))


def _aggregate(start, end, expression, output):
    """One correlated subquery: the rows of the outer organization's subtree in the window, one aggregate."""
    rows = _subtree_rows(start, end).annotate(one=Value(1)).order_by().values("one")
    return Subquery(rows.annotate(v=expression).values("v")[:1], output_field=output)


def _ratio(numerator: str, denominator: str):
    def annotate(qs, name, as_of, params):
        start, end = window(as_of, params)
        f = league.figures(start, end)
        expression = Cast(f[numerator], FloatField()) / NullIf(Cast(f[denominator], FloatField()), 0.0)
        return qs.annotate(**{name: _aggregate(start, end, expression, FloatField())})
    return annotate


def _rounds_ratio(annotate_qs, name, as_of, params):
    """满意率 over the survey rounds of the subtree settled in the window (`league.round_figures`)."""
    from .models import Survey

    start, end = window(as_of, params)
    upper = Concat(OuterRef("path"), Value("Z" * PATH_MAX), output_field=CharField())
    f = league.round_figures()
    rows = (Survey.objects.unrestricted().filter(org_path__gte=OuterRef("path"), org_path__lte=upper)
            .filter(league.rounds_in(start, end)).annotate(one=Value(1)).order_by().values("one"))
    expression = Cast(f["satisfied"], FloatField()) / NullIf(Cast(f["answered"], FloatField()), 0.0)
    return annotate_qs.annotate(**{name: Subquery(rows.annotate(v=expression).values("v")[:1],
                                                  output_field=FloatField())})


def _count(figure: str):
    def annotate(qs, name, as_of, params):
        start, end = window(as_of, params)
        value = _aggregate(start, end, league.figures(start, end)[figure], IntegerField())
        return qs.annotate(**{name: Coalesce(value, Value(0))})
    return annotate


def _pct(v) -> str:
    return f"{v * 100:.1f}%"


def _months(p) -> str:
    return f"近 {p.get('months', 12)} 个月"


def _describe(label, base):
    return lambda v, p: f"{_months(p)}{label} {_pct(v)}" if v is not None else f"{_months(p)}无{base}"


register(Measure("service_completion_rate", "办实事办结率", RATIO, _ratio("taken_done", "taken"),
                 _describe("承接事项办结率", "承接的办实事事项"), "{\"months\": 12}"))
register(Measure("service_on_time_rate", "办实事按期办结率", RATIO, _ratio("on_time", "completed"),
                 _describe("按期办结率", "办结的办实事事项"), "{\"months\": 12}"))
register(Measure("service_satisfaction_rate", "办实事群众满意率", RATIO, _rounds_ratio,
                 _describe("群众满意率", "已完成的群众评价"), "{\"months\": 12}"))
register(Measure("service_callback_rate", "办实事回访率", RATIO, _ratio("called_back", "completed"),
                 _describe("回访率", "办结的办实事事项"), "{\"months\": 12}"))
register(Measure("service_reopen_rate", "办实事复办率", RATIO_BAD, _ratio("reopened", "taken"),
                 _describe("复办率", "承接的办实事事项"), "{\"months\": 12}"))
register(Measure("service_items_taken", "承接办实事事项数", COUNT_BAD, _count("taken"),
                 lambda v, p: f"{_months(p)}承接办实事事项 {v} 件", "{\"months\": 12}"))

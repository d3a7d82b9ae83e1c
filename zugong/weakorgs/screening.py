"""Screening (排查): which branches of a subtree meet which identification situations on a date.

One query over the subtree's branches annotates every active indicator: data indicators through their measure
and its threshold, manual ones through an `Exists` of a live `Flag` for the year. Only branches with a hit come
back; their reasons are then worded from the measured values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from zugong.orgs.models import Organization
from zugong.core.config import measures

from .models import Flag, Indicator, IndicatorSet, WeakOrganization


@dataclass
class Candidate:
    organization_id: int
    path: str
    name: str
    reasons: list[dict] = field(default_factory=list)

    @property
    def direct(self) -> int:
        return sum(1 for r in self.reasons if r["direct"])

    @property
    def others(self) -> int:
        return sum(1 for r in self.reasons if not r["direct"])

    def qualifies(self, comprehensive_min: int) -> bool:
        return self.direct > 0 or self.others >= comprehensive_min

    @property
    def basis(self) -> str:
        return WeakOrganization.Basis.DIRECT if self.direct else WeakOrganization.Basis.COMPREHENSIVE


def indicator_set_for(path: str, on: dt.date) -> IndicatorSet | None:
    """The standard in force on a date for an organization: the nearest issuer wins, then the latest."""
    found = (IndicatorSet.objects.unrestricted().applying_to(path).filter(active=True, effective_from__lte=on)
             .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on)))
    return max(found, key=lambda s: (len(s.org_path), s.effective_from), default=None)


def annotated(indicator_set: IndicatorSet, path: str, as_of: dt.date, year: int):
    """Branches of the subtree annotated with `h<indicator id>` (hit) and `v<indicator id>` (measured value)."""
    indicators = list(indicator_set.indicators.unrestricted().filter(active=True).order_by("order", "pk"))
    qs = Organization.objects.unrestricted().filter(kind=Organization.Kind.BRANCH, status=Organization.Status.ACTIVE,
                                                    path__subtree=path or indicator_set.org_path).order_by()
    used = []
    for ind in indicators:
        hit = f"h{ind.pk}"
        if ind.source == Indicator.Source.DATA and ind.measure in measures.MEASURES:
            measure = measures.MEASURES[ind.measure]
            value = f"v{ind.pk}"
            qs = measures.annotate(qs, ind.measure, value, as_of, ind.params)
            cond = measures.is_bad(measure, value, ind.params)
        elif ind.source == Indicator.Source.MANUAL:
            value = None
            cond = Q(Exists(Flag.objects.unrestricted().filter(organization=OuterRef("pk"), indicator=ind, year=year,
                                                               withdrawn=False)))
        else:
            continue
        if ind.sector:
            cond &= Q(sector=ind.sector)
        qs = qs.annotate(**{hit: Case(When(cond, then=Value(True)), default=Value(False), output_field=BooleanField())})
        used.append((ind, hit, value))
    return qs, used


def screen(indicator_set: IndicatorSet, path: str, as_of: dt.date, year: int | None = None,
           qualifying_only: bool = True) -> list[Candidate]:
    """The branches with at least one situation (only those that qualify for the list, by default)."""
    year = year or as_of.year
    qs, used = annotated(indicator_set, path, as_of, year)
    if not used:
        return []
    any_hit = Q()
    for _, hit, _ in used:
        any_hit |= Q(**{hit: True})
    return _candidates(indicator_set, list(qs.filter(any_hit).values(*_fields(used))), used, year,
                       qualifying_only)


def _fields(used) -> list[str]:
    return ["pk", "path", "name"] + [n for _, hit, value in used for n in (hit, value) if n]


@dataclass
class Ranked:
    """One page of a screening, ranked in SQL: the candidates on the page and the totals of the whole subtree."""

    candidates: list[Candidate]
    count: int  # branches with at least one situation
    qualified: int  # of which qualify for the list


def ranked(indicator_set: IndicatorSet, path: str, as_of: dt.date, *, offset: int = 0, limit: int = 50,
           year: int | None = None) -> Ranked:
    """The screening preview's page: the branches with a situation ranked as the preview shows them (those that
    qualify first, then by direct and other situations, then by the tree), `limit` of them from `offset`.

    One statement: the database measures each branch once, counts its direct and other situations, ranks, counts
    the whole list (window counts) and returns only the page's rows, whose reasons are then worded as `screen` words them (the
    same candidates in the same order: tests/orghealth/test_screen_page.py)."""
    year = year or as_of.year
    qs, used = annotated(indicator_set, path, as_of, year)
    if not used:
        return Ranked([], 0, 0)
    # The measures are computed once per branch in a materialized CTE: ranking on the annotations directly
    # would repeat each measure's subqueries in the filter, the counts, the window sums and the order.
    fields = ["id", "path", "name"] + [n for _, hit, value in used for n in (hit, value) if n]
    inner, params = qs.values(*fields).query.sql_with_params()

    def count(direct: bool) -> str:
        terms = [f'(CASE WHEN t."{hit}" THEN 1 ELSE 0 END)' for ind, hit, _ in used if ind.direct_trigger == direct]
        return " + ".join(terms) or "0"

    sql = f"""
        WITH t AS MATERIALIZED ({inner})
        SELECT u.*, COUNT(*) OVER () AS total, SUM(u.q) OVER () AS total_qualified FROM (
            SELECT s.*, CASE WHEN s.n_direct > 0 OR s.n_others >= %s THEN 1 ELSE 0 END AS q FROM (
                SELECT t.*, {count(True)} AS n_direct, {count(False)} AS n_others FROM t
            ) s WHERE s.n_direct + s.n_others > 0
        ) u ORDER BY u.q DESC, u.n_direct DESC, u.n_others DESC, u.path LIMIT %s OFFSET %s"""
    with connection.cursor() as cur:
        cur.execute(sql, [*params, indicator_set.comprehensive_min, limit, offset])
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if not rows:
        if not offset:
            return Ranked([], 0, 0)
        totals = ranked(indicator_set, path, as_of, offset=0, limit=1, year=year)
        return Ranked([], totals.count, totals.qualified)
    for row in rows:
        row["pk"] = row["id"]
    candidates = _candidates(indicator_set, rows, used, year, qualifying_only=False)
    for c in candidates:
        c.qualified = c.qualifies(indicator_set.comprehensive_min)
    return Ranked(candidates, rows[0]["total"], int(rows[0]["total_qualified"] or 0))


def _candidates(indicator_set, rows, used, year, qualifying_only) -> list[Candidate]:
    """Candidates with their reasons worded from the measured values and the inspectors' notes."""
    flags = {}
    out = []
    for row in rows:  # no server-side cursor: see scoring.compute
        cand = Candidate(row["pk"], row["path"], row["name"])
        for ind, hit, value in used:
            if not row[hit]:
                continue
            if value:
                detail = measures.MEASURES[ind.measure].describe(row[value], ind.params)
            else:
                detail = ""
            cand.reasons.append({"code": ind.code, "text": ind.text, "detail": detail, "direct": ind.direct_trigger,
                                 "source": ind.source})
        out.append(cand)
    manual = [c for c in out if any(r["source"] == Indicator.Source.MANUAL for r in c.reasons)]
    if manual:  # word the manual reasons with the inspectors' notes (one query for the hits)
        for f in (Flag.objects.unrestricted().filter(organization_id__in=[c.organization_id for c in manual],
                                                     year=year, withdrawn=False).select_related("indicator")):
            flags.setdefault((f.organization_id, f.indicator.code), []).append(f.note)
        for c in manual:
            for r in c.reasons:
                if r["source"] == Indicator.Source.MANUAL:
                    r["detail"] = "；".join(flags.get((c.organization_id, r["code"]), []))
    if qualifying_only:
        out = [c for c in out if c.qualifies(indicator_set.comprehensive_min)]
    return out

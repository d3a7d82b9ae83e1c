"""The screening's measures stored per branch (`MeasureValue`), so the page reads them instead of computing them.

Measuring every branch of a province (组织生活达标率, 党费欠交率, 班子配备 …) takes about a minute; the
screening page (`/weakorgs/screen/`) must answer in a second. `refresh(path, as_of)` computes, for the
subtree at `path`, every data measure the standards in force there use — one `INSERT … SELECT` per measure
and window (`measures.value_key`: the measure and the parameters that shape its value; thresholds are not
part of it) — and replaces the subtree's stored rows in one transaction; a `MeasureRun` records when, as of
which day, which keys and how long. It runs nightly (the scheduled task `weakorgs_measures`, after the
compliance table it reads), at the end of `seed`, and when a department admin presses 重新计算 (a job).

`ranked(...)` is `screening.ranked` over the stored values: each data indicator's hits are an index range of
(key, value) or (key, org_path) filtered by the indicator's current threshold, the manual flags are read live,
and the database groups, counts, ranks and pages them (the organizations' names are read for the page's rows
only) (tests/orghealth/test_stored_screen.py: the same page as the
live computation). Thresholds edited after a run apply at once; a window edited (a new key) makes the page
fall back to the live computation until the next run (`covering`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from zugong.core import scope
from zugong.core.config import measures
from zugong.orgs.models import Organization

from .models import Flag, Indicator, IndicatorSet, MeasureRun, MeasureValue
from .screening import Ranked, _candidates

# A subtree with at most this many active branches is screened live when no stored run covers the request
# (another day, or a window edited since the last run): a county answers that in well under a second.
LIVE_MAX = 3000


def _upper(path: str) -> str:
    return path + "Z" * max(scope.PATH_MAX - len(path), 0)


def _standards_within(path: str, as_of: dt.date):
    """The standards in force on `as_of` that govern some branch of the subtree at `path`."""
    qs = IndicatorSet.objects.unrestricted().filter(active=True, effective_from__lte=as_of).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=as_of))
    if not path:
        return qs
    above = IndicatorSet.objects.unrestricted().applying_to(path).values_list("pk", flat=True)
    return qs.filter(Q(pk__in=list(above)) | Q(org_path__gte=path, org_path__lte=_upper(path)))


def data_indicators(standard: IndicatorSet) -> list[Indicator]:
    return [i for i in standard.indicators.unrestricted().filter(active=True, source=Indicator.Source.DATA)
            .order_by("order", "pk") if i.measure in measures.MEASURES]


def plan(path: str, as_of: dt.date) -> dict[str, tuple[str, dict, list[str]]]:
    """key -> (measure code, params, the subtrees of `path` to compute it over)."""
    out: dict[str, tuple[str, dict, list[str]]] = {}
    for standard in _standards_within(path, as_of):
        where = path if path.startswith(standard.org_path) else standard.org_path
        for ind in data_indicators(standard):
            key = measures.value_key(ind.measure, ind.params)
            out.setdefault(key, (ind.measure, ind.params or {}, []))[2].append(where)
    for key, (code, params, paths) in out.items():  # drop a subtree inside another
        paths[:] = sorted(p for p in set(paths) if not any(q != p and p.startswith(q) for q in paths))
    return out


def refresh(path: str = "", as_of: dt.date | None = None, user=None, progress=None) -> MeasureRun:
    """Compute and store the measures of every active branch of the subtree at `path` as of a day."""
    as_of = as_of or timezone.localdate()
    started = time.perf_counter()
    now = timezone.now()
    todo = plan(path, as_of)
    table = MeasureValue._meta.db_table
    total = 0
    with transaction.atomic(), connection.cursor() as cur:
        if path:
            keys = list(todo)
            if keys:
                marks = ", ".join(["%s"] * len(keys))
                cur.execute(f"DELETE FROM {table} WHERE key IN ({marks}) AND org_path >= %s AND org_path <= %s",
                            [*keys, path, _upper(path)])
        else:  # the whole tree: keys no standard uses any more go too
            cur.execute(f"DELETE FROM {table}")
        for i, (key, (code, params, paths)) in enumerate(todo.items(), start=1):
            measure = measures.MEASURES[code]
            for where in paths:
                qs = Organization.objects.unrestricted().filter(
                    kind=Organization.Kind.BRANCH, status=Organization.Status.ACTIVE).order_by()
                if where:
                    qs = qs.filter(path__subtree=where)
                qs = measures.annotate(qs, code, "mv", as_of, params)
                inner, inner_params = qs.values("id", "path", "mv").query.sql_with_params()
                value = ("CASE WHEN t.mv IS NULL THEN NULL WHEN t.mv THEN 1.0 ELSE 0.0 END"
                         if measure.kind == measures.BOOL else "t.mv")
                cur.execute(f"INSERT INTO {table} (organization_id, org_path, key, value, computed_at) "
                            f"SELECT t.id, t.path, %s, {value}, %s FROM ({inner}) t",
                            [key, now, *inner_params])
                total += cur.rowcount
            if progress:
                progress(i, len(todo))
        run = MeasureRun.objects.create(path=path, as_of=as_of, computed_at=now, keys=sorted(todo), rows=total,
                                        user=user if getattr(user, "pk", None) else None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {table}")
    run.seconds = round(time.perf_counter() - started, 2)
    MeasureRun.objects.filter(pk=run.pk).update(seconds=run.seconds)
    return run


def keys_of(standard: IndicatorSet) -> set[str]:
    return {measures.value_key(i.measure, i.params) for i in data_indicators(standard)}


def latest(path: str) -> MeasureRun | None:
    """The latest run over the subtree at `path` or a subtree containing it."""
    above = ["", *(path[:i] for i in range(scope.STEPLEN, len(path) + 1, scope.STEPLEN))]
    return MeasureRun.objects.filter(path__in=above).order_by("-computed_at", "-id").first()


def covering(standard: IndicatorSet, path: str, as_of: dt.date | None) -> MeasureRun | None:
    """The latest run that holds every measure the standard needs for the subtree at `path`, as of `as_of`
    (any day when None); None when there is none (the page then computes live or says so)."""
    run = latest(path)
    if run is None or (as_of is not None and run.as_of != as_of):
        return None
    return run if keys_of(standard) <= set(run.keys) else None


def branch_count(path: str) -> int:
    return Organization.objects.unrestricted().filter(kind=Organization.Kind.BRANCH,
                                                      status=Organization.Status.ACTIVE,
                                                      path__subtree=path).count()


def ranked(standard: IndicatorSet, path: str, year: int, *, offset: int = 0, limit: int = 50) -> Ranked:
    """`screening.ranked` over the stored measures: the same candidates, ranks and totals."""
    indicators = list(standard.indicators.unrestricted().filter(active=True).order_by("order", "pk"))
    data = [i for i in indicators if i.source == Indicator.Source.DATA and i.measure in measures.MEASURES]
    manual = [i for i in indicators if i.source == Indicator.Source.MANUAL]
    used = [(i, f"h{i.pk}", f"v{i.pk}" if i in data else None) for i in indicators if i in data or i in manual]
    if not used:
        return Ranked([], 0, 0)
    lo, hi = path, _upper(path)
    orgs = Organization._meta.db_table
    parts, params = [], []
    for ind in data:
        cond, cond_params = measures.bad_sql(measures.MEASURES[ind.measure], "v.value", ind.params or {})
        sector = f" JOIN {orgs} o ON o.id = v.organization_id AND o.sector = %s" if ind.sector else ""
        parts.append(f"SELECT v.organization_id AS oid, v.org_path AS path, {int(ind.pk)} AS ind, v.value AS val "
                     f"FROM {MeasureValue._meta.db_table} v{sector} "
                     f"WHERE v.key = %s AND v.org_path >= %s AND v.org_path <= %s AND {cond}")
        params += [*([ind.sector] if ind.sector else []), measures.value_key(ind.measure, ind.params), lo, hi,
                   *cond_params]
    if manual:  # few rows: checked against the organization as it is now (an active branch, the sector)
        marks = ", ".join(str(int(i.pk)) for i in manual)
        sector_sql, sector_params = "", []
        for ind in manual:
            if ind.sector:
                sector_sql += f" AND NOT (f.indicator_id = {int(ind.pk)} AND o.sector <> %s)"
                sector_params.append(ind.sector)
        parts.append(f"SELECT f.organization_id AS oid, o.path AS path, f.indicator_id AS ind, NULL AS val "
                     f"FROM {Flag._meta.db_table} f JOIN {orgs} o ON o.id = f.organization_id "
                     f"WHERE f.indicator_id IN ({marks}) AND f.year = %s AND f.withdrawn = %s "
                     f"AND f.org_path >= %s AND f.org_path <= %s AND o.kind = %s AND o.status = %s "
                     f"AND o.path >= %s AND o.path <= %s{sector_sql} "
                     f"GROUP BY f.organization_id, o.path, f.indicator_id")
        params += [year, False, lo, hi, Organization.Kind.BRANCH.value, Organization.Status.ACTIVE.value, lo, hi,
                   *sector_params]

    def count(direct: bool) -> str:
        ids = [str(int(i.pk)) for i, _, _ in used if i.direct_trigger == direct]
        return f"SUM(CASE WHEN h.ind IN ({', '.join(ids)}) THEN 1 ELSE 0 END)" if ids else "0"

    columns = []
    for ind, hit, value in used:
        columns.append(f"MAX(CASE WHEN h.ind = {int(ind.pk)} THEN 1 ELSE 0 END) AS {hit}")
        if value:
            columns.append(f"MAX(CASE WHEN h.ind = {int(ind.pk)} THEN h.val END) AS {value}")
    # The stored rows are the branches active when the run computed them, at their paths then: a branch
    # dissolved or moved since leaves or moves at the next run, like its values (the page says so).
    sql = f"""
        SELECT u.*, COUNT(*) OVER () AS total, SUM(u.q) OVER () AS total_qualified FROM (
            SELECT s.*, CASE WHEN s.n_direct > 0 OR s.n_others >= %s THEN 1 ELSE 0 END AS q FROM (
                SELECT h.oid AS id, MAX(h.path) AS path, {count(True)} AS n_direct, {count(False)} AS n_others,
                       {", ".join(columns)}
                FROM ({" UNION ALL ".join(parts)}) h
                GROUP BY h.oid
            ) s
        ) u ORDER BY u.q DESC, u.n_direct DESC, u.n_others DESC, u.path LIMIT %s OFFSET %s"""
    args = [standard.comprehensive_min, *params, limit, offset]
    with connection.cursor() as cur:
        cur.execute(sql, args)
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if not rows:
        if not offset:
            return Ranked([], 0, 0)
        totals = ranked(standard, path, year, offset=0, limit=1)
        return Ranked([], totals.count, totals.qualified)
    titles = dict(Organization.objects.unrestricted().filter(pk__in=[r["id"] for r in rows])
                  .values_list("pk", "name"))
    for row in rows:
        row["pk"] = row["id"]
        row["name"] = titles.get(row["id"], "")
        for ind, hit, value in used:
            if value:
                row[value] = measures.from_stored(measures.MEASURES[ind.measure], row[value])
    candidates = _candidates(standard, rows, used, year, qualifying_only=False)
    for c in candidates:
        c.qualified = c.qualifies(standard.comprehensive_min)
    return Ranked(candidates, rows[0]["total"], int(rows[0]["total_qualified"] or 0))


@dataclass
class Page:
    """What the screening page shows: one page of candidates, and where they come from — `stored` (the run's
    measures), `live` (computed now: no run covers the request and the subtree is small) or `missing` (no
    run covers it and the subtree is too large to compute while the user waits: 重新计算 starts a job)."""

    found: Ranked
    source: str
    as_of: dt.date
    run: MeasureRun | None


def page(standard: IndicatorSet, path: str, as_of: dt.date | None, *, offset: int = 0, limit: int = 50) -> Page:
    """The screening page of the subtree at `path`: as of `as_of` (None: the day of the latest stored run)."""
    from . import screening

    run = covering(standard, path, as_of)
    if run is not None:
        return Page(ranked(standard, path, run.as_of.year, offset=offset, limit=limit), "stored", run.as_of, run)
    day = as_of or timezone.localdate()
    if branch_count(path) <= LIVE_MAX:
        return Page(screening.ranked(standard, path, day, offset=offset, limit=limit), "live", day, latest(path))
    return Page(Ranked([], 0, 0), "missing", day, latest(path))

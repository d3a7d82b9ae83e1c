"""Subtree roll-ups, built set-based: one INSERT … SELECT per metric and tree depth.

Each metric has a *source*: SQL yielding rows (org_id, period, key, n, m) for single organizations (meeting
compliance from branchlife's `ComplianceStat`, term states from the organizations themselves, standardization
grades, weak organizations and rectifications). The roll-up of an organization with sub-organizations is the
sum of its own source rows, its leaf children's source rows and its non-leaf children's roll-up rows, so
depth D is built from the source rows of depth D (non-leaf) and D+1 (leaf) plus the roll-up rows of depth
D+1, grouped by the path prefix of length 4·D: every source row and every roll-up row is read once.
Leaves get no roll-up rows; their dashboard reads the source directly (`live`).

Metrics whose source tables do not exist yet (an app not installed or not migrated) are skipped.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Callable

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from zugong.core.dates import add_months
from zugong.orgs.models import Organization

from .models import DueOrganization, Rollup, RollupRun

STEP = Organization.steplen


@dataclass
class Metric:
    code: str
    title: str
    tables: tuple[str, ...]  # required source tables
    source: Callable[[dt.date, dict], tuple[str, list]]  # SQL with columns org_id, period, key, n, m

    def available(self, existing: set[str]) -> bool:
        return all(t in existing for t in self.tables)


METRICS: dict[str, Metric] = {}


def title_of(code: str) -> str:
    return "需换届的组织" if code == "due" else METRICS[code].title


def metric(code: str, title: str, *tables: str):
    def register(fn):
        METRICS[code] = Metric(code, title, tables, fn)
        return fn

    return register


def _t(label: str) -> str:
    """The table name of a model (app_label.Model), or a name that never exists when the app is missing."""
    try:
        return apps.get_model(label)._meta.db_table
    except LookupError:
        return f"missing__{label.replace('.', '_').lower()}"


def _cat(*parts: str) -> str:
    return " || ".join(parts)


# ---------------------------------------------------------------- sources


# The election due date: the term end, or the due date of the latest approved adjustment of that term
# (looked up only for the organizations that have one).
ADJUSTED = "EXISTS (SELECT 1 FROM elections_termadjustment a WHERE a.organization_id = o.id AND a.term_ends_on = o.term_ends_on)"
DUE = (f"CASE WHEN {ADJUSTED} THEN (SELECT a.due_on FROM elections_termadjustment a WHERE a.organization_id = o.id "
       "AND a.term_ends_on = o.term_ends_on ORDER BY a.approved_on DESC, a.id DESC LIMIT 1) ELSE o.term_ends_on END")


def build_due(as_of: dt.date, window_end: dt.date, now) -> int:
    """Replace the list of organizations overdue or due by `window_end` (one INSERT … SELECT)."""
    table = DueOrganization._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table}")
        cur.execute(
            f"INSERT INTO {table} (organization_id, org_path, kind, overdue, term_started_on, term_ends_on, "
            f"election_due, computed_at) SELECT d.id, d.path, d.kind, d.due < %s, d.term_started_on, "
            f"d.term_ends_on, d.due, %s FROM (SELECT o.id, o.path, o.kind, o.term_started_on, o.term_ends_on, "
            f"{DUE} AS due FROM orgs_organization o WHERE o.status = 'active' AND o.kind <> 'party_group' "
            f"AND o.term_ends_on IS NOT NULL) d WHERE d.due <= %s",
            [as_of, now, window_end])
        return cur.rowcount


@metric("term", "换届", "orgs_organization", "elections_termadjustment")
def term_source(as_of: dt.date, ctx: dict) -> tuple[str, list]:
    """One row per active organization that elects a committee: key "<kind>:<state>", state overdue (the
    election is past due), due (due within the reminder window) or ok; "<kind>:none" without a recorded
    term. Read from the due list built just before (`build_due`), which counts approved adjustments."""
    due = DueOrganization._meta.db_table
    state = ("CASE WHEN o.term_ends_on IS NULL THEN 'none' WHEN d.id IS NULL THEN 'ok' "
             "WHEN d.overdue THEN 'overdue' ELSE 'due' END")
    sql = (f"SELECT o.id AS org_id, CAST(NULL AS DATE) AS period, {_cat('o.kind', chr(39) + ':' + chr(39), state)} "
           f"AS key, 1 AS n, 0 AS m FROM orgs_organization o LEFT JOIN {due} d ON d.organization_id = o.id "
           "WHERE o.status = 'active' AND o.kind <> 'party_group'")
    return sql, []


@metric("compliance", "组织生活", "branchlife_compliancestat")
def compliance_source(as_of: dt.date, ctx: dict) -> tuple[str, list]:
    """Required periods that have ended, per organization, period start and meeting kind: n required,
    m compliant."""
    t = _t("branchlife.ComplianceStat")
    q = connection.ops.quote_name
    # One row per organization × kind × period already: no grouping, so the query planner can push each
    # level's filter (the organizations of that depth) into it.
    sql = (f"SELECT s.organization_id AS org_id, s.period_start AS period, s.kind AS key, 1 AS n, "
           f"CASE WHEN s.compliant THEN 1 ELSE 0 END AS m FROM {t} s "
           f"WHERE s.{q('required')} AND NOT s.{q('current')}")
    return sql, []


def _year_start(column: str) -> str:
    """January 1 of an integer year column, as a date (PostgreSQL) or an ISO date string (SQLite)."""
    if connection.vendor == "postgresql":
        return f"make_date({column}, 1, 1)"
    return f"(CAST({column} AS TEXT) || '-01-01')"


@metric("grade", "标准化规范化建设等次", "standardization_branchscore")
def grade_source(as_of: dt.date, ctx: dict) -> tuple[str, list]:
    """One row per branch score: the year and the grade (blank: not graded yet)."""
    t = _t("standardization.BranchScore")
    sql = (f"SELECT s.organization_id AS org_id, {_year_start('s.year')} AS period, "
           f"CASE WHEN s.grade = '' THEN '未评定' ELSE s.grade END AS key, 1 AS n, 0 AS m FROM {t} s")
    return sql, []


@metric("weak", "软弱涣散党组织及整顿", "weakorgs_weakorganization", "weakorgs_identificationlist",
        "weakorgs_rectification")
def weak_source(as_of: dt.date, ctx: dict) -> tuple[str, list]:
    """Weak organizations of approved identification lists (key "weak") and their rectifications by status
    (key "rect:<status>", m = 1 when past the deadline and not accepted), per list year."""
    w, lst, r = _t("weakorgs.WeakOrganization"), _t("weakorgs.IdentificationList"), _t("weakorgs.Rectification")
    year = _year_start("l.year")
    sql = (f"SELECT w.organization_id AS org_id, {year} AS period, 'weak' AS key, 1 AS n, 0 AS m "
           f"FROM {w} w JOIN {lst} l ON l.id = w.identification_list_id WHERE l.status = 'approved' "
           f"UNION ALL SELECT r.organization_id, {year}, {_cat(chr(39) + 'rect:' + chr(39), 'r.status')}, 1, "
           f"CASE WHEN r.deadline < %s AND r.status IN ('in_progress', 'applied', 'failed') THEN 1 ELSE 0 END "
           f"FROM {r} r JOIN {w} w ON w.id = r.entry_id JOIN {lst} l ON l.id = w.identification_list_id")
    return sql, [as_of]


# ---------------------------------------------------------------- building


BASE = "dashboards_base"  # a temporary table, per build


def build_metric(m: Metric, as_of: dt.date, ctx: dict, now) -> int:
    """Replace the metric's roll-up rows.

    1. One pass over the source: each row goes to its *consumer*, the organization itself when it has
       sub-organizations, else its parent; grouped per consumer, period and key into a temporary table.
    2. One INSERT … SELECT per depth, deepest first: the consumers' rows at that depth plus the roll-up rows of
       the depth below, grouped by the path prefix of that depth.
    """
    table = Rollup._meta.db_table
    src, params = m.source(as_of, ctx)
    pg = connection.vendor == "postgresql"
    consumer = "(CASE WHEN o.numchild > 0 THEN o.depth ELSE o.depth - 1 END)"
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE metric = %s", [m.code])
        cur.execute(f"DROP TABLE IF EXISTS {BASE}")
        cur.execute(
            f"CREATE TEMPORARY TABLE {BASE} AS SELECT SUBSTR(o.path, 1, {consumer} * {STEP}) AS p, {consumer} AS d, "
            f"src.period AS period, src.key AS key, SUM(src.n) AS n, SUM(src.m) AS m FROM ({src}) src "
            f"JOIN orgs_organization o ON o.id = src.org_id WHERE o.depth > 1 OR o.numchild > 0 "
            f"GROUP BY SUBSTR(o.path, 1, {consumer} * {STEP}), {consumer}, src.period, src.key", params)
        cur.execute(f"CREATE INDEX {BASE}_d ON {BASE} (d)")
        if pg:
            cur.execute(f"ANALYZE {BASE}")
        cur.execute(f"SELECT MAX(d) FROM {BASE}")
        deepest = cur.fetchone()[0] or 0
        total = 0
        for depth in range(deepest, 0, -1):
            width = depth * STEP
            rows = (f"SELECT b.p, b.period, b.key, b.n, b.m FROM {BASE} b WHERE b.d = {depth} "
                    f"UNION ALL SELECT SUBSTR(r.node_path, 1, {width}), r.period, r.key, r.n, r.m FROM {table} r "
                    f"WHERE r.metric = %s AND r.depth = {depth + 1}")
            sql = (f"INSERT INTO {table} (node_id, node_path, depth, metric, period, key, n, m, computed_at) "
                   f"SELECT o.id, g.p, {depth}, %s, g.period, g.key, g.n, g.m, %s FROM "
                   f"(SELECT y.p, y.period, y.key, SUM(y.n) AS n, SUM(y.m) AS m FROM ({rows}) y "
                   f"GROUP BY y.p, y.period, y.key) g JOIN orgs_organization o ON o.path = g.p")
            cur.execute(sql, [m.code, now, m.code])
            total += cur.rowcount
            if pg:
                cur.execute(f"ANALYZE {table}")
        cur.execute(f"DROP TABLE {BASE}")
    return total


def refresh(as_of: dt.date | None = None, metrics: list[str] | None = None, progress=None) -> RollupRun:
    """Rebuild the roll-ups of every available metric (or those named) as of a day; returns the run."""
    from zugong.elections.selectors import reminder_months

    as_of = as_of or timezone.localdate()
    started = time.perf_counter()
    now = timezone.now()
    existing = set(connection.introspection.table_names())
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    ctx = {"reminder_months": reminder_months(root.path if root else "")}
    chosen = [METRICS[c] for c in (metrics or METRICS)]
    counts = {}
    with transaction.atomic():
        counts["due"] = build_due(as_of, add_months(as_of, ctx["reminder_months"]), now)
        for i, m in enumerate(chosen, start=1):
            if not m.available(existing):
                continue
            counts[m.code] = build_metric(m, as_of, ctx, now)
            if progress:
                progress(i, len(chosen))
        run = RollupRun.objects.create(computed_at=now, as_of=as_of, seconds=0, rows=counts,
                                       reminder_months=ctx["reminder_months"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {Rollup._meta.db_table}")
            cur.execute(f"ANALYZE {DueOrganization._meta.db_table}")
    run.seconds = round(time.perf_counter() - started, 2)
    RollupRun.objects.filter(pk=run.pk).update(seconds=run.seconds)
    return run


def latest_run() -> RollupRun | None:
    return RollupRun.objects.order_by("-computed_at", "-id").first()


def available_metrics() -> dict[str, Metric]:
    existing = set(connection.introspection.table_names())
    return {c: m for c, m in METRICS.items() if m.available(existing)}


def live(m: Metric, org: Organization, as_of: dt.date, ctx: dict) -> list[dict]:
    """A leaf organization's rows straight from the source (same shape as roll-up rows)."""
    src, params = m.source(as_of, ctx)
    sql = (f"SELECT src.period, src.key, SUM(src.n), SUM(src.m) FROM ({src}) src WHERE src.org_id = %s "
           "GROUP BY src.period, src.key")
    with connection.cursor() as cur:
        cur.execute(sql, [*params, org.pk])
        return [{"period": _date(p), "key": k, "n": int(n or 0), "m": int(mm or 0)} for p, k, n, mm in cur.fetchall()]


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def rows_for(org: Organization, code: str, as_of: dt.date | None = None, ctx: dict | None = None) -> list[dict]:
    """The metric's figures for the subtree of `org`: roll-up rows, or live source rows for a leaf."""
    m = METRICS[code]
    if org.numchild == 0:
        run = latest_run()
        ctx = ctx or {"reminder_months": run.reminder_months if run else 6}
        return live(m, org, (run.as_of if run else None) or as_of or timezone.localdate(), ctx)
    return list(Rollup.objects.unrestricted().filter(node=org, metric=code).values("period", "key", "n", "m"))

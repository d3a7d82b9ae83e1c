"""The compliance table (ComplianceStat): one row per organization × requirement × period, built set-based.

`refresh(path=None, as_of=None)` recomputes the rows of a subtree (default: the whole tree) for every
period from 1 January of the previous year up to the current period as of `as_of` (default: today), plus
the members' study hours ("study": needed = members, held = members with ≥ 32 学时) of the last ended year.
Each requirement is one INSERT … SELECT: the organizations it applies to (the same querysets the rules
use) × the periods (a VALUES list), left-joined to the meetings grouped by organization and period. Rows
of periods before that range are kept as they were last computed.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.utils import timezone

from zugong.members.models import Membership, PostSpan
from zugong.orgs.models import Organization

from . import periods
from .models import ComplianceStat, Meeting
from .requirements import COMMITTEE_POSTS, Requirement, all_requirements, committee_month
from .rules import STUDY_HOURS, study_year

TABLE = ComplianceStat._meta.db_table
COLUMNS = ("organization_id", "org_path", "kind", "period", "period_start", "period_end", "required", "needed",
           "held", "compliant", "current", "computed_at")


def _sql(qs) -> tuple[str, list]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _insert_requirement(cur, req: Requirement, path: str, first: dt.date, as_of: dt.date, now) -> int:
    plist = periods.between(first, as_of, req.period)
    if not plist:
        return 0
    orgs = Organization.objects.unrestricted()
    if path:
        orgs = orgs.filter(path__subtree=path)
    if req.path:
        orgs = orgs.filter(path__subtree=req.path)
    orgs_sql, orgs_params = _sql(req.subjects(orgs).order_by().values("id", "path", "founded_on", "dissolved_on"))
    vendor = connection.vendor
    meetings = Meeting.objects.unrestricted().filter(
        req.meeting_q(), held_on__gte=plist[0][0], held_on__lt=plist[-1][1])
    if path:
        meetings = meetings.filter(org_path__subtree=path)
    bucket = RawSQL(periods.key_sql(f'"{Meeting._meta.db_table}"."held_on"', req.period, vendor), [])
    held_sql, held_params = _sql(
        meetings.order_by().annotate(k=bucket).values("organization_id", "k").annotate(n=Count("id"))
        .values("organization_id", "k", "n"))
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(plist))
    values_params = []
    for start, end in plist:
        values_params += [start, end, periods.key(start, req.period), end > as_of,
                          min(end - dt.timedelta(days=1), as_of)]
    # The periods owed, as the rules count them (requirements.existed_all_of, committee_month).
    owed = "(o.founded_on IS NULL OR o.founded_on <= p.column1) AND (o.dissolved_on IS NULL OR o.dissolved_on >= p.column2)"
    owed_params = []
    if req.owed is committee_month:
        spans = PostSpan._meta.db_table
        posts = ", ".join(["%s"] * len(COMMITTEE_POSTS))
        for day in ("p.column1", "p.column5"):
            owed += (f" AND EXISTS (SELECT 1 FROM {spans} s WHERE s.organization_id = o.id AND s.post IN ({posts})"
                     f" AND s.started_on <= {day} AND (s.ended_on IS NULL OR s.ended_on > {day}))")
            owed_params += list(COMMITTEE_POSTS)
    # A local rule gives way to a more specific one for the same kind (processed first): skip those rows.
    taken = (
        f"AND NOT EXISTS (SELECT 1 FROM {TABLE} t WHERE t.organization_id = o.id AND t.kind = %s "
        f"AND t.period_start = p.column1)" if req.path else ""
    )
    sql = f"""
        INSERT INTO {TABLE} ({", ".join(COLUMNS)})
        SELECT o.id, o.path, %s, %s, p.column1, p.column2, %s, 1, COALESCE(h.n, 0), COALESCE(h.n, 0) >= 1,
               p.column4, %s
        FROM ({orgs_sql}) o
        CROSS JOIN (VALUES {values}) p
        LEFT JOIN ({held_sql}) h ON h.organization_id = o.id AND h.k = p.column3
        WHERE {owed} {taken}
    """
    params = [req.kind, req.period, True, now, *orgs_params, *values_params, *held_params, *owed_params]
    if req.path:
        params.append(req.kind)
    cur.execute(sql, params)
    return cur.rowcount


def _insert_study(cur, path: str, as_of: dt.date, now) -> int:
    start, end = study_year(as_of)
    members = Membership.objects.unrestricted().active().filter(joined_on__lt=start)
    if path:
        members = members.filter(org_path__subtree=path)
    from zugong.training.ledger import member_hours_sql  # the one definition of a member's study hours

    hours_sql, hours_params = member_hours_sql(members, start, end)
    reached = "SUM(CASE WHEN s.hours >= %s THEN 1 ELSE 0 END)"
    sql = f"""
        INSERT INTO {TABLE} ({", ".join(COLUMNS)})
        SELECT s.organization_id, s.org_path, 'study', %s, %s, %s, %s, COUNT(*), {reached},
               {reached} >= COUNT(*), %s, %s
        FROM ({hours_sql}) s
        GROUP BY s.organization_id, s.org_path
    """
    cur.execute(sql, [periods.YEAR, start, end, True, float(STUDY_HOURS), float(STUDY_HOURS), False, now, *hours_params])
    return cur.rowcount


def refresh(path: str | None = None, as_of: dt.date | None = None, log=None) -> int:
    """Recompute the compliance rows of a subtree (the whole tree by default); returns the rows written."""
    as_of = as_of or timezone.localdate()
    path = path or ""
    first = dt.date(as_of.year - 1, 1, 1)
    study_start = study_year(as_of)[0]
    now = timezone.now()
    # National requirements first, then local ones from the most specific subtree up.
    reqs = sorted(all_requirements(), key=lambda r: (bool(r.path), -len(r.path)))
    written = 0
    with transaction.atomic():
        rows = ComplianceStat.objects.unrestricted().filter(period_start__gte=min(first, study_start))
        if path:
            rows = rows.filter(org_path__subtree=path)
        rows._raw_delete(rows.db)
        with connection.cursor() as cur:
            for req in reqs:
                started = time.perf_counter()
                n = _insert_requirement(cur, req, path, first, as_of, now)
                written += n
                if log:
                    log(f"  {req.code}: {n:,} rows, {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            n = _insert_study(cur, path, as_of, now)
            written += n
            if log:
                log(f"  study hours: {n:,} rows, {time.perf_counter() - started:.1f} s")
    return written

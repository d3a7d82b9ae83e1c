"""我为群众办实事 benchmark: 1 million items, the overdue scan (target ≤ 30 s) and the province league table
(target ≤ 1 s p95). Prints, never asserts.

Runs against the seeded database DATABASE_URL picks (in `make bench` the province seed; for a quick run seed
`--scale tiny` or `demo` into a database of its own). When it holds fewer than SERVICE_BENCH_ITEMS items
(default 1,000,000) it adds the missing ones first (`zugong demo service`, spread over the tree's branches,
as of the bench day 2026-06-30), printing how long that took.

Timed:
- the overdue scan: `rules.scan` of the service rules (`service.*`) over the whole tree, first over no findings
  of theirs (every one opened), then again (steady: nothing new); while no service rule is registered, a
  provisional query in its place: the open items (not paused) whose deadline is before the day, fetched with
  their organization (what a scan reads), and counted per county;
- the province league table `service.league.table(root, start, end)`: ≥ 20 runs over varied periods (months,
  quarters, half years, the year, 18 months), p50 / p95 / max; skipped with a note while it is not implemented.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zugong_demo_bench .venv/bin/python bench/service_bench.py
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.db import connection, transaction

from zugong.demo.generate import BENCH_AS_OF as AS_OF

ITEMS = int(os.environ.get("SERVICE_BENCH_ITEMS", "1000000"))
SCAN_TARGET, LEAGUE_TARGET = 30.0, 1.0
OPEN = ("pending", "active", "reopened")  # open and the clock running (paused items are not overdue)


def db() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def out(text: str) -> None:
    print(f"[{db()}] service: {text}", flush=True)


def ensure_items() -> int:
    from zugong.demo.service_bench import seed_items
    from zugong.service.models import ServiceTask

    have = ServiceTask.objects.unrestricted().count()
    if have >= ITEMS:
        return have
    t = time.perf_counter()
    with transaction.atomic():
        counts = seed_items(ITEMS - have, AS_OF, seed=1, log=lambda s: None)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE service_servicetask" if connection.vendor == "postgresql"
                    else "ANALYZE service_servicetask")
    out(f"seeded {counts['service_tasks']:,} items over {counts['branches']:,} branches in "
        f"{time.perf_counter() - t:.1f} s (overdue {counts['overdue']:,}, closed {counts['closed']:,}, "
        f"done {counts['done']:,}, answered {counts['answered']:,}, reopened {counts['reopened']:,})")
    return ServiceTask.objects.unrestricted().count()


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def overdue_scan() -> None:
    from zugong.core import rules
    from zugong.core.models import Finding

    mine = [r for r in rules.all_rules() if r.code.startswith("service.")]
    if mine:
        Finding.objects.unrestricted().filter(rule__in=[r.code for r in mine]).delete()
        first, result = timed(lambda: rules.scan("", as_of=AS_OF, rules=mine))
        out(f"scan of the {len(mine)} service rules, whole tree, first (findings written) {first:7.2f} s   "
            f"({result.opened:,} opened)")
        again, result = timed(lambda: rules.scan("", as_of=AS_OF, rules=mine))
        out(f"the same scan again (steady)                              {again:7.2f} s   "
            f"({result.still_open:,} still open)   target ≤ {SCAN_TARGET:.0f} s")
        per = ", ".join(f"{code} {n:,}" for code, n in result.per_rule.items())
        out(f"findings per rule: {per}")
        return
    # Provisional, until the tasks area registers service.task_overdue: the same question, set-based.
    from django.db.models import Count
    from django.db.models.functions import Substr

    from zugong.service.models import ServiceTask

    overdue = ServiceTask.objects.unrestricted().filter(status__in=OPEN, deadline__lt=AS_OF)
    took, n = timed(overdue.count)
    out(f"no service rule registered yet: provisional overdue query (open, not paused, deadline < {AS_OF})")
    out(f"  count of overdue items, whole tree                    {took:7.2f} s   ({n:,} items)")
    took, rows = timed(lambda: list(overdue.values_list("pk", "organization_id", "deadline")))
    out(f"  overdue items fetched with their organization (a scan) {took:7.2f} s   ({len(rows):,} rows)")
    took2, groups = timed(lambda: list(overdue.annotate(county=Substr("org_path", 1, 12)).values("county")
                                       .annotate(n=Count("id")).order_by()))
    out(f"  overdue counted per county                            {took2:7.2f} s   ({len(groups):,} counties)"
        f"   target ≤ {SCAN_TARGET:.0f} s for the scan")
    # The same check as an (unregistered) rule through `rules.scan`: findings written, then the steady run.
    rule = rules.Rule(
        code="service.bench_provisional_overdue", title="办实事事项超期（基准测试临时规则）", severity="warning",
        model="service.ServiceTask", editions=(rules.Edition("我为群众办实事", rules.UNVERIFIED_ARTICLE),),
        check=lambda qs, as_of: qs.filter(status__in=OPEN, deadline__lt=as_of), describe=lambda row: "事项超期",
        measures=("deadline",), person_field=None)
    Finding.objects.unrestricted().filter(rule=rule.code).delete()
    try:
        first, result = timed(lambda: rules.scan("", as_of=AS_OF, rules=[rule]))
        out(f"  provisional rule through rules.scan, first (findings written) {first:7.2f} s   "
            f"({result.opened:,} opened)")
        again, result = timed(lambda: rules.scan("", as_of=AS_OF, rules=[rule]))
        out(f"  the same scan again (steady)                          {again:7.2f} s   "
            f"({result.still_open:,} still open)   target ≤ {SCAN_TARGET:.0f} s")
    finally:
        Finding.objects.unrestricted().filter(rule=rule.code).delete()


def league_table(items: int) -> None:
    from zugong.orgs.models import Organization
    from zugong.service import league

    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    try:
        league.table(root, dt.date(AS_OF.year, 1, 1), AS_OF)
    except NotImplementedError:
        out("league table: service.league.table is not implemented yet (the league area fills it in); skipped")
        return
    periods = []
    for months in (1, 2, 3):
        for k in range(6 // months):
            end = dt.date(AS_OF.year, 1 + (k + 1) * months, 1) - dt.timedelta(days=1) if (k + 1) * months < 12 \
                else dt.date(AS_OF.year, 12, 31)
            periods.append((dt.date(AS_OF.year, 1 + k * months, 1), min(end, AS_OF)))
    periods += [(dt.date(AS_OF.year - 1, 1, 1), dt.date(AS_OF.year - 1, 12, 31)),
                (dt.date(AS_OF.year - 1, 7, 1), dt.date(AS_OF.year - 1, 12, 31)),
                (dt.date(AS_OF.year, 1, 1), AS_OF), (AS_OF - dt.timedelta(days=540), AS_OF),
                (dt.date(AS_OF.year - 1, 10, 1), dt.date(AS_OF.year, 3, 31))]
    while len(periods) < 20:
        periods.append(periods[len(periods) % 5])
    times, rows = [], 0
    for start, end in periods:
        took, result = timed(lambda s=start, e=end: league.table(root, s, e))
        times.append(took)
        rows = len(result)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    out(f"province league table over {items:,} items, {len(times)} periods ({rows} rows each): "
        f"p50 {statistics.median(times):.3f} s, p95 {p95:.3f} s, max {times[-1]:.3f} s   target p95 ≤ "
        f"{LEAGUE_TARGET:.0f} s")


def main() -> None:
    items = ensure_items()
    out(f"{items:,} items as of {AS_OF}")
    overdue_scan()
    league_table(items)


if __name__ == "__main__":
    main()

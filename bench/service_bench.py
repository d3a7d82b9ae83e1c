"""我为群众办实事 benchmark: 1 million items, the overdue scan (target ≤ 30 s) and the province league table
(target ≤ 1 s p95). Prints, never asserts.

Runs against the seeded database DATABASE_URL picks (in `make bench` the province seed; for a quick run seed
`--scale tiny` or `demo` into a database of its own). When it holds fewer than SERVICE_BENCH_ITEMS items
(default 1,000,000) it adds the missing ones first (`zugong demo service`, spread over the tree's branches,
as of the bench day 2026-06-30), printing how long that took.

Timed:
- the overdue scan: `rules.scan` of `service.task_overdue` over the whole tree, first over no findings of its
  own (every one opened), then again (steady: nothing new); then the same for every service rule (the surveys'
  rules read the rounds the seeder writes with the items);
- the province league table `service.league.table(root, start, end)`: ≥ 20 runs over varied periods (months,
  quarters, half years, the year, 18 months), p50 / p95 / max.

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

import harness  # noqa: E402

from django.db import connection, transaction

from zugong.demo.generate import BENCH_AS_OF as AS_OF

ITEMS = int(os.environ.get("SERVICE_BENCH_ITEMS", "1000000"))
SCAN_TARGET, LEAGUE_TARGET = 30.0, 1.0


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
        for table in ("service_servicetask", "service_survey"):  # as autovacuum would after the load
            cur.execute(f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}")
    out(f"seeded {counts['service_tasks']:,} items over {counts['branches']:,} branches in "
        f"{time.perf_counter() - t:.1f} s (overdue {counts['overdue']:,}, closed {counts['closed']:,}, "
        f"done {counts['done']:,}, answered {counts['answered']:,}, reopened {counts['reopened']:,})")
    return ServiceTask.objects.unrestricted().count()


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def overdue_scan() -> None:
    """The overdue scan (the target): `service.task_overdue` over the whole tree, first over none of its findings
    (every one opened), then again (steady); then every service rule together, for the record."""
    from zugong.core import rules
    from zugong.core.models import Finding

    mine = [r for r in rules.all_rules() if r.code.startswith("service.")]
    overdue = [r for r in mine if r.code == "service.task_overdue"]
    for label, selected in (("the overdue rule service.task_overdue", overdue),
                            (f"all {len(mine)} service rules", mine)):
        Finding.objects.unrestricted().filter(rule__in=[r.code for r in selected]).delete()
        first, result = timed(lambda: rules.scan("", as_of=AS_OF, rules=selected))
        out(f"scan of {label}, whole tree, first (findings written) {first:7.2f} s   ({result.opened:,} opened)")
        again, result = timed(lambda: rules.scan("", as_of=AS_OF, rules=selected))
        out(f"the same scan again (steady)                          {again:7.2f} s   "
            f"({result.still_open:,} still open)   target ≤ {SCAN_TARGET:.0f} s")
        harness.record(f"service: scan of {label}, steady", round(again, 2), unit="s", target=SCAN_TARGET,
                       first=round(first, 2))
        per = ", ".join(f"{code} {n:,}" for code, n in result.per_rule.items())
        out(f"findings per rule: {per}")


def league_table(items: int) -> None:
    from zugong.orgs.models import Organization
    from zugong.service import league

    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    league.table(root, dt.date(AS_OF.year, 1, 1), AS_OF)  # warm-up
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
    harness.record("service: province league table, p95", round(p95, 3), unit="s", target=LEAGUE_TARGET,
                   stat="p95", p50=round(statistics.median(times), 3), p95=round(p95, 3), samples=len(times))


def main() -> None:
    items = ensure_items()
    out(f"{items:,} items as of {AS_OF}")
    overdue_scan()
    league_table(items)


if __name__ == "__main__":
    harness.run(main)

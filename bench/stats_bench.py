"""党内统计 benchmark: every shipped table of the 2017 edition computed for the whole province and for one city
(targets ≤ 60 s and ≤ 5 s), on the reporting date of last year's year-end; prints the time in total, the
statement count, and the time of each population alone (one statement each, plus one for distinct counts).
Prints, never asserts.

Runs against the database DATABASE_URL picks (in `make bench` the province seed); installs the definitions if
they are missing (inside a transaction it rolls back).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zugong_bench .venv/bin/python bench/stats_bench.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

import harness  # noqa: E402

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

PROVINCE_TARGET, CITY_TARGET = 60.0, 5.0


def db() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def out(text: str) -> None:
    print(f"[{db()}] stats: {text}", flush=True)


def run(label: str, path: str, day: dt.date, tables, target: float) -> None:
    from zugong.stats import engine, populations
    from zugong.stats.populations import Ctx

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        grids = engine.compute(tables, Ctx.of(path, day))
        total = time.perf_counter() - start
    cells = sum(len(g.values) * len(g.values[0]) for g in grids.values())
    wanted: dict[str, list] = {}
    for t in tables:
        for r, row in enumerate(t.specs()):
            for c, spec in enumerate(row):
                if spec.population and not spec.expr and spec.source == "computed":
                    wanted.setdefault(spec.population, []).append((t.number, r, c, engine.cell_atoms(spec),
                                                                   spec.measure))
    verdict = "✓" if total <= target else "✗"
    out(f"{label}: {len(tables)} tables, {cells:,} cells, {len(wanted)} populations, {len(queries)} statements "
        f"in {total:.2f} s (target ≤ {target:.0f} s) {verdict}")
    harness.record(f"stats: every shipped table, {label.split(' (')[0]}", round(total, 2), unit="s", target=target)
    for code in sorted(wanted):
        t0 = time.perf_counter()
        engine.count_cells(populations.get(code), Ctx.of(path, day), wanted[code], grids)
        numbers = sorted({number for number, *_ in wanted[code]})
        out(f"  {code}: {len(wanted[code])} cells of tables {numbers}: {time.perf_counter() - t0:.2f} s")


def main() -> None:
    from zugong.orgs.models import Organization
    from zugong.stats import definitions

    day = dt.date(dt.date.today().year - 1, 12, 31)
    with transaction.atomic():
        definitions.install("2017")
        tables = definitions.load("2017")
        root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
        city = Organization.objects.unrestricted().filter(depth=2, kind="committee").order_by("path").first()
        if root is None:
            out("no organizations in this database: seed it first")
            return
        from zugong.members.models import Membership

        out(f"{Organization.objects.unrestricted().count():,} organizations, "
            f"{Membership.objects.unrestricted().count():,} memberships; reporting date {day}")
        run(f"province ({root.name})", root.path, day, tables, PROVINCE_TARGET)
        if city is not None:
            run(f"city ({city.name})", city.path, day, tables, CITY_TARGET)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()

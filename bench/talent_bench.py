"""人才工程 benchmark: the pre-check of 20,000 applications (target ≤ 10 s) and, when the review area's
`bench_assignment` is present, the assignment of 200 reviewers to 5,000 applications (target ≤ 10 s). Prints,
never asserts.

Runs against the database DATABASE_URL picks (in `make bench` the province seed); every part writes its own rows
inside a transaction it rolls back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zugong_bench .venv/bin/python bench/talent_bench.py
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.db import connection, transaction

PRECHECK_APPLICATIONS = int(os.environ.get("TALENT_BENCH_APPLICATIONS", "20000"))
PRECHECK_TARGET = 10.0


def db() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def out(text: str) -> None:
    print(f"[{db()}] talent: {text}", flush=True)


def bench_precheck(n: int = PRECHECK_APPLICATIONS) -> None:
    """Seed n applications (zugong/demo/talent_bench.py; one per person already in the database) to an edition
    with every kind of condition, then time `eligibility.precheck` over them and `precheck_services.refresh`
    (evaluation, bulk write, one audited operation). Rolled back."""
    from zugong.demo.talent_bench import seed_applications
    from zugong.talent import eligibility, precheck_services
    from zugong.talent.models import Application

    with transaction.atomic():
        t = time.perf_counter()
        edition, written = seed_applications(n)
        out(f"seeded {written:,} applications in {time.perf_counter() - t:.1f} s")
        if written < n:
            out(f"only {written:,} people in the database (wanted {n:,})")
        qs = Application.objects.unrestricted().filter(edition=edition)
        t = time.perf_counter()
        results = eligibility.precheck(qs)
        evaluated = time.perf_counter() - t
        verdicts = {True: 0, False: 0, None: 0}
        for checks in results.values():
            verdicts[eligibility.passed(checks)] += 1
        out(f"precheck of {len(results):,} applications: {evaluated:.2f} s (target ≤ {PRECHECK_TARGET:.0f} s; "
            f"met {verdicts[True]:,}, not met {verdicts[False]:,}, to review {verdicts[None]:,})")
        t = time.perf_counter()
        stored = precheck_services.refresh(None, qs)
        refreshed = time.perf_counter() - t
        out(f"refresh (precheck + bulk write + audit) of {stored:,} applications: {refreshed:.2f} s "
            f"(target ≤ {PRECHECK_TARGET:.0f} s)")
        transaction.set_rollback(True)


def main() -> None:
    bench_precheck()
    assignment = globals().get("bench_assignment")
    if assignment is not None:
        assignment()


# (the review area adds `bench_assignment` above this line)
if __name__ == "__main__":
    main()

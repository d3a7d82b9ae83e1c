"""人才工程 benchmark: the pre-check of 20,000 applications (target ≤ 10 s) and the expert review's conflict
detection and assignment of 200 reviewers to 5,000 applications (target ≤ 10 s together). Prints, never
asserts.

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

import harness  # noqa: E402

from django.db import connection, transaction

PRECHECK_APPLICATIONS = int(os.environ.get("TALENT_BENCH_APPLICATIONS", "20000"))
PRECHECK_TARGET = 10.0
ASSIGN_TARGET = 10.0
EXPERTS = int(os.environ.get("TALENT_BENCH_EXPERTS", "200"))
APPLICATIONS = int(os.environ.get("TALENT_BENCH_REVIEW_APPLICATIONS", "5000"))


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
        harness.record(f"talent: precheck of {len(results):,} applications", round(evaluated, 2), unit="s",
                       target=PRECHECK_TARGET)
        harness.record(f"talent: precheck refresh of {stored:,} applications", round(refreshed, 2), unit="s",
                       target=PRECHECK_TARGET)
        transaction.set_rollback(True)


class _Rollback(Exception):
    pass


def bench_assignment() -> None:
    """Seed (once) a round of APPLICATIONS applications and EXPERTS experts, then time the conflict detection
    (reading the records and storing the conflicts), the assignment and writing the assignments — in a
    transaction rolled back afterwards, so the bench can run again."""
    from zugong.core import scope
    from zugong.demo.talent_bench import seed_review_bench
    from zugong.talent import review_services
    from zugong.talent.assignment import assign
    from zugong.talent.conflicts import round_applications
    from zugong.talent.models import Expert

    t = time.perf_counter()
    rnd = seed_review_bench(EXPERTS, APPLICATIONS, log=lambda s: out(s))
    out(f"seed ready in {time.perf_counter() - t:.1f} s")
    experts = list(Expert.objects.unrestricted().filter(organization_id=rnd.edition.program.organization_id,
                                                        active=True))
    with scope.bypass():
        try:
            with transaction.atomic():
                t0 = time.perf_counter()
                apps = review_services._labelled(list(round_applications(rnd)))
                ta = time.perf_counter()
                found = review_services._store_conflicts(rnd, experts, apps)
                t1 = time.perf_counter()
                pairs = assign(apps, experts, {(f.expert_id, f.application_id) for f in found},
                               rnd.reviewers_per_application)
                t2 = time.perf_counter()
                review_services.write_assignments(rnd, pairs, rnd.created_at.date())
                t3 = time.perf_counter()
                raise _Rollback
        except _Rollback:
            pass
    loads: dict[int, int] = {}
    for _, e in pairs:
        loads[e] = loads.get(e, 0) + 1
    total = t3 - t0
    out(f"reading the applications: {ta - t0:.2f} s")
    out(f"conflict detection (and storing) {len(apps)} applications × {len(experts)} experts: {t1 - ta:.2f} s "
        f"({len(found)} conflicts)")
    out(f"assignment: {t2 - t1:.2f} s ({len(pairs)} pairs, {len(pairs.short)} short; load "
        f"{min(loads.values(), default=0)}–{max(loads.values(), default=0)})")
    out(f"writing the assignments: {t3 - t2:.2f} s")
    out(f"detection + assignment + writing: {total:.2f} s (target ≤ {ASSIGN_TARGET:.0f} s: "
        f"{'met' if total <= ASSIGN_TARGET else 'MISSED'})")
    harness.record("talent: reviewers' conflict detection + assignment + writing", round(total, 2), unit="s",
                   target=ASSIGN_TARGET)


def main() -> None:
    bench_precheck()
    bench_assignment()


if __name__ == "__main__":
    harness.run(main)

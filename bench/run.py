"""`make bench`: province-scale figures on SQLite and PostgreSQL.

Every bench script measures and records through bench/harness.py: the figures go to
var/bench/results-<db>-<date>.json (one file per database and day, BENCH_DATE set once for the whole run), and
at the end one table per database is printed from those files: measure | target | figure | ✓/✗. A bench whose
content check fails (a wrong answer) exits non-zero: the others still run, and `make bench` fails at the end.
`bench/run.py --table [sqlite|postgres]` prints the tables only (BENCH_DATE=YYYY-MM-DD for another day).

For each database: seed the province and print the seed time (an earlier province seed is reused, untimed;
BENCH_RESEED=1 seeds again), migrate, then time the pages through the full Django stack (bench/*pages_bench.py), the other benches, and last the
load bench (bench/load_bench.py: 200 sessions against gunicorn, on a demo seed of its own).
"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DBS = {
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}",
    "postgres": os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/zugong_bench"),
}


FAILED: list[str] = []


def step(args, env, db):
    """Run one bench script; a failure (a wrong answer, an error) is remembered and the run goes on."""
    result = subprocess.run(args, env=env, cwd=ROOT)
    if result.returncode:
        FAILED.append(f"{db}: {' '.join(str(a) for a in args[1:])} (exit {result.returncode})")


def main() -> None:
    if sys.argv[1:2] == ["--table"]:  # only print the tables of the day's files (BENCH_DATE for another day)
        for db in sys.argv[2:] or list(DBS):
            harness.print_table(db)
        return
    only = sys.argv[1:] or list(DBS)
    os.environ.setdefault("BENCH_DATE", dt.datetime.now(dt.timezone.utc).date().isoformat())
    for db in only:
        print(f"===== {db} =====", flush=True)
        reseed = ["--force"] if os.environ.get("BENCH_RESEED") == "1" else []
        subprocess.run([PY, str(ROOT / "bench" / "seed_bench.py"), "--db", db, *reseed], check=True)
        env = {**os.environ, "DATABASE_URL": DBS[db], "ZUGONG_TESTING": "1"}
        subprocess.run([PY, "-m", "zugong", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
        for script in sorted((ROOT / "bench").glob("*_pages_bench.py")) + [ROOT / "bench" / "pages_bench.py"]:
            step([PY, str(script)], env, db)
        step([PY, str(ROOT / "bench" / "scan_bench.py")], env, db)
        step([PY, str(ROOT / "bench" / "cadres_bench.py")], env, db)
        # its own small database (never the province seed): 1,000 generated .lrmx files imported
        step([PY, str(ROOT / "bench" / "adform_bench.py")], env, db)
        step([PY, str(ROOT / "bench" / "branchlife_bench.py")], env, db)
        step([PY, str(ROOT / "bench" / "orghealth_bench.py")], env, db)
        # After branchlife's and orghealth's benches, which build the compliance and score tables it rolls up.
        step([PY, str(ROOT / "bench" / "dashboards_bench.py")], env, db)
        step([PY, str(ROOT / "bench" / "teams_bench.py")], env, db)
        # Classified assessment: 5,000 units × 40 indicators scored and ranked (its own rows, rolled back).
        step([PY, str(ROOT / "bench" / "assessment_schemes_bench.py")], env, db)
        # Its own scratch database: 300,000 annual proposals checked against quotas and bars, then confirmed.
        step([PY, str(ROOT / "bench" / "assessment_annual_bench.py")], env, db)
        # Its own scratch database: 500 trainees sign in to one session within a minute through the phone pages.
        step([PY, str(ROOT / "bench" / "training_signin_bench.py")], env, db)
        # Its own scratch database: the yearly training ledger sums and requirement scan, 300,000 cadres and 2.6
        # million members (TRAINING_BENCH_SCALE=0.1 for a tenth).
        step([PY, str(ROOT / "bench" / "training_requirements_bench.py")], env, db)
        # 我为群众办实事: 1 million items over the province (added once), the overdue scan and the league table's p95.
        step([PY, str(ROOT / "bench" / "service_bench.py")], env, db)
        # 人才工程: the pre-check of 20,000 applications and the reviewers' assignment (its own rows, rolled back).
        step([PY, str(ROOT / "bench" / "talent_bench.py")], env, db)
        # 党内统计: every shipped table for the province (≤ 60 s) and a city (≤ 5 s).
        step([PY, str(ROOT / "bench" / "stats_bench.py")], env, db)
        # A 300,000-row export streamed as the worker runs it: time and peak memory (PostgreSQL only).
        step([PY, str(ROOT / "bench" / "exports_bench.py")], env, db)
        # The scheduled nightly run (compliance, rule scan, dashboard roll-ups), per task and in total.
        step([PY, str(ROOT / "bench" / "schedule_bench.py")], env, db)
        # Serving under load: 200 logged-in sessions browsing for 5 minutes against gunicorn as `make run` starts
        # it, on its own demo-seeded database (not the province): requests, errors, p50/p95.
        step([PY, str(ROOT / "bench" / "load_bench.py"), "--db", db], env, db)

    for db in only:
        harness.print_table(db)
    if FAILED:
        print("\nFailed bench scripts:\n  " + "\n  ".join(FAILED), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

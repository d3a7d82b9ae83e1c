"""Seed province-scale data into a dedicated benchmark database and print how long it took.

    .venv/bin/python bench/seed_bench.py                  # SQLite: var/bench.sqlite3
    .venv/bin/python bench/seed_bench.py --db postgres    # PostgreSQL: zugong_bench (created if missing)
    .venv/bin/python bench/seed_bench.py --db postgres --force   # seed again even if already seeded

A database that already holds a province-scale seed is reused (nothing is written). The seed runs as a
child process, so the peak memory printed is the seed's own. BENCH_PG_URL overrides the PostgreSQL server
(default postgres://postgres@127.0.0.1:5432/zugong_bench).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The day the bench data runs up to: fixed, so every run seeds the same data (`zugong seed --as-of`); the same
# day as zugong.demo.generate.BENCH_AS_OF, which the other benches judge their data by.
BENCH_AS_OF = "2026-06-30"
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/zugong_bench")
# A database counts as seeded at province scale above these numbers.
MIN_ORGS, MIN_PEOPLE = 100_000, 2_000_000


def counts_sqlite() -> tuple[int, int] | None:
    import sqlite3

    if not SQLITE_PATH.exists():
        return None
    con = sqlite3.connect(SQLITE_PATH)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("orgs_organization", "people_person")
        )
    except sqlite3.OperationalError:  # not migrated yet
        return None
    finally:
        con.close()


def ensure_pg_database() -> None:
    import psycopg

    parts = urlsplit(PG_URL)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def counts_pg() -> tuple[int, int] | None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as con:
        if con.execute("SELECT to_regclass('people_person')").fetchone()[0] is None:
            return None
        # Planner statistics are exact after the seed's VACUUM ANALYZE; count(*) is the fallback.
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("orgs_organization", "people_person")
        )


def run(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zugong", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", default="province")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--as-of", default=BENCH_AS_OF,
                        help=f"the day the data runs up to (default {BENCH_AS_OF}: the same data on every run)")
    parser.add_argument(
        "--force", action="store_true", help="seed again even if the database is already seeded"
    )
    opts = parser.parse_args()

    env = dict(os.environ)
    if opts.db == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
        counts = counts_sqlite
        where = str(SQLITE_PATH)
    else:
        ensure_pg_database()
        env["DATABASE_URL"] = PG_URL
        counts = counts_pg
        where = PG_URL

    found = counts()
    if (
        found
        and found[0] >= MIN_ORGS
        and found[1] >= MIN_PEOPLE
        and not opts.force
        and opts.scale == "province"
    ):
        print(f"{where}: already seeded ({found[0]:,} organizations, {found[1]:,} people); reusing it.")
        extra_steps(env, where, opts)
        return

    print(f"{where}: migrate")
    run(["migrate", "-v0", "--skip-checks"], env)
    found = counts()
    seed_args = ["seed", "--scale", opts.scale, "--seed", opts.seed, "--as-of", opts.as_of]
    if found and found[0]:
        seed_args.append("--force")
    print(f"{where}: {' '.join(seed_args)}")
    seconds = run(seed_args, env)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    orgs, people = counts()
    size = ""
    if opts.db == "sqlite":
        size = f" file={SQLITE_PATH.stat().st_size / 2**20:,.0f}MB"
    print(
        f"BENCH db={opts.db} scale={opts.scale} organizations={orgs} people={people} "
        f"seconds={seconds:.1f} peak_rss={peak_mb:,.0f}MB{size}"
    )
    harness.record(f"{opts.scale} seed (without migrations and the extra steps)", round(seconds, 1), unit="s",
                   target=600 if opts.scale == "province" else None, db=opts.db, organizations=orgs, people=people,
                   peak_rss_mb=round(peak_mb))
    extra_steps(env, where, opts)


def extra_steps(env: dict, where: str, opts) -> None:
    """Data the apps' benchmarks need beyond the base seed; each step skips itself when its data is present."""
    run(["migrate", "-v0", "--skip-checks"], env)
    # A year and a half of organizational life (~4.5 million meetings, absences, study records).
    print(f"{where}: demo meetings --if-empty")
    seconds = run(["demo", "meetings", "--if-empty", "--as-of", opts.as_of], env)
    print(f"BENCH step=branchlife-meetings seconds={seconds:.1f}")
    harness.record("seed step: demo meetings", round(seconds, 1), unit="s", db=opts.db)
    # Elections for one organization in ten and approved postponements (the province seed has none).
    print(f"{where}: demo elections")
    seconds = run(["demo", "elections", "--as-of", opts.as_of], env)
    print(f"BENCH step=elections-bench-data seconds={seconds:.1f}")
    harness.record("seed step: demo elections", round(seconds, 1), unit="s", db=opts.db)
    if opts.scale != "province":
        return
    # Cadres (~300 thousand: leaders of every county, township and agency, and 68 % of the other staff).
    print(f"{where}: demo cadres")
    seconds = run(["demo", "cadres", "--seed", opts.seed, "--staff-share", "0.68", "--as-of", opts.as_of], env)
    print(f"BENCH db={opts.db} step=cadres seconds={seconds:.1f}")
    harness.record("seed step: demo cadres", round(seconds, 1), unit="s", db=opts.db)
    # Leadership teams from the cadres' current leadership posts (after the cadres' step).
    print(f"{where}: teams build")
    seconds = run(["teams", "build"], env)
    print(f"BENCH step=teams-build seconds={seconds:.1f}")
    harness.record("seed step: teams build", round(seconds, 1), unit="s", db=opts.db)


if __name__ == "__main__":
    main()

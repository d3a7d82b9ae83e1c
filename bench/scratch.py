"""A scratch database for a benchmark that brings its own data (never the province seed): a fresh SQLite file in a
temporary folder, or, when DATABASE_URL is PostgreSQL, a fresh database `<db>_<suffix>` on the same server, dropped
at the end. `run_on_scratch(suffix, fn)` migrates it, sets Django up on it and calls `fn(tmp, "SQLite" or
"PostgreSQL")`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _target(tmp: Path, suffix: str) -> tuple[str, str | None]:
    """(DATABASE_URL for the bench, PostgreSQL database to drop afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / f'{suffix}_bench.sqlite3'}", None
    import psycopg

    base, _, name = url.rpartition("/")
    name = (name.split("?")[0] or "zugong") + f"_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", name


def _drop(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base = url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_on_scratch(suffix: str, fn, *, tests_path: bool = False) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f"{suffix}-bench-"))
    url, pg_name = _target(tmp, suffix)
    # The bench results stay in the benchmarked database's var/bench/ (bench/harness.py reads BENCH_VAR first).
    os.environ.setdefault("BENCH_VAR", os.environ.get("ZUGONG_VAR") or str(ROOT / "var"))
    env = {**os.environ, "DATABASE_URL": url, "ZUGONG_VAR": str(tmp / "var"), "ZUGONG_TESTING": "1"}
    subprocess.run([sys.executable, "-m", "zugong", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    sys.path.insert(0, str(ROOT))
    if tests_path:
        sys.path.insert(0, str(ROOT / "tests"))
    import django

    django.setup()
    try:
        fn(tmp, "PostgreSQL" if pg_name else "SQLite")
    finally:
        if pg_name:
            _drop(url, pg_name)

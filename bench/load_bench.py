"""Serving under load (issue 12, finding 15): 200 logged-in sessions browse for 5 minutes against gunicorn started
as `make run` starts it (the Makefile's own command line), on loopback; prints the request count, the errors and
p50/p95 (targets: 0 errors, p95 ≤ 1 s), overall and per page.

    .venv/bin/python bench/load_bench.py                        # SQLite, then PostgreSQL
    .venv/bin/python bench/load_bench.py --db sqlite --duration 90 --users 200

Each database holds the demo seed (`zugong seed --scale demo`, made once and reused): SQLite in
$ZUGONG_VAR/load.sqlite3, PostgreSQL in zugong_load (BENCH_LOAD_PG_URL overrides). The sessions are locust users
(bench/load_locustfile.py): the bench logs in 200 sessions beforehand (Django's `force_login`, as the demo
accounts: 60 % branch, 30 % city, 10 % admin), each locust user takes one and thinks 5–15 s between pages. The
figures cover the browsing only: all sessions start within ~10 s, the statistics are reset once they have, and
browsing then goes on for --duration seconds (a login costs an Argon2 hash, ~100 MB and a fair share of a
core: 200 of them at once is not browsing). locust runs in its own process (gevent), one core's worth at most at
this rate (about 20 requests a second).

Only the web server runs: not the task worker nor the scheduler (a fresh database's scheduler would start the
nightly runs at once, which is not browsing).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
VAR = Path(os.environ.get("ZUGONG_VAR") or ROOT / "var").resolve()
SERVED = re.compile(r" (\d+)ms$")  # the access log's last field: time in the worker
PG_URL = os.environ.get("BENCH_LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432/zugong_load")


def db_url(db: str) -> str:
    return f"sqlite:///{VAR / 'load.sqlite3'}" if db == "sqlite" else PG_URL


def ensure_pg_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')


def make_run_gunicorn(port: int) -> list[str]:
    """The gunicorn command line of the Makefile's `run` target, with this venv and the given port."""
    line = next(ln for ln in (ROOT / "Makefile").read_text().splitlines() if "$(BIN)/gunicorn" in ln)
    line = line.strip().rstrip("\\").strip()
    line = line.replace("$(BIN)", str(Path(PY).parent)).replace("$(PORT)", str(port))
    return shlex.split(line)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, proc: subprocess.Popen, seconds: int = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped while starting (see its log)")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def prepare(db: str, env: dict) -> None:
    if db == "postgres":
        ensure_pg_database(env["DATABASE_URL"])
    run = lambda *args: subprocess.run([PY, "-m", "zugong", *args], check=True, env=env, cwd=ROOT)  # noqa: E731
    run("migrate", "--noinput", "-v0")
    started = time.perf_counter()
    out = subprocess.run([PY, "-m", "zugong", "seed", "--scale", "demo", "--if-empty"], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - started
    print(f"[{db}] demo seed {'made in %.0f s' % seconds if '跳过生成' not in out else 'reused'}", flush=True)
    if not (VAR / "static" / "staticfiles.json").exists():  # as `make run`: compressed static files, collected once
        run("collectstatic", "--noinput", "-v0")


SESSIONS = """
import json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
django.setup()
from django.test import Client
from zugong.accounts.models import User
mix = ["branch"] * 6 + ["city"] * 3 + ["admin"]
users = {u.username: u for u in User.objects.filter(username__in=set(mix))}
out = []
for i in range(int(sys.argv[1])):
    c = Client()
    c.force_login(users[mix[i % len(mix)]], backend="django.contrib.auth.backends.ModelBackend")
    out.append([mix[i % len(mix)], c.cookies["sessionid"].value])
print(json.dumps(out))
"""


def make_sessions(env: dict, n: int, path: Path) -> None:
    done = subprocess.run([PY, "-c", SESSIONS, str(n)], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=True)
    path.write_text(done.stdout)


def pct(row: dict, key: str) -> str:
    return f"{float(row[key]):,.0f} ms" if row.get(key) not in (None, "", "N/A") else "–"


def run_one(db: str, users: int, duration: int, spawn_rate: float) -> None:
    env = {**os.environ, "DATABASE_URL": db_url(db), "ZUGONG_VAR": str(VAR)}
    env.pop("ZUGONG_TESTING", None)  # served as in production: manifest static files, no test settings
    prepare(db, env)
    sessions = VAR / f"load-{db}-sessions.json"
    make_sessions(env, users, sessions)
    port = free_port()
    log = open(VAR / f"load-{db}-gunicorn.log", "wb")
    cmd = make_run_gunicorn(port)
    gunicorn = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        wait_ready(port, gunicorn)
        conf = subprocess.run([PY, "-c", "import zugong.gunicorn_conf as c; print(c.workers, c.threads)"],
                              env=env, cwd=ROOT, capture_output=True, text=True).stdout.split()
        load_before = os.getloadavg()
        prefix = VAR / f"load-{db}"
        ramp = int(users / spawn_rate) + 1
        subprocess.run(
            [PY, "-m", "locust", "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless",
             "-u", str(users), "-r", str(spawn_rate), "-t", f"{duration + ramp}s", "--reset-stats",
             "--stop-timeout", "120",  # let the pages in flight finish: a cut request is not a server error
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            env={**env, "ZUGONG_LOAD_SESSIONS": str(sessions)}, cwd=ROOT, check=False,
            stdout=subprocess.DEVNULL, stderr=open(VAR / f"load-{db}-locust.log", "w"))
        elapsed = duration
        load_after = os.getloadavg()
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
        log.close()
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    browse = [r for r in rows if r["Name"] != "Aggregated"]
    print(f"[{db}] gunicorn `{' '.join(cmd[1:])}`: {conf[0]} gthread workers × {conf[1]} threads; "
          f"{users} logged-in sessions, think time 5–15 s, {elapsed:.0f} s of browsing on loopback; "
          f"{os.cpu_count()} cores, load average {load_before[0]:.1f} → {load_after[0]:.1f}", flush=True)
    n, errors = int(total["Request Count"]), int(total["Failure Count"])
    print(f"[{db}] ALL  {n:,} requests, {errors} errors, p50 {pct(total, '50%')}, p95 {pct(total, '95%')}, "
          f"p99 {pct(total, '99%')}, max {pct(total, 'Max Response Time')}  (targets: 0 errors, p95 ≤ 1,000 ms)")
    p95 = float(total["95%"]) if total.get("95%") not in (None, "", "N/A") else None
    p50 = float(total["50%"]) if total.get("50%") not in (None, "", "N/A") else None
    harness.record(f"load: {users} sessions against gunicorn, p95", p95, target=1000, stat="p95", p50=p50, p95=p95,
                   samples=n, load=load_before[0], db=db, requests=n, errors=errors)
    harness.record(f"load: {users} sessions against gunicorn, errors", errors, unit="errors", target=0,
                   load=load_before[0], db=db, requests=n)
    for r in sorted(rows, key=lambda r: r["Name"]):
        if r["Name"] == "Aggregated":
            continue
        print(f"[{db}]   {r['Name']:<36} {int(r['Request Count']):>6,} req  {int(r['Failure Count']):>3} err  "
              f"p50 {pct(r, '50%'):>9}  p95 {pct(r, '95%'):>9}")
    # Time inside the workers (gunicorn's access log ends with it): the rest of a response time is waiting for a
    # free thread or for the CPU.
    served = sorted(int(m.group(1)) for line in (VAR / f"load-{db}-gunicorn.log").read_text(
        errors="replace").splitlines() if '"GET /accounts/login/' not in line and (m := SERVED.search(line)))
    if served:
        print(f"[{db}]   time in the worker: p50 {served[len(served) // 2]:,} ms, "
              f"p95 {served[int(len(served) * 0.95) - 1]:,} ms over {len(served):,} responses")
    if browse and os.path.exists(f"{prefix}_failures.csv"):
        with open(f"{prefix}_failures.csv", newline="") as fh:
            for f in list(csv.DictReader(fh))[:5]:
                print(f"[{db}]   error: {f['Name']}: {f['Error']} ×{f['Occurrences']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=300, help="seconds of browsing (default 300)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="sessions started a second (default 20)")
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    for db in args.db or ["sqlite", "postgres"]:
        run_one(db, args.users, args.duration, args.spawn_rate)


if __name__ == "__main__":
    main()

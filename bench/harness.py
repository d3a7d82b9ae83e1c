"""The one way every bench measures and records its figures.

- `wait_quiet()` waits (bounded) for a quiet machine and returns the 1-minute load average before a measure.
- `measure_pages(client, name, pages, …)` times a list of *varied* requests through the full Django stack: the
  cold first hit (the first request, before any warm-up), then warm p50/p95 over BENCH_SAMPLES (default 100)
  requests cycling through the list. Every answer is checked (`Page.check`) against an independent query: a
  fast wrong answer is recorded as failed, printed as FAIL, and makes the script exit non-zero (`run(main)`).
- `record(name, value, …)` writes one figure (target, ✓/✗, samples, cold, p50, p95, load before) into
  `<ZUGONG_VAR>/bench/results-<db>-<YYYY-MM-DD>.json`, merged by measure name with what other bench scripts
  wrote that day, together with the git commit, the machine, the data counts and, on PostgreSQL, the settings
  that matter. `print_table(db)` (bench/run.py) prints measure | target | figure | ✓/✗ from that file.

The pure parts (percentiles, verdicts, the merge, the list parsing and checks) import nothing from Django;
tests/unit/test_bench_harness.py covers them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAILURES: list[str] = []  # the failed checks of this process (run() exits 1 when any)
_GAVE_UP = False  # wait_quiet timed out once in this process (later waits are short)


class BenchFailure(AssertionError):
    """A wrong answer (or an error) where the bench expected a right one."""


# ---------------------------------------------------------------- pure helpers


def percentile(values, p: float) -> float:
    """Nearest-rank percentile (p in 0–100) of a non-empty sequence: p95 of 100 samples is the 95th smallest."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    k = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(k, len(ordered)) - 1]


def verdict(value, target, better: str = "lower"):
    """True (✓) when the value meets the target, False (✗) when not, None when there is no target or value."""
    if target is None or value is None:
        return None
    return value <= target if better == "lower" else value >= target


def mark(ok) -> str:
    return {True: "✓", False: "✗"}.get(ok, "–")


def merge(existing: dict | None, meta: dict, figures: list[dict]) -> dict:
    """The day's results with `figures` merged in by name (a figure measured again replaces the earlier one,
    in place; the others are kept) and the run's description (`meta`) updated."""
    doc = dict(existing or {})
    doc.update({k: v for k, v in meta.items() if k != "figures"})
    merged = {f["name"]: f for f in (existing or {}).get("figures", [])}
    for figure in figures:
        merged[figure["name"]] = figure
    doc["figures"] = list(merged.values())
    return doc


_COUNT = re.compile(r"共\s*([\d,]+)\s*条")
_TBODY = re.compile(r"<tbody[^>]*>(.*?)</tbody>", re.S)
_LINK = re.compile(r'<a\s[^>]*href="[^"]*?/(\d+)/"[^>]*>\s*([^<]*?)\s*</a>', re.S)


def parse_list(html: str, table_id: str | None = None) -> dict:
    """What a list page shows: the count (“共 N 条”, None when absent), the rows of the first table body
    (or of the table with `table_id`), and the pk and text of each row's first link."""
    if table_id:
        start = html.find(f'id="{table_id}"')
        html = html[start:] if start >= 0 else ""
    m = _COUNT.search(html)
    count = int(m.group(1).replace(",", "")) if m else None
    body = _TBODY.search(html)
    rows = re.findall(r"<tr\b.*?</tr>", body.group(1), re.S) if body else []
    links = []
    for row in rows:
        link = _LINK.search(row)
        if link:
            links.append((int(link.group(1)), link.group(2)))
    return {"count": count, "rows": len(links), "links": links}


class Page:
    """One request of a measure and the check of its answer. `expect` (called once, lazily, after the first
    answer was timed, so the independent query does not warm the cache for the cold hit) returns what the
    page must show; `verify(html, expected)` raises BenchFailure when it does not."""

    def __init__(self, url: str, expect=None, verify=None, label: str = ""):
        self.url, self._expect, self._verify, self.label = url, expect, verify, label or url
        self._expected, self._known = None, False

    def expected(self):
        if not self._known:
            self._expected, self._known = (self._expect() if self._expect else None), True
        return self._expected

    def check(self, status: int, html: str) -> None:
        if status != 200:
            raise BenchFailure(f"{self.url}: HTTP {status}")
        if self._verify:
            self._verify(html, self.expected())


def verify_list(html: str, expected: dict) -> None:
    """A list page (“共 N 条” and a table): the count equals `expected["count"]`, the page has
    min(count − offset, per_page) rows, and the first row's link is one of `expected["first"]` (the pks that
    sort first; several when the order has ties). `expected["per_page"]` defaults to 50, `offset` to 0."""
    shown = parse_list(html, expected.get("table_id"))
    count, first = expected.get("count"), expected.get("first")
    per_page, offset = expected.get("per_page", 50), expected.get("offset", 0)
    if count is not None:
        if shown["count"] is None and not expected.get("no_count"):
            if count:
                raise BenchFailure(f"the page shows no count (expected 共 {count} 条)")
        elif shown["count"] is not None and shown["count"] != count:
            raise BenchFailure(f"the page shows 共 {shown['count']} 条, the independent count is {count}")
        rows = max(0, min(count - offset, per_page))
        if shown["rows"] != rows:
            raise BenchFailure(f"the page shows {shown['rows']} rows, expected {rows} (count {count})")
    if first is not None:
        got = shown["links"][0] if shown["links"] else None
        if got is None or got[0] not in first:
            names = expected.get("first_names") or sorted(first)[:5]
            raise BenchFailure(f"first row {got and got[1]!r} (pk {got and got[0]}), expected one of {names}")
    subset = expected.get("subset")
    if subset is not None:
        stray = [(pk, name) for pk, name in shown["links"] if pk not in subset]
        if stray:
            raise BenchFailure(f"rows that do not match: {stray[:5]}")


def verify_contains(*needles: str):
    def verify(html, expected):
        for needle in (*needles, *(expected or ())):
            if needle not in html:
                raise BenchFailure(f"the page does not show {needle!r}")
    return verify


# ---------------------------------------------------------------- the machine, the day's file


def var_dir() -> Path:
    """Where var/bench/ is: BENCH_VAR (set by bench/scratch.py before it points ZUGONG_VAR at a scratch
    folder), else ZUGONG_VAR, else the checkout's var/."""
    return Path(os.environ.get("BENCH_VAR") or os.environ.get("ZUGONG_VAR") or ROOT / "var").resolve()


def today() -> str:
    """The results' day: BENCH_DATE (bench/run.py sets it once, so a run past midnight stays in one file),
    else today in UTC (never the settings' time zone, which the scripts that do not load Django lack)."""
    return os.environ.get("BENCH_DATE") or dt.datetime.now(dt.timezone.utc).date().isoformat()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def results_path(db: str, day: str | None = None) -> Path:
    return var_dir() / "bench" / f"results-{db}-{day or today()}.json"


def loadavg() -> float:
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return os.getloadavg()[0]


def wait_quiet(threshold: float | None = None, timeout: float | None = None, poll: float = 5.0,
               read=loadavg, sleep=time.sleep) -> float:
    """Wait until the 1-minute load average is below `threshold` (BENCH_QUIET_LOAD, default 1.0) or `timeout`
    seconds have passed (BENCH_QUIET_WAIT, default 120; 0 does not wait; 15 once a wait of this process timed
    out, so a busy machine does not add two minutes to every measure). Returns the load before the measure,
    which is recorded with the figure."""
    global _GAVE_UP
    threshold = float(os.environ.get("BENCH_QUIET_LOAD", "1.0")) if threshold is None else threshold
    if timeout is None:
        timeout = float(os.environ.get("BENCH_QUIET_WAIT", "120"))
        if _GAVE_UP:  # this process already waited in vain: the machine is busy, do not wait as long each time
            timeout = min(timeout, 15.0)
    waited, load = 0.0, read()
    while load >= threshold and waited < timeout:
        step = min(poll, timeout - waited)
        sleep(step)
        waited += step
        load = read()
    if waited:
        _GAVE_UP = _GAVE_UP or load >= threshold
        state = "quiet" if load < threshold else f"still loaded after {waited:.0f} s"
        print(f"  (waited {waited:.0f} s for load < {threshold}: {load:.2f}, {state})", flush=True)
    return load


def machine() -> dict:
    info = {"cores": os.cpu_count(), "memory_gb": None, "cpu": None, "host": os.uname().nodename}
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "") if out.returncode == 0 else None
    except OSError:
        return None


# ---------------------------------------------------------------- the database (Django)


def db_key() -> str:
    from django.db import connection

    return "postgres" if connection.vendor == "postgresql" else connection.vendor


def scalar(sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def rows(sql: str, params=()) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


COUNTED = (("organizations", "orgs_organization"), ("people", "people_person"),
           ("members", "members_membership"), ("cadres", "cadres_cadre"), ("teams", "teams_leadershipteam"),
           ("dues_payments", "members_duespayment"), ("meetings", "branchlife_meeting"))
PG_SETTINGS = ("server_version", "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem",
               "jit", "max_parallel_workers_per_gather", "random_page_cost")
_META: dict = {}
_COMMIT: dict = {}


def data_counts() -> dict:
    """Row counts of the tables (exact; for the two largest an estimate, `_approx`: the planner's on
    PostgreSQL, the largest id on SQLite; a table that does not exist is left out)."""
    from django.db import connection

    tables = set(connection.introspection.table_names())
    counts = {}
    for label, table in COUNTED:
        if table not in tables:
            continue
        if label in ("dues_payments", "meetings"):
            estimate = (scalar("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
                        if connection.vendor == "postgresql" else scalar(f"SELECT MAX(id) FROM {table}") or 0)
            if estimate < 0:  # never analyzed: count it
                estimate = scalar(f"SELECT COUNT(*) FROM {table}")
            counts[label + "_approx"] = int(estimate)
        else:
            counts[label] = scalar(f"SELECT COUNT(*) FROM {table}")
    return counts


def pg_settings() -> dict:
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    return {name: scalar(f"SHOW {name}") for name in PG_SETTINGS}


def meta() -> dict:
    """The run's description (once per process): commit, machine, database, data counts, settings."""
    if not _META:
        from django.db import connection

        _META.update({
            "database": db_key(), "database_name": str(connection.settings_dict.get("NAME")),
            "date": today(), "commit": _commit(), "machine": machine(),
            "data": data_counts(), "postgresql": pg_settings(),
        })
    return _META


def write(figures: list[dict], db: str | None = None, description: dict | None = None) -> Path:
    """Merge `figures` into the day's file (atomically: a temporary file renamed over it)."""
    description = description if description is not None else meta()
    path = results_path(db or description["database"])
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text()) if path.exists() else None
    doc = merge(existing, {**description, "updated_at": now()}, figures)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str))
    tmp.replace(path)
    return path


def figure(name, value, *, unit="ms", target=None, better="lower", stat="value", samples=None, cold=None,
           p50=None, p95=None, load=None, error=None, **extra) -> dict:
    ok = False if error else verdict(value, target, better)
    return {"name": name, "database": extra.pop("database", None), "target": target, "better": better,
            "stat": stat, "value": value, "unit": unit, "ok": ok, "mark": mark(ok), "samples": samples,
            "cold": cold, "p50": p50, "p95": p95, "load_before": load, "error": error,
            "script": Path(sys.argv[0]).name, "commit": _commit(), "at": now(), **extra}


def _commit():
    if "commit" not in _COMMIT:
        _COMMIT["commit"] = git_commit()
    return _COMMIT["commit"]


def record(name, value, *, unit="ms", target=None, better="lower", stat="value", load=None, db=None,
           own_db=False, **kw) -> dict:
    """Record one figure of this database (a one-line call for the benches that time their own work).
    `db` ("sqlite", "postgres"): for a script that does not load Django (the seed). `own_db`: the script works
    on a scratch database of its own, whose name and counts must not replace the benchmarked database's in the
    file's description."""
    if db is None:
        db = db_key()
        if own_db:
            from django.db import connection

            kw.setdefault("own_database", str(connection.settings_dict.get("NAME")))
    description = {"database": db} if (own_db or "database" not in meta_if_django(db)) else meta()
    if load is None:  # the script timed its work itself: the load is known only now, after it
        kw.setdefault("load_after", loadavg())
    fig = figure(name, value, unit=unit, target=target, better=better, stat=stat, load=load, database=db, **kw)
    write([fig], db=db, description=description)
    return fig


def meta_if_django(db: str) -> dict:
    """The run's description when Django is loaded and its database is `db`, else {}."""
    try:
        from django.conf import settings

        if not settings.configured:
            return {}
        return meta() if db_key() == db else {}
    except Exception:  # Django not installed or not set up: a script that runs no Django
        return {}


def fail(name: str, message: str, **kw) -> dict:
    """Record a failed check (✗, with the message), print it and make run() exit non-zero."""
    FAILURES.append(f"{name}: {message}")
    print(f"[{db_key()}] FAIL {name}: {message}", flush=True)
    return record(name, None, error=message, **kw)


# ---------------------------------------------------------------- measures


def _fmt(ms) -> str:
    return "      –" if ms is None else f"{ms:7.1f}"


def measure_pages(client, name: str, pages: list[Page], *, target=None, stat: str = "p95", samples=None,
                  label: str | None = None, quiet: bool = True) -> dict:
    """Time `pages` through `client`: the cold first hit of pages[0], then `samples` (BENCH_SAMPLES, default
    100) warm requests cycling through the pages. Every answer is checked; a wrong one fails the measure.
    Prints the line `[db] label  median … p95 … (cold …, N samples over K requests)` and records the figure
    (`stat`: "p95" or "p50" is compared with `target`, in ms)."""
    samples = samples or int(os.environ.get("BENCH_SAMPLES", "100"))
    db, label = db_key(), label or name
    load = wait_quiet() if quiet else loadavg()
    times, cpu = [], []
    try:
        if not pages:
            raise BenchFailure("no requests to measure (is the data there?)")

        def hit(page):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(page.url)
            elapsed = (time.perf_counter() - t) * 1000
            cpu.append((time.process_time() - c) * 1000)
            try:
                page.check(response.status_code, response.content.decode())
            except BenchFailure as exc:
                raise BenchFailure(f"{page.label}: {exc}") from None
            return elapsed

        cold = hit(pages[0])
        cpu.clear()
        for i in range(samples):
            times.append(hit(pages[(i + 1) % len(pages)] if len(pages) > 1 else pages[0]))
    except BenchFailure as exc:
        return fail(name, str(exc), target=target, stat=stat, samples=len(times), load=load)
    except Exception as exc:  # an error in the page or in the bench's own query: a failure too, never a figure
        import traceback

        traceback.print_exc()
        return fail(name, f"{type(exc).__name__}: {exc}", target=target, stat=stat, samples=len(times), load=load)
    p50, p95 = percentile(times, 50), percentile(times, 95)
    value = p95 if stat == "p95" else p50
    fig = figure(name, round(value, 1), target=target, stat=stat, samples=len(times), cold=round(cold, 1),
                 p50=round(p50, 1), p95=round(p95, 1), load=load, database=db, requests=len(pages),
                 cpu_p95=round(percentile(cpu, 95), 1))
    write([fig])
    goal = f"   target {stat} ≤ {target:g} ms {fig['mark']}" if target is not None else ""
    print(f"[{db}] {label:<52} median {_fmt(p50)} ms   p95 {_fmt(p95)} ms   cold {_fmt(cold)} ms   "
          f"(CPU p95 {fig['cpu_p95']:.0f} ms; {len(times)} samples over {len(pages)} requests; "
          f"load {load:.2f}){goal}", flush=True)
    return fig


def run(main) -> None:
    """Run a bench script's main(); exit 1 (after listing them) when any check failed."""
    main()
    if FAILURES:
        print(f"\n{len(FAILURES)} bench check(s) FAILED:", file=sys.stderr)
        for line in FAILURES:
            print(f"  ✗ {line}", file=sys.stderr)
        sys.exit(1)


# ---------------------------------------------------------------- the table (bench/run.py)


def format_figure(fig: dict) -> str:
    if fig.get("error"):
        return "FAILED"
    value, unit = fig.get("value"), fig.get("unit") or ""
    if value is None:
        return "–"
    text = (f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}") if isinstance(value, float) else f"{value:,}"
    return f"{text} {unit}".strip() + (f" ({fig['stat']})" if fig.get("stat") not in (None, "value") else "")


def table(doc: dict) -> list[str]:
    """measure | target | figure | ✓/✗, one line per figure of the day's file."""
    lines = [f"{'measure':<60} | {'target':>14} | {'figure':>22} | ✓/✗", "-" * 108]
    for fig in doc.get("figures", []):
        target = fig.get("target")
        op = "≤" if fig.get("better", "lower") == "lower" else "≥"
        target = f"{op} {target:g} {fig.get('unit') or ''}".strip() if target is not None else ""
        lines.append(f"{fig['name'][:60]:<60} | {target:>14} | {format_figure(fig):>22} | {mark(fig.get('ok'))}")
    return lines


def print_table(db: str, day: str | None = None) -> None:
    path = results_path(db, day)
    if not path.exists():
        print(f"===== {db}: no results ({path}) =====")
        return
    doc = json.loads(path.read_text())
    print(f"===== {db} ({doc.get('database_name')}, commit {str(doc.get('commit'))[:12]}, {path}) =====")
    for line in table(doc):
        print(line)
    failed = [f for f in doc.get("figures", []) if f.get("ok") is False]
    print(f"{len(doc.get('figures', []))} figures, {len(failed)} ✗")

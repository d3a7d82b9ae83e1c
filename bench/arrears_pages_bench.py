"""Times the arrears page (欠交党费) and the weak-organization screening (软弱涣散排查) for the province admin and a
city user, against an already seeded database (DATABASE_URL picks it); prints median and p95, never asserts.

    DATABASE_URL=... .venv/bin/python bench/arrears_pages_bench.py

Each page is requested through the full Django stack (middleware, scope, templates) with a logged-in client:
the first page, a later page, and a filtered page. As of today (the pages' default) and, for the screening, as of
the seed's reference date too. BENCH_REPEAT sets the number of requests per line (default 10).

The screening reads the measures stored per branch (`weakorgs.stored`): first they are computed for the whole
province as of the seed's reference date, as the nightly task does (its time is printed; BENCH_SCREEN_REFRESH=0
skips it and uses the stored ones), so the screening's default page is that day's. Its as-of line names the day
explicitly (the same data; before the store, that line computed every measure per request).
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

import harness  # noqa: E402

from django.test import Client  # noqa: E402

from zugong.accounts.models import User  # noqa: E402
from zugong.demo.generate import BENCH_AS_OF as AS_OF  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))


def timed(client, url, repeat=REPEAT):
    client.get(url)  # warm the caches once
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95 + 0.5) - 1)]


def refresh_screening(db):
    """The nightly computation of the screening's stored measures, timed (absent before the store existed)."""
    try:
        from zugong.weakorgs import stored
    except ImportError:
        return
    if os.environ.get("BENCH_SCREEN_REFRESH", "1") == "0":
        return
    t = time.perf_counter()
    run = stored.refresh("", AS_OF)
    print(f"[{db}] screening measures stored (nightly task), whole province as of {AS_OF}: {run.rows:,} rows, "
          f"{len(run.keys)} keys, {time.perf_counter() - t:.1f} s", flush=True)


def main():
    db = django.db.connection.vendor
    only = [x for x in os.environ.get("BENCH_LINES", "").split("|") if x]  # labels to time (default: all)
    rows = [
        ("arrears, first page", "/members/dues/arrears/"),
        ("arrears, page 3", "/members/dues/arrears/?page=3"),
        ("arrears, 6 months or more", "/members/dues/arrears/?months=6"),
        ("screening, today", "/weakorgs/screen/"),
        ("screening, today, page 3", "/weakorgs/screen/?page=3"),
        (f"screening, as of {AS_OF}", f"/weakorgs/screen/?as_of={AS_OF}"),
    ]
    if not only or any(label.startswith("screening") for label in only):
        refresh_screening(db)
    for username in os.environ.get("BENCH_USERS", "admin city").split():
        client = Client()
        client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        for label, url in rows:
            if only and label not in only:
                continue
            median, p95 = timed(client, url)
            print(f"[{db}] {username:<5} {label:<36} median {median:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
            harness.record(f"{label} ({username})", round(p95, 1), stat="p95", p50=round(median, 1), p95=round(p95, 1))


if __name__ == "__main__":
    harness.run(main)

"""Dashboard figures against an already seeded database (DATABASE_URL picks it): how long the subtree roll-ups
take to build (per metric, set-based, one INSERT … SELECT per depth), and the dashboard's median and p95
through the full Django stack (middleware, scope, templates) for the province root, a city and a county, plus
the terms list (organizations due or overdue for election) of a city.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from zugong.accounts.models import User  # noqa: E402
from zugong.dashboards import rollups  # noqa: E402
from zugong.dashboards.models import Rollup  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def timed(client, url, repeat=REPEAT):
    client.get(url)  # warm the caches once
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main():
    db = connection.vendor
    orgs = Organization.objects.unrestricted()
    root = orgs.get(depth=1)
    city = orgs.filter(depth=2, kind="committee").order_by("path").first()
    county = orgs.filter(depth=3, kind="committee", path__startswith=city.path).order_by("-numchild", "path").first()
    available = rollups.available_metrics()
    print(f"[{db}] {orgs.count():,} organizations; metrics with data: {', '.join(available)}")
    for code in available:
        t = time.perf_counter()
        run = rollups.refresh(metrics=[code])
        print(f"[{db}] roll-up build {code:<12} {time.perf_counter() - t:7.1f} s   {run.rows.get(code, 0):,} rows")
    t = time.perf_counter()
    run = rollups.refresh()
    print(f"[{db}] roll-up build, all metrics  {time.perf_counter() - t:7.1f} s   "
          f"{Rollup.objects.unrestricted().count():,} rows")
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    rows = [
        (f"dashboard, province root ({root.name})", "/dashboards/"),
        (f"dashboard, city ({city.name})", f"/dashboards/?org={city.code}"),
        (f"dashboard, county ({county.name})", f"/dashboards/?org={county.code}"),
        ("terms list, city (due and overdue, first page + count)", f"/elections/?org={city.code}"),
        ("terms list, province (overdue, first page + count)", "/elections/?state=overdue"),
    ]
    for label, url in rows:
        median, p95 = timed(client, url)
        print(f"[{db}] {label:<58} median {median:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()

"""Dashboard figures against an already seeded database (DATABASE_URL picks it): how long the subtree roll-ups
take to build (per metric, set-based, one INSERT … SELECT per depth), and the dashboard's median and p95
through the full Django stack (middleware, scope, templates) for the province root, every city and every
county, plus the terms lists (organizations due or overdue for election) of every city and of the province (overdue),
through the harness (bench/harness.py): varied requests (every city, pages, kinds), the cold first hit, warm
median and p95 over BENCH_SAMPLES (default 100) requests, each answer's count and first row checked against an
independent SQL query (bench/checks.py); target p95 ≤ 300 ms. Every figure goes to
var/bench/results-<db>-<date>.json.
"""

import os
import sys
import time
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

import checks  # noqa: E402
import harness  # noqa: E402
from harness import Page, verify_list  # noqa: E402

from zugong.accounts.models import User  # noqa: E402
from zugong.dashboards import rollups  # noqa: E402
from zugong.dashboards.models import Rollup  # noqa: E402
from zugong.core.dates import add_months  # noqa: E402
from zugong.elections.rules import reminder_months  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402

def main():
    db = connection.vendor
    orgs = Organization.objects.unrestricted()
    root = orgs.get(depth=1)
    available = rollups.available_metrics()
    print(f"[{db}] {orgs.count():,} organizations; metrics with data: {', '.join(available)}")
    for code in available:
        t = time.perf_counter()
        run = rollups.refresh(metrics=[code])
        seconds = time.perf_counter() - t
        print(f"[{db}] roll-up build {code:<12} {seconds:7.1f} s   {run.rows.get(code, 0):,} rows")
        harness.record(f"roll-up build {code}", round(seconds, 2), unit="s", rows=run.rows.get(code, 0))
    t = time.perf_counter()
    run = rollups.refresh()
    seconds = time.perf_counter() - t
    print(f"[{db}] roll-up build, all metrics  {seconds:7.1f} s   {Rollup.objects.unrestricted().count():,} rows")
    harness.record("roll-up build, all metrics", round(seconds, 2), unit="s")
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    # The dashboard of the province root, of every city and of every county committee (target p95 ≤ 1 s); each
    # page must name its organization. (Its figures are the roll-ups built above, whose time is recorded apart.)
    cities = list(orgs.filter(depth=2, kind="committee").order_by("path"))
    counties = list(orgs.filter(depth=3, kind="committee").order_by("-numchild", "path"))
    for label, group in ((f"dashboard, province root ({root.name})", [root]),
                         ("dashboard, city (every city)", cities),
                         ("dashboard, county (every county)", counties)):
        pages = [Page("/dashboards/" + (f"?org={o.code}" if o.depth > 1 else ""), None,
                      harness.verify_contains(f'fs-4">{o.name}</span>'), label=o.name) for o in group]
        harness.measure_pages(client, label, pages, target=1000)
    terms_lists(client, orgs)


def terms_page(query: dict, path, *, overdue: bool, label: str) -> Page:
    today = timezone.localdate()
    window_end = None if overdue else add_months(today, reminder_months(path or ""))
    url = "/elections/?" + urlencode(query)
    return Page(url, lambda: checks.terms(path, overdue=overdue, window_end=window_end, today=today,
                                          kind=query.get("kind"), page=int(query.get("page", 1))),
                verify_list, label=f"{label} {url}")


def terms_lists(client, orgs):
    """The terms lists (target p95 ≤ 300 ms): every city's (due and overdue), pages 1 and 2; the province's
    overdue, every kind and pages 1–3."""
    cities = list(orgs.filter(depth=2, kind="committee").order_by("path"))
    city_pages = [terms_page({"org": c.code, **({"page": page} if page > 1 else {})}, c.path, overdue=False,
                             label=c.name) for c in cities for page in (1, 2)]
    harness.measure_pages(client, "terms list, city (due and overdue, first page + count)", city_pages, target=300)
    province = []
    for kind in ("", "committee", "general_branch", "branch"):
        for page in (1, 2, 3):
            query = {"state": "overdue", **({"kind": kind} if kind else {}), **({"page": page} if page > 1 else {})}
            province.append(terms_page(query, None, overdue=True, label="全省"))
    harness.measure_pages(client, "terms list, province (overdue, first page + count)", province, target=300)


if __name__ == "__main__":
    harness.run(main)

"""Times the pages a user waits for, against an already seeded database (DATABASE_URL picks it).

Prints median and p95 over repeated requests through the full Django stack (middleware, scope, templates):
the people list of a county and of a city (first page with its count), the organization list of a city,
the tree's first expansion, the pinyin-initials search over every person in the province, and the 工作台 of
the demo accounts (admin, city, branch).
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

from django.test import Client  # noqa: E402

from zugong.accounts.models import User  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402
from zugong.people.models import Person  # noqa: E402

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
    db = django.db.connection.vendor
    root = Organization.objects.unrestricted().get(depth=1)
    city = Organization.objects.unrestricted().filter(depth=2, kind="committee").order_by("path").first()
    county = Organization.objects.unrestricted().filter(depth=3, kind="committee", path__startswith=city.path)
    county = county.order_by("-direct_people", "path").first() or county.first()
    people = Person.objects.unrestricted().count()
    city_people = Person.objects.unrestricted().filter(org_path__startswith=city.path).count()
    county_people = Person.objects.unrestricted().filter(org_path__startswith=county.path).count()
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    print(f"[{db}] {people:,} people, {Organization.objects.unrestricted().count():,} organizations; "
          f"city {city.name} {city_people:,} people, county {county.name} {county_people:,} people")
    rows = [
        ("people list, county (first page + count)", f"/people/?org={county.code}"),
        ("people list, city (first page + count)", f"/people/?org={city.code}"),
        ("people list, city, stroke order", f"/people/?org={city.code}&order=stroke"),
        ("organization list, city subtree", f"/orgs/list/?within={city.code}"),
        ("tree: expand the province root", f"/orgs/tree/{root.pk}/children/"),
        ("search 'zs' (pinyin initials), whole province", "/search/?q=zs"),
        ("search 'wangjian' (full pinyin), whole province", "/search/?q=wangjian"),
        ("search ID tail '0012', whole province", "/search/?q=0012"),
    ]
    for label, url in rows:
        median, p95 = timed(client, url)
        print(f"[{db}] {label:<52} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    # The 工作台 (its to-dos: deadlines, findings by rule, transfers, cases, 公示, jobs) of each demo account.
    for username in ("admin", "city", "branch"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        median, p95 = timed(client, "/")
        print(f"[{db}] {'工作台 of ' + username:<52} median {median:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()

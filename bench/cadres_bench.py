"""Times the cadre roster (干部名册) at province scale through the full Django stack, against an already
seeded database (DATABASE_URL picks it; bench/seed_bench.py adds the ~300 thousand cadres).

Prints median and p95 over repeated requests: the roster of the whole province, of a city and of a county
with three filters (first page of 50 with its count), in stroke order and in post order, plus a cadre's page
and the API lookup by ID number.
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
from zugong.cadres.models import Cadre  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def timed(client, url, repeat=REPEAT):
    """(median, p95) of the wall-clock time and p95 of this process's CPU time (Django and, on SQLite, the
    database engine: on a shared machine the CPU time shows the work, the wall clock the waiting too)."""
    client.get(url)  # warm the caches once
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    cpu.sort()
    p95 = max(0, int(len(times) * 0.95) - 1)
    return statistics.median(times), times[p95], cpu[p95]


def main():
    db = django.db.connection.vendor
    cadres = Cadre.objects.unrestricted()
    total = cadres.count()
    if not total:
        print(f"[{db}] no cadres: run bench/seed_bench.py first")
        return
    city = Organization.objects.unrestricted().filter(depth=2, kind="committee").order_by("path").first()
    county = (Organization.objects.unrestricted().filter(depth=3, kind="committee", path__startswith=city.path)
              .order_by("path").first())
    sample = cadres.filter(org_path__startswith=county.path).select_related("person").order_by("pk").first()
    client = Client()
    client.force_login(User.objects.get(username="admin"), backend="django.contrib.auth.backends.ModelBackend")
    print(f"[{db}] {total:,} cadres; city {city.name} "
          f"{cadres.filter(org_path__startswith=city.path).count():,}, county {county.name} "
          f"{cadres.filter(org_path__startswith=county.path).count():,}")
    rows = [
        ("roster, province, no filter", "/cadres/"),
        ("roster, province: 乡科级 + 女 + 41-45岁", "/cadres/?level=4&sex=2&age=41-45"),
        ("roster, province: 乡科级 + 女 + 41-45岁, post order", "/cadres/?level=4&sex=2&age=41-45&sort=post"),
        ("roster, province: 县处级副职 + 本科 + 中共党员", "/cadres/?rank=county_deputy&education=bachelor&party=cpc"),
        ("roster, province: 少数民族 + 35岁以下 + 职级", "/cadres/?ethnicity=minority&age=-35&rank_kind=grade"),
        ("roster, province: 男 + 研究生 + 51-55岁, post order", "/cadres/?sex=1&education=graduate&age=51-55&sort=post"),
        ("roster, city: 乡科级正职 + 男 + 46-50岁", f"/cadres/?org={city.code}&rank=township_chief&sex=1&age=46-50"),
        ("roster, county: 乡科级 + 本科 + 36-40岁", f"/cadres/?org={county.code}&level=4&education=bachelor&age=36-40"),
        ("roster, province: 现任职务包含“副局长” + 男 + 46-50岁", "/cadres/?post=副局长&sex=1&age=46-50"),
        ("cadre page (基本信息)", f"/cadres/{sample.pk}/"),
        ("cadre page (简历)", f"/cadres/{sample.pk}/?tab=resume"),
        ("API /api/cadres/?person=<ID number>", f"/api/cadres/?person={sample.person.id_number}"),
    ]
    print(f"[{db}] load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for label, url in rows:
        median, p95, cpu = timed(client, url)
        print(f"[{db}] {label:<52} median {median:7.1f} ms   p95 {p95:7.1f} ms   (CPU p95 {cpu:6.1f} ms)")
    median, p95, cpu = timed(client, f"/cadres/?org={county.code}&export=xlsx", repeat=3)
    print(f"[{db}] {'roster export .xlsx, county':<52} median {median:7.1f} ms   (3 runs; CPU {cpu:.0f} ms)")


if __name__ == "__main__":
    main()

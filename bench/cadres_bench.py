"""Times the cadre roster (干部名册) at province scale through the full Django stack and the harness
(bench/harness.py), against an already seeded database (DATABASE_URL picks it; bench/seed_bench.py adds the
~300 thousand cadres).

The targeted figures (issue 19: p95 ≤ 300 ms): the roster with three filters over the whole province, over
every city and over every county, each varied across filter combinations (rank level, sex, age band, rank,
education, party, ethnicity, post order) and pages; the cold first hit, warm median and p95 over BENCH_SAMPLES
(default 100) requests, every answer's count and first row checked against an independent SQL query
(bench/checks.py). Then, as before, single URLs (BENCH_REPEAT requests each, default 20): the roster's usual
views, a cadre's page, the API lookup by ID number and the county's .xlsx export.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from urllib.parse import urlencode  # noqa: E402

from django.test import Client  # noqa: E402

import checks  # noqa: E402
import harness  # noqa: E402
from harness import Page, verify_list  # noqa: E402
from zugong.accounts.models import User  # noqa: E402
from zugong.cadres.models import Cadre  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
AGES = ("-35", "36-40", "41-45", "46-50", "51-55", "56-")
# Three filters each, varied: the combinations a cadre department's staff type in a day.
FILTER_SETS = (
    [{"level": str(level), "sex": sex, "age": age} for level in (3, 4, 5) for sex in ("1", "2") for age in AGES]
    + [{"rank": rank, "education": edu, "party": "cpc"}
       for rank in ("county_deputy", "township_chief", "township_deputy", "clerk_chief_1")
       for edu in ("graduate", "bachelor", "college")]
    + [{"ethnicity": "minority", "age": age, "rank_kind": kind} for age in ("-35", "46-50") for kind in ("post", "grade")]
    + [{"sex": "1", "education": edu, "age": age, "sort": "post"} for edu in ("graduate", "bachelor")
       for age in ("41-45", "51-55")]
)


def roster_page(params: dict, org=None, page: int = 1) -> Page:
    query = {**({"org": org.code} if org else {}), **params, **({"page": page} if page > 1 else {})}
    url = "/cadres/?" + urlencode(query)
    return Page(url, lambda: checks.roster(params, org.path if org else None, page=page), verify_list,
                label=f"{org.name if org else '全省'} {url}")


def varied(orgs, n_pages: int = 1) -> list[Page]:
    """Each organization with a different filter combination (rotating), page 1 (and 2 … n_pages)."""
    pages = []
    for i, org in enumerate(orgs or [None]):
        for j in range(max(1, len(FILTER_SETS) // max(1, len(orgs or [None])))):
            params = FILTER_SETS[(i + j * 7) % len(FILTER_SETS)]
            pages.extend(roster_page(params, org, page) for page in range(1, n_pages + 1))
    return pages


def main():
    db = harness.db_key()
    cadres = Cadre.objects.unrestricted()
    total = cadres.count()
    if not total:
        print(f"[{db}] no cadres: run bench/seed_bench.py first")
        return
    committees = Organization.objects.unrestricted().filter(kind="committee").order_by("path")
    cities = [c for c in committees.filter(depth=2) if cadres.filter(org_path__startswith=c.path).exists()]
    counties = [c for c in committees.filter(depth=3) if cadres.filter(org_path__startswith=c.path).exists()]
    if not cities or not counties:
        print(f"[{db}] cadres: no city or county with cadres")
        return
    city, county = cities[0], next(c for c in counties if c.path.startswith(cities[0].path))
    sample = cadres.filter(org_path__startswith=county.path).select_related("person").order_by("pk").first()
    client = Client()
    client.force_login(User.objects.get(username="admin"), backend="django.contrib.auth.backends.ModelBackend")
    print(f"[{db}] {total:,} cadres; {len(cities)} cities, {len(counties)} counties with cadres; city {city.name} "
          f"{cadres.filter(org_path__startswith=city.path).count():,}, county {county.name} "
          f"{cadres.filter(org_path__startswith=county.path).count():,}")
    harness.measure_pages(client, "roster, province, three filters (varied)", varied([], n_pages=2), target=300)
    harness.measure_pages(client, "roster, city, three filters (every city, varied)", varied(cities), target=300)
    harness.measure_pages(client, "roster, county, three filters (every county, varied)", varied(counties),
                          target=300)

    rows = [
        ("roster, province, no filter", {}, None),
        ("roster, province: 乡科级 + 女 + 41-45岁", {"level": "4", "sex": "2", "age": "41-45"}, None),
        ("roster, province: 乡科级 + 女 + 41-45岁, post order",
         {"level": "4", "sex": "2", "age": "41-45", "sort": "post"}, None),
        ("roster, province: 县处级副职 + 本科 + 中共党员",
         {"rank": "county_deputy", "education": "bachelor", "party": "cpc"}, None),
        ("roster, province: 少数民族 + 35岁以下 + 职级", {"ethnicity": "minority", "age": "-35", "rank_kind": "grade"},
         None),
        ("roster, province: 男 + 研究生 + 51-55岁, post order",
         {"sex": "1", "education": "graduate", "age": "51-55", "sort": "post"}, None),
        ("roster, city: 乡科级正职 + 男 + 46-50岁", {"rank": "township_chief", "sex": "1", "age": "46-50"}, city),
        ("roster, county: 乡科级 + 本科 + 36-40岁", {"level": "4", "education": "bachelor", "age": "36-40"}, county),
        ("roster, province: 现任职务包含“副局长” + 男 + 46-50岁", {"post": "副局长", "sex": "1", "age": "46-50"}, None),
    ]
    for label, params, org in rows:
        harness.measure_pages(client, label, [roster_page(params, org)], samples=REPEAT, quiet=False)
    name = sample.person.name
    for label, url in (("cadre page (基本信息)", f"/cadres/{sample.pk}/"),
                       ("cadre page (简历)", f"/cadres/{sample.pk}/?tab=resume"),
                       ("API /api/cadres/?person=<ID number>", f"/api/cadres/?person={sample.person.id_number}")):
        harness.measure_pages(client, label, [Page(url, None, harness.verify_contains(name))], samples=REPEAT,
                              quiet=False)
    url = f"/cadres/?org={county.code}&export=xlsx"
    times = []
    for _ in range(3):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            harness.fail("roster export .xlsx, county", f"{url}: HTTP {r.status_code}")
            return
    times.sort()
    print(f"[{db}] {'roster export .xlsx, county':<52} median {times[1]:7.1f} ms   (3 runs)")
    harness.record("roster export .xlsx, county", round(times[1], 1), stat="p50", samples=3)


if __name__ == "__main__":
    harness.run(main)

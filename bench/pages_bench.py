"""Times the pages a user waits for, against an already seeded database (DATABASE_URL picks it), through the
harness (bench/harness.py): varied requests, the cold first hit, warm median and p95 over BENCH_SAMPLES
(default 100) requests, every answer checked against an independent query (bench/checks.py), every figure
written to var/bench/results-<db>-<date>.json.

The people list of every county and of every city (first and second page, with its count; and in stroke
order), the organization list of every city, the tree's first expansion (the province root and every city),
the pinyin search over every person in the province (initials, full pinyin, ID number tails), and the 工作台
of the demo accounts (admin, city, branch).
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

import checks  # noqa: E402
import harness  # noqa: E402
from harness import Page, verify_list  # noqa: E402
from zugong.accounts.models import User  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402
from zugong.people.models import Person  # noqa: E402

INITIALS = ("zs", "wj", "lh", "zw", "lj", "wl", "zy", "cx", "ly", "hm")
FULL_PINYIN = ("wangjian", "zhangwei", "liuyang", "lijing", "chenjie", "zhaolei")


def people_pages(orgs, order=""):
    """Page 1 of each organization's people list, and page 2 where there is one."""
    pages = []
    suffix = f"&order={order}" if order else ""
    for org in orgs:
        for page in (1, 2) if org.n > checks.PER_PAGE else (1,):
            url = f"/people/?org={org.code}{suffix}" + (f"&page={page}" if page > 1 else "")
            pages.append(Page(url, lambda p=org.path, n=page: checks.people_list(p, order, n), verify_list,
                              label=f"{org.name} {url}"))
    return pages


def main():
    db = harness.db_key()
    all_orgs = Organization.objects.unrestricted()
    root = all_orgs.get(depth=1)
    committees = all_orgs.filter(kind="committee").order_by("path")
    people = Person.objects.unrestricted()
    # Every city and every county committee with people, the largest first (the cold hit is the hardest).
    cities, counties = [], []
    for depth, into in ((2, cities), (3, counties)):
        for org in committees.filter(depth=depth):
            org.n = people.filter(org_path__startswith=org.path).count()
            if org.n:
                into.append(org)
        into.sort(key=lambda o: (-o.n, o.path))
    print(f"[{db}] {people.count():,} people, {all_orgs.count():,} organizations; {len(cities)} cities "
          f"(largest {cities[0].name if cities else '–'} {cities[0].n if cities else 0:,} people), "
          f"{len(counties)} counties (largest {counties[0].name if counties else '–'} "
          f"{counties[0].n if counties else 0:,} people)")
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")

    harness.measure_pages(client, "people list, county (first page + count)", people_pages(counties), target=300)
    harness.measure_pages(client, "people list, city (first page + count)", people_pages(cities), target=300)
    harness.measure_pages(client, "people list, city, stroke order", people_pages(cities, "stroke"), target=300)
    harness.measure_pages(client, "organization list, city subtree", [
        Page(f"/orgs/list/?within={c.code}", lambda p=c.path: checks.org_list(p), verify_list)
        for c in cities])
    tree = [root, *sorted(cities, key=lambda o: o.path)]
    harness.measure_pages(client, "tree: expand the province root and each city", [
        Page(f"/orgs/tree/{o.pk}/children/", lambda o=o: checks.tree_children(o.path, o.depth), checks.verify_tree)
        for o in tree])
    harness.measure_pages(client, "search pinyin initials, whole province", [
        Page(f"/search/?q={q}", lambda q=q: checks.search_count(q), checks.verify_search(q)) for q in INITIALS],
        target=200)
    harness.measure_pages(client, "search full pinyin, whole province", [
        Page(f"/search/?q={q}", lambda q=q: checks.search_count(q), checks.verify_search(q)) for q in FULL_PINYIN],
        target=200)
    # ID number tails that exist (the last 4 digits of a few people's numbers, spread over the table).
    step = max(1, people.count() // 8)
    pks = list(people.order_by("pk").values_list("pk", flat=True)[::step][:8]) if people.exists() else []
    numbers = [n for n in people.filter(pk__in=pks).values_list("id_number", flat=True) if n and n[-4:].isdigit()]
    harness.measure_pages(client, "search ID tail (4 digits), whole province", [
        Page(f"/search/?q={n[-4:]}", None, checks.verify_search(n[-4:])) for n in numbers], target=200)
    # The 工作台 (its to-dos: deadlines, findings by rule, transfers, cases, 公示, jobs) of each demo account:
    # it must name the organizations the user's scope starts at.
    from zugong.core import scope

    for username in ("admin", "city", "branch"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        names = list(all_orgs.filter(path__in=scope.scope_paths(user)).values_list("name", flat=True))
        harness.measure_pages(client, f"工作台 of {username}", [
            Page("/", lambda names=names: names, harness.verify_contains("工作台"))])


if __name__ == "__main__":
    harness.run(main)

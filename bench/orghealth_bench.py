"""Times organization-health work on a province-scale database (DATABASE_URL picks it); prints numbers only.

    DATABASE_URL=... .venv/bin/python bench/orghealth_bench.py

Installs the default checklist and identification standard when missing (idempotent: configuration rows only),
then times, as of the seed's reference date:
- each data measure alone over every branch of the province (one query each);
- scoring the province on the default checklist: the one scoring query, then the full run with the upsert of
  one BranchScore per branch (a second run is the steady state, every row updated);
- scoring one county;
- screening the province and one county for weak organizations (every indicator in one query);
- the weakorgs rules over the province.
It writes BranchScore rows: run it on a benchmark database only.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

import harness  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from zugong.core import rules  # noqa: E402
from zugong.demo.generate import BENCH_AS_OF as AS_OF  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402
from zugong.standardization import defaults as checklist_defaults  # noqa: E402
from zugong.standardization import measures, scoring  # noqa: E402
from zugong.standardization.models import BranchScore  # noqa: E402
from zugong.weakorgs import defaults as standard_defaults  # noqa: E402
from zugong.weakorgs import screening  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    root = Organization.objects.unrestricted().get(depth=1)
    checklist = checklist_defaults.install(root)
    standard = standard_defaults.install(root)
    year = AS_OF.year
    branches = scoring.branches(checklist).count()
    county = Organization.objects.unrestricted().filter(depth=3).order_by("path").first()
    county_branches = scoring.branches(checklist, county.path).count()
    print(f"orghealth [{connection.vendor}] as of {AS_OF}: {branches:,} branches in the province; "
          f"county {county.name}: {county_branches:,}", flush=True)

    for item in checklist.items.unrestricted().filter(source="data").order_by("order"):
        qs = measures.annotate(scoring.branches(checklist), item.measure, "v", AS_OF, item.params)
        rows, seconds = timed(lambda qs=qs: len(list(qs.values_list("pk", "v"))))
        print(f"  measure {item.measure:<20} {seconds:8.2f} s  ({rows:,} rows)  {item.title}", flush=True)

    qs, names, as_of = scoring.scored_queryset(checklist, year, as_of=AS_OF)
    fields = ["pk"] + [p if (i.source == "data" and i.measure) else v for i, v, p in names]
    rows, seconds = timed(lambda: sum(1 for _ in qs.values_list(*fields).iterator(chunk_size=2000)))
    print(f"  scoring query, province         {seconds:8.2f} s  ({rows:,} branches, {len(names)} items)", flush=True)
    run, seconds = timed(lambda: scoring.compute(checklist, year, as_of=AS_OF, note="bench"))
    print(f"  scoring run, province (write)   {seconds:8.2f} s  ({run.scored:,} BranchScore rows)", flush=True)
    harness.record("organization-health scoring run, province", round(seconds, 2), unit="s", rows=run.scored)
    run, seconds = timed(lambda: scoring.compute(checklist, year, as_of=AS_OF, note="bench"))
    print(f"  scoring run, province (again)   {seconds:8.2f} s  ({run.scored:,} rows updated)", flush=True)
    run, seconds = timed(lambda: scoring.compute(checklist, year, county.path, as_of=AS_OF, note="bench"))
    print(f"  scoring run, one county         {seconds:8.2f} s  ({run.scored:,} rows)", flush=True)
    grades = dict(BranchScore.objects.unrestricted().filter(year=year).values_list("grade").annotate(n=Count("pk")))
    print(f"  grades {year}: " + ", ".join(f"{g} {n:,}" for g, n in sorted(grades.items())), flush=True)

    found, seconds = timed(lambda: screening.screen(standard, root.path, AS_OF, qualifying_only=False))
    qualified = sum(1 for c in found if c.qualifies(standard.comprehensive_min))
    harness.record("weak-organization screening, province", round(seconds, 2), unit="s")
    print(f"  screening, province             {seconds:8.2f} s  ({len(found):,} with a situation, "
          f"{qualified:,} qualify)", flush=True)
    found, seconds = timed(lambda: screening.screen(standard, county.path, AS_OF))
    print(f"  screening, one county           {seconds:8.2f} s  ({len(found):,} qualify)", flush=True)
    selected = [r for code, r in rules.RULES.items() if code.startswith("weakorgs.")]
    result, seconds = timed(lambda: rules.scan("", as_of=AS_OF, rules=selected))
    print(f"  weakorgs rules scan, province   {seconds:8.2f} s  ({result.still_open:,} findings)", flush=True)
    harness.record("weakorgs rules scan, province", round(seconds, 2), unit="s", findings=result.still_open)


if __name__ == "__main__":
    harness.run(main)

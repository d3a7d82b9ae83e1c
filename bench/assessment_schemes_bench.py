"""Classified assessment (分类考核): 5,000 units × 40 indicators scored and ranked. Target ≤ 10 s.

Runs against the database DATABASE_URL picks (migrated first if needed), standalone or from `bench/run.py` after
the province seed:

    DATABASE_URL=sqlite:////tmp/assessment-bench.sqlite3 python bench/assessment_schemes_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zugong_bench python bench/assessment_schemes_bench.py

It builds a scheme of 4 categories × 40 indicators (every default method: 比值法, 达标法, 扣分法, 排名赋分 and the two
vetoes) over 5,000 organizations — the seeded ones when the database holds enough committees and branches, else
a generated tree — with 200,000 values, times the computation, and rolls everything back (the database is left as
it was). Prints (never asserts): loading the scheme and its values (queries), scoring and ranking (pure Python),
and the whole stored computation as the 计算 button runs it (load, score, rank, grade, upsert the 5,000 results, one
audit operation).
"""

import os
import random
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

import harness  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

UNITS = int(os.environ.get("BENCH_ASSESSMENT_UNITS", "5000"))
INDICATORS = 40
CATEGORIES = 4
METHODS = ["ratio", "target", "deduction", "rank_points"]


class Rollback(Exception):
    pass


def units(n):
    """n organizations: seeded committees and branches, or a generated tree under a root of its own."""
    from zugong.orgs.models import Organization

    found = list(Organization.objects.unrestricted().filter(depth__gte=2).order_by("path").values_list("pk", "path")[:n])
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    if len(found) >= n and root is not None:
        return root, found, False
    root = Organization.objects.add_root(instance=Organization(name="考核基准测试", code="BENCH-ASSESS", kind="committee"))
    alphabet = Organization.alphabet
    rows = []
    for i in range(n):
        digits, k = "", i + 1
        for _ in range(4):
            digits = alphabet[k % 36] + digits
            k //= 36
        rows.append(Organization(name=f"基准单位{i}", code=f"BENCH-{i}", kind="committee", path=root.path + digits,
                                 depth=2, numchild=0))
    Organization.objects.bulk_create(rows, batch_size=2000)
    Organization.objects.unrestricted().filter(pk=root.pk).update(numchild=n)
    return root, list(Organization.objects.unrestricted().filter(path__startswith=root.path, depth=2)
                      .order_by("path").values_list("pk", "path")), True


def build(root, orgs):
    from zugong.assessment.models import IndicatorValue, Scheme, SchemeCategory, SchemeIndicator, SchemeUnit

    rng = random.Random(7)
    scheme = Scheme.objects.create(organization=root, code="BENCH-ASSESS-1", name="基准测试方案", year=2025)
    cats = SchemeCategory.objects.bulk_create([SchemeCategory(scheme=scheme, name=f"第{k + 1}类", order=k,
                                                              org_path=scheme.org_path) for k in range(CATEGORIES)])
    indicators = []
    for cat in cats:
        scoring = INDICATORS - 2
        weights = [Decimal(100) // scoring] * scoring
        weights[0] += Decimal(100) - sum(weights)
        for i in range(INDICATORS):
            if i < scoring:
                method = METHODS[i % 4]
                w = weights[i]
                params = {"ratio": {}, "target": {"target": 50}, "deduction": {"deduction": 0.5},
                          "rank_points": {"points": [float(w), float(w) * 0.9, float(w) * 0.8]}}[method]
            else:
                method, w, params = ("veto_excellence", "veto_fail")[i - scoring], Decimal(0), {}
            indicators.append(SchemeIndicator(category=cat, org_path=scheme.org_path, dimension=f"维度{i % 5}",
                                              code=f"I{i:02d}", name=f"指标{i}", order=i, weight=w, method=method,
                                              direction="lower" if i % 3 == 2 else "higher", params=params))
    SchemeIndicator.objects.bulk_create(indicators, batch_size=2000)
    by_cat = {}
    for ind in indicators:
        by_cat.setdefault(ind.category_id, []).append(ind)
    placed, values = [], []
    now = timezone.now()
    for k, (pk, path) in enumerate(orgs):
        cat = cats[k % CATEGORIES]
        placed.append(SchemeUnit(scheme=scheme, category=cat, organization_id=pk, org_path=scheme.org_path))
        for ind in by_cat[cat.pk]:
            v = (1 if rng.random() < 0.01 else 0) if ind.method.startswith("veto") else round(rng.uniform(0, 100), 2)
            values.append(IndicatorValue(indicator=ind, organization_id=pk, org_path=path, value=Decimal(str(v)),
                                         source="imported", entered_at=now))
    SchemeUnit.objects.bulk_create(placed, batch_size=2000)
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    return scheme, len(values)


def main():
    call_command("migrate", verbosity=0)
    from zugong.assessment import schemes_services as services

    db = connection.vendor
    try:
        with transaction.atomic():
            t = time.perf_counter()
            root, orgs, generated = units(UNITS)
            scheme, n_values = build(root, orgs)
            setup = time.perf_counter() - t
            print(f"[{db}] assessment schemes: {len(orgs):,} units × {INDICATORS} indicators ({n_values:,} values, "
                  f"{'generated' if generated else 'seeded'} organizations) set up in {setup:.1f} s")
            t = time.perf_counter()
            data = services.load(scheme)
            load = time.perf_counter() - t
            t = time.perf_counter()
            results = services.score_loaded(scheme, data)
            score = time.perf_counter() - t
            n = sum(len(r) for r in results.values())
            print(f"[{db}] assessment schemes: load {load:.2f} s, score and rank {score:.2f} s ({n:,} units)")
            t = time.perf_counter()
            run = services.compute(scheme, note="基准测试")
            total = time.perf_counter() - t
            verdict = "within" if total <= 10 else "OVER"
            print(f"[{db}] assessment schemes: 计算 (load, score, rank, grade, store {run.units:,} results, audited) "
                  f"{total:.2f} s — {verdict} the 10 s target")
            raise Rollback
    except Rollback:
        pass
    # After the rollback: the day's file describes the province, not the units generated for this bench.
    harness.record(f"assessment schemes: 计算, {run.units:,} units × {INDICATORS} indicators", round(total, 2),
                   unit="s", target=10, load_s=round(load, 2), score_s=round(score, 2))


if __name__ == "__main__":
    harness.run(main)

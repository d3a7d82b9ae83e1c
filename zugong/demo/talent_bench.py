"""Benchmark data of the talent programmes: a programme and an open edition with every kind of condition, and N
applications of the people already in the database (the first N by id), written by one bulk insert each.

`bench/talent_bench.py` calls `seed_applications` inside a transaction it rolls back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zugong.orgs.models import Organization
from zugong.people.models import Person
from zugong.talent.models import Application, Condition, Edition, Program, Tier

CODE = "BENCH-TALENT"
SOURCE = "基准测试用文件 条款号待核"


def seed_applications(n: int, *, year: int = 2026) -> tuple[Edition, int]:
    """A programme issued by the first root, its edition of `year` (deadline 30 April) and up to `n`
    applications (one per person); returns the edition and how many were written."""
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    program = Program.objects.create(organization=root, code=CODE, name="人才项目（基准测试）", document=SOURCE)
    edition = Edition.objects.create(program=program, year=year, title=f"{year}年度人才项目（基准测试）",
                                     status=Edition.Status.OPEN, opens_on=dt.date(year, 3, 1),
                                     closes_on=dt.date(year, 4, 30))
    tiers = [Tier.objects.create(edition=edition, code=code, name=name, allowance_total=Decimal(total), order=i)
             for i, (code, name, total) in enumerate([("lead", "高端领军", 300000), ("top", "拔尖骨干", 150000),
                                                      ("young", "青年优秀", 60000)])]
    rows = [("annual_grades", None, {"years": 3, "grades": ["excellent", "competent", "qualified"]}),
            ("no_sanction", None, {"years": 5}), ("years_in_post", None, {"years": 2}),
            ("education", None, {"codes": ["10", "11", "14", "20"]}), ("title", tiers[0], {"titles": ["正高级"]}),
            ("max_age", tiers[2], {"age": 40}), ("min_age", None, {"age": 25}), ("manual", None, {})]
    for order, (kind, tier, params) in enumerate(rows):
        Condition.objects.create(edition=edition, tier=tier, kind=kind, label=f"条件{order + 1}（{kind}）",
                                 params=params, source=SOURCE, order=order)
    people = list(Person.objects.unrestricted().order_by("pk").values_list("pk", "organization_id", "org_path")[:n])
    applied = dt.date(year, 3, 15)
    apps = [Application(edition=edition, tier=tiers[i % 3], person_id=pk, organization_id=org, org_path=path,
                        field="工程技术", applied_on=applied, stage=1, status="applied")
            for i, (pk, org, path) in enumerate(people)]
    Application.objects.bulk_create(apps, batch_size=2000)
    return edition, len(apps)

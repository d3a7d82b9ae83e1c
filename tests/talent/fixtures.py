"""Shared fixtures of the talent tests: the working-day calendar, a programme issued by 太原市委 with its 2026
edition (open; 公示 5 working days; three tiers; conditions; a rubric; quotas) and helpers. Each area adds its own
fixtures in `<area>_fixtures.py` on top of these (import with `from .fixtures import *`)."""

import datetime as dt
from decimal import Decimal

import pytest

D = dt.date


@pytest.fixture
def calendar(db):
    from zugong.core import workdays

    workdays.sync(2025, 2026)


@pytest.fixture
def program(tree, calendar):
    """三晋英才（测试）, issued by 太原市委; edition 2026 open from 2026-03-01 to 2026-04-30; tiers 高端领军 (2),
    拔尖骨干 (5), 青年优秀 (10); the general conditions; a three-criterion rubric; 小店区委 may recommend 2."""
    from zugong.talent.models import (AllowanceInstalment, Condition, Criterion, Edition, Program, Tier,
                                      UnitQuota)

    program = Program.objects.create(organization=tree.taiyuan, code="TYYC", name="太原英才支持计划（测试）",
                                     level=Program.Level.CITY, document="太原市人才支持计划实施办法（测试）")
    edition = Edition.objects.create(program=program, year=2026, title="2026年度太原英才支持计划",
                                     status=Edition.Status.OPEN, published_on=D(2026, 2, 20),
                                     opens_on=D(2026, 3, 1), closes_on=D(2026, 4, 30), notice_workdays=5,
                                     reviewers_per_application=3, trim_high=1, trim_low=1, support_years=3)
    tiers = {}
    for order, (code, name, quota, total) in enumerate([("lead", "高端领军", 2, "300000"),
                                                        ("top", "拔尖骨干", 5, "150000"),
                                                        ("young", "青年优秀", 10, "60000")]):
        tiers[code] = Tier.objects.create(edition=edition, code=code, name=name, quota=quota,
                                          allowance_total=Decimal(total), order=order)
        for n in (1, 2, 3):
            AllowanceInstalment.objects.create(tier=tiers[code], number=n, amount=Decimal(total) / 3,
                                               due_months=12 * (n - 1), requires_review=n > 1,
                                               condition="上一年度考核合格以上" if n > 1 else "")
    source = "太原市人才支持计划实施办法（测试）条款号待核"
    conditions = [
        Condition.objects.create(edition=edition, kind="annual_grades", label="近三年年度考核均为合格（称职）以上等次",
                                 params={"years": 3, "grades": ["excellent", "competent", "qualified"]},
                                 source=source, order=1),
        Condition.objects.create(edition=edition, kind="no_sanction", label="近五年未受党纪政务处分",
                                 params={"years": 5}, source=source, order=2),
        Condition.objects.create(edition=edition, tier=tiers["young"], kind="max_age",
                                 label="申报截止日不超过40周岁", params={"age": 40}, source=source, order=3),
    ]
    for order, (name, weight) in enumerate([("业绩成果", "0.5"), ("创新能力", "0.3"), ("发展潜力", "0.2")]):
        Criterion.objects.create(edition=edition, name=name, weight=Decimal(weight), max_score=100, order=order)
    UnitQuota.objects.create(edition=edition, organization=tree.xiaodian, tier=None, quota=2)
    from types import SimpleNamespace

    return SimpleNamespace(program=program, edition=edition, tiers=tiers, conditions=conditions)

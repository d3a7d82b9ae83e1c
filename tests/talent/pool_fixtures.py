"""Fixtures of the pool's tests: the programme's 2023 edition (support 3 years; each tier's allowance in three
instalments at 认定, +12 and +24 months, the 2nd and 3rd needing the previous year's annual review of 合格 or
better), and talents recognised through the application chain — the earlier steps written directly with
`casework.record_step` (self-contained: the applications area builds their services)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from .fixtures import *  # noqa: F403
from .fixtures import D



def record(on, note=""):
    from zugong.core.casework.services import StepRecord

    return StepRecord(on=on, note=note)


def recognize(user, edition, tier, person, organization, field, recognized_on: dt.date, unit_name=""):
    """An application put through the chain (申报 → … → 认定) with its dates in the six weeks before
    `recognized_on`; returns the talent the 认定 step created."""
    from zugong.core.casework.services import record_step
    from zugong.talent.models import Application, Talent
    from zugong.talent.pool_services import create_talent
    from zugong.talent.steps import WORKFLOW

    day = recognized_on - dt.timedelta(days=42)
    app = Application.objects.create(edition=edition, tier=tier, person=person, organization=organization,
                                     field=field, unit_name=unit_name, applied_on=day)
    chain = [("recommend", {"recommended_on": day + dt.timedelta(days=3), "status": "recommended"}),
             ("qualify", {"qualified_on": day + dt.timedelta(days=7), "qualification": "passed",
                          "status": "qualified"}),
             ("review", {"reviewed_on": day + dt.timedelta(days=14), "status": "reviewed"}),
             ("approve", {"approved_on": day + dt.timedelta(days=21), "approval": "passed", "status": "approved"}),
             ("public_notice", {"notice_start": day + dt.timedelta(days=24),
                                "notice_end": day + dt.timedelta(days=31), "status": "notice"})]
    for kind, values in chain:
        on = next(iter(values.values()))
        record_step(WORKFLOW, user, app, kind, record(on), values, rule_codes=[])
    record_step(WORKFLOW, user, app, "recognize", record(recognized_on),
                {"recognized_on": recognized_on, "status": "recognized"}, rule_codes=[],
                after=lambda case, op: create_talent(op, case, recognized_on))
    return Talent.objects.unrestricted().get(application=app)


@pytest.fixture
def pool(tree, users, program):
    """The 2023 edition of 太原英才 and two talents recognised on 2023-07-03 (support until 2026-07-03):
    王五 (拔尖骨干, 财政局 branch, 新材料) and 张三 (青年优秀, 红星社区, 数字经济)."""
    from zugong.talent.models import AllowanceInstalment, Edition, Tier

    edition = Edition.objects.create(program=program.program, year=2023, title="2023年度太原英才支持计划",
                                     status=Edition.Status.FINISHED, published_on=D(2023, 2, 20),
                                     opens_on=D(2023, 3, 1), closes_on=D(2023, 4, 30), support_years=3)
    tiers = {}
    for order, (code, name, total) in enumerate([("lead", "高端领军", "300000"), ("top", "拔尖骨干", "150000"),
                                                 ("young", "青年优秀", "60000")]):
        tiers[code] = Tier.objects.create(edition=edition, code=code, name=name, allowance_total=Decimal(total),
                                          order=order)
        for n in (1, 2, 3):
            AllowanceInstalment.objects.create(tier=tiers[code], number=n, amount=Decimal(total) / 3,
                                               due_months=12 * (n - 1), requires_review=n > 1,
                                               condition="上一年度考核合格以上" if n > 1 else "")
    on = D(2023, 7, 3)
    wangwu = recognize(users.admin, edition, tiers["top"], tree.people.wangwu, tree.b2, "新材料", on,
                       unit_name="太原市小店区财政局")
    zhangsan = recognize(users.admin, edition, tiers["young"], tree.people.zhangsan, tree.b1, "数字经济", on)
    return SimpleNamespace(edition=edition, tiers=tiers, wangwu=wangwu, zhangsan=zhangsan, program=program.program)

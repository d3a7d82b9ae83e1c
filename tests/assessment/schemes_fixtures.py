"""Fixtures of the classified-assessment tests: counties of 太原 (and one of 大同), a scheme built in the
database, and the workbooks of the two imports."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.conftest import _org

SCHEME_HEADER = ["序号", "方案代码", "方案名称", "年度", "类别", "维度", "指标代码", "指标名称", "权重", "指标类型", "方向",
                 "计分方法", "目标值", "每次扣分", "排名分值", "优秀比例"]
VALUES_HEADER = ["序号", "单位代码", "类别", "指标代码", "数值"]


def scheme_rows(code="TY-2025", year=2025, name="2025年度县（市、区）分类考核"):
    """Two categories; each sums to 100 (veto indicators 0)."""
    a, b = "一类（重点开发）", "二类（农产品主产）"
    rows = [
        [1, code, name, year, a, "产业转型", "A1", "工业增加值增速", 40, "关键性指标", "越大越好", "比值法", None, None, None, "20%"],
        [2, code, name, year, a, "资源环境", "A2", "单位GDP能耗", 30, "约束性指标", "越小越好", "达标法", 0.5, None, None, "20%"],
        [3, code, name, year, a, "增长效益", "A3", "安全生产事故", 30, "约束性指标", "越小越好", "扣分法", None, 5, None, "20%"],
        [4, code, name, year, a, "否决事项", "V1", "重大安全事故", 0, "约束性指标", "越小越好", "一票否决", None, None, None, "20%"],
        [5, code, name, year, b, "产业转型", "B1", "粮食产量", 60, "关键性指标", "越大越好", "排名赋分", None, None, "60,57,54", "20%"],
        [6, code, name, year, b, "创新驱动", "B2", "研发投入强度", 40, "引领性指标", "越大越好", "达标法", 2, None, None, "20%"],
        [7, code, name, year, b, "否决事项", "V2", "上级通报批评", 0, "约束性指标", "越小越好", "一票否优", None, None, None, "20%"],
    ]
    return [SCHEME_HEADER, *rows]


@pytest.fixture(name="counties")
def counties_fixture(tree):
    """太原: 小店区 (the tree's), 迎泽区, 杏花岭区, 清徐县, 阳曲县, 娄烦县; 大同: 平城区."""
    ty = tree.taiyuan
    out = SimpleNamespace(
        xiaodian=tree.xiaodian,
        yingze=_org(ty, "中共太原市迎泽区委员会", "140106"),
        xinghualing=_org(ty, "中共太原市杏花岭区委员会", "140107"),
        qingxu=_org(ty, "中共清徐县委员会", "140121"),
        yangqu=_org(ty, "中共阳曲县委员会", "140122"),
        loufan=_org(ty, "中共娄烦县委员会", "140123"),
        pingcheng=_org(tree.datong, "中共大同市平城区委员会", "140213"),
    )
    for o in vars(out).values():
        o.refresh_from_db()
    tree.taiyuan.refresh_from_db()
    tree.datong.refresh_from_db()
    return out


def build_scheme(issuer, code="TY-2025", year=2025, share=Decimal("20")):
    """The scheme of `scheme_rows`, written directly (no import)."""
    from zugong.assessment.importers.schemes import DIRECTIONS, KINDS, _params, _points
    from zugong.assessment.models import Scheme, SchemeCategory, SchemeIndicator
    from zugong.assessment.scoring import by_label

    scheme = Scheme.objects.create(organization=issuer, code=code, name=f"{year}年度分类考核", year=year, top_share=share)
    cats = {}
    for order, row in enumerate(scheme_rows(code, year)[1:], start=1):
        _n, _c, _name, _y, cat, dim, ind, ind_name, weight, kind, direction, method, target, deduction, points, _s = row
        if cat not in cats:
            cats[cat] = SchemeCategory.objects.create(scheme=scheme, name=cat, order=len(cats) + 1)
        SchemeIndicator.objects.create(
            category=cats[cat], dimension=dim, code=ind, name=ind_name, order=order, weight=Decimal(weight),
            kind=KINDS[kind], direction=DIRECTIONS[direction], method=by_label(method).code,
            params=_params({"target": target, "deduction": deduction, "points": _points(points) if points else None}))
    return scheme


def place(scheme, category_name, *orgs):
    from zugong.assessment.models import SchemeCategory, SchemeUnit

    cat = SchemeCategory.objects.unrestricted().get(scheme=scheme, name=category_name)
    return [SchemeUnit.objects.create(scheme=scheme, category=cat, organization=o) for o in orgs]


def put(scheme, org, **values):
    """Values by indicator code for one unit (the unit's category's indicators)."""
    from django.utils import timezone

    from zugong.assessment.models import IndicatorValue, SchemeIndicator, SchemeUnit

    unit = SchemeUnit.objects.unrestricted().get(scheme=scheme, organization=org)
    for code, v in values.items():
        ind = SchemeIndicator.objects.unrestricted().get(category=unit.category, code=code)
        IndicatorValue.objects.update_or_create(indicator=ind, organization=org, defaults={
            "value": Decimal(str(v)), "source": "imported", "entered_at": timezone.now(), "org_path": org.path})

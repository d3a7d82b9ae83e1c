"""Demo data of the classified assessment (分类考核): the demo city's organization department assesses the party
work of the committees directly under it in three classes, each ranked apart (县（市、区）委; 市直机关和系统党（工）委;
高校和国有企业党委): a 2025 scheme fully scored (one committee vetoed by 一票否决, the best of the largest class by
一票否优) and a 2026 scheme partly filled, both with an indicator computed from zugong's own data (the branches'
organizational-life compliance) and typed-in ones (述职评议, 群众满意度). The regional classes of practice.md §3.4
(I 重点开发 … IV 市辖区) are set up the same way, by import. Deterministic for the seed; the values are written as
imported by the city's account."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from zugong.assessment import schemes_services as services
from zugong.assessment.models import IndicatorValue, Scheme, SchemeCategory, SchemeIndicator, SchemeUnit
from zugong.core import audit
from zugong.orgs.models import Organization

CLASSES = ["一类（县、市、区委）", "二类（市直机关和系统党（工）委）", "三类（高校和国有企业党委）"]

# code, dimension, name, kind, direction, method, params, source, unit, (weights in classes 一 / 二 / 三)
INDICATORS = [
    ("C01", "基层组织建设", "基层党组织组织生活达标率", "key", "higher", "target", {"target": 90}, "computed", "%",
     (12, 14, 14)),
    ("C02", "基层组织建设", "软弱涣散基层党组织整顿销号率", "key", "higher", "target", {"target": 100}, "imported",
     "%", (12, 8, 8)),
    ("C03", "党员队伍建设", "年度发展党员计划完成率", "key", "higher", "target", {"target": 100}, "imported", "%",
     (8, 10, 10)),
    ("C04", "党员队伍建设", "党费按时足额收缴率", "binding", "higher", "target", {"target": 98}, "imported", "%",
     (6, 10, 10)),
    ("C05", "干部和人才工作", "基层党组织书记年度培训覆盖率", "leading", "higher", "ratio", {}, "imported", "%",
     (8, 8, 8)),
    ("C06", "干部和人才工作", "新增党建示范点", "leading", "higher", "rank_points", None, "imported", "个",
     (8, 6, 6)),
    ("C07", "责任落实", "巡察反馈党建问题未整改数", "binding", "lower", "deduction", {"deduction": 2}, "imported",
     "个", (10, 10, 10)),
    ("C08", "责任落实", "书记抓基层党建述职评议得分", "key", "higher", "ratio", {}, "typed", "分", (14, 14, 14)),
    ("C09", "发展成效", "高质量发展目标任务完成率", "key", "higher", "target", {"target": 100}, "imported", "%",
     (14, 10, 12)),
    ("C10", "发展成效", "群众满意度", "key", "higher", "target", {"target": 90}, "typed", "分", (8, 10, 8)),
    ("V01", "否决事项", "发生重大安全生产责任事故", "binding", "lower", "veto_fail", {}, "imported", "起", (0, 0, 0)),
    ("V02", "否决事项", "被上级通报批评", "binding", "lower", "veto_excellence", {}, "imported", "次", (0, 0, 0)),
]

# Typical values (mean, spread) of the imported and typed indicators.
TYPICAL = {"C02": (92, 10), "C03": (96, 6), "C04": (97, 2.5), "C05": (88, 9), "C06": (3, 2), "C07": (2, 1.6),
           "C08": (88, 4), "C09": (97, 5), "C10": (90, 4)}


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    if Scheme.objects.unrestricted().filter(organization=city).exists():
        log("  分类考核: already present, skipped")
        return {}
    counties = list(Organization.objects.unrestricted().filter(
        path__startswith=city.path, depth=city.depth + 1, kind=Organization.Kind.COMMITTEE,
        status=Organization.Status.ACTIVE).order_by("path"))
    if not counties:
        log("  分类考核: the city has no counties, skipped")
        return {}
    rng = random.Random(f"{seed}:assessment-schemes")
    placement = _classes(counties, rng)
    user = get_user_model().objects.filter(username="city").first()
    counts = {"assessment_schemes": 0, "assessment_values": 0, "assessment_results": 0}
    with audit.acting_as(user, name=audit.SEED_ACTOR):
        for year, filled in ((as_of.year - 1, 1.0), (as_of.year, 0.6)):
            scheme = _scheme(city, year)
            units = _place(scheme, placement)
            n = _values(scheme, units, rng, filled, user, year, as_of)
            measured_on = min(dt.date(year + 1, 1, 1), as_of)
            run = services.compute(scheme, as_of=measured_on, note="演示数据")
            if filled == 1.0:
                _vetoes(scheme, placement, rng, user)
                run = services.compute(scheme, as_of=measured_on, note="演示数据：否决事项")
            counts["assessment_schemes"] += 1
            counts["assessment_values"] += n + run.computed_values
            counts["assessment_results"] += run.units
            log(f"  分类考核 {year}年：{run.units} 个单位，{n + run.computed_values} 个指标值，{run.seconds:.1f} 秒")
    return counts


def _classes(counties, rng) -> dict[int, tuple[Organization, int]]:
    """县（市、区）委 in class 一 (a code of the administrative division), 高校 and 国有企业 in 三, the system and
    work committees in 二."""
    out = {}
    for c in counties:
        if c.code.isdigit():
            out[c.pk] = (c, 0)
        elif any(word in c.name for word in ("大学", "学院", "集团", "公司")):
            out[c.pk] = (c, 2)
        else:
            out[c.pk] = (c, 1)
    return out


def _scheme(city, year: int) -> Scheme:
    scheme = Scheme.objects.create(
        organization=city, code=f"{city.code}-FLKH-{year}", year=year,
        name=f"{year}年度党建工作目标责任分类考核", document=f"{city.display_name}组织部关于开展{year}年度分类考核的通知")
    for order, name in enumerate(CLASSES, start=1):
        cat = SchemeCategory.objects.create(scheme=scheme, name=name, order=order)
        for pos, (code, dim, title, kind, direction, method, params, source, unit, weights) in enumerate(
                INDICATORS, start=1):
            weight = weights[order - 1]
            if params is None:  # 排名赋分: the weight, then 10 % less a rank
                params = {"points": [round(weight * (1 - 0.1 * i), 2) for i in range(5)]}
            extra = {"measure": "meeting_compliance", "measure_params": {"months": 12}} if source == "computed" else {}
            SchemeIndicator.objects.create(category=cat, dimension=dim, code=code, name=title, order=pos,
                                           weight=Decimal(weight), kind=kind, direction=direction, method=method,
                                           params=params, source=source, unit=unit, **extra)
    services.check_scheme(scheme)
    return scheme


def _place(scheme, placement) -> list[tuple[Organization, SchemeCategory]]:
    cats = list(SchemeCategory.objects.unrestricted().filter(scheme=scheme).order_by("order"))
    out = []
    for org, k in placement.values():
        SchemeUnit.objects.create(scheme=scheme, category=cats[k], organization=org)
        out.append((org, cats[k]))
    return out


def _values(scheme, units, rng, filled: float, user, year: int, as_of) -> int:
    indicators: dict[int, list[SchemeIndicator]] = {}
    for ind in SchemeIndicator.objects.unrestricted().filter(category__scheme=scheme).order_by("order"):
        indicators.setdefault(ind.category_id, []).append(ind)
    at = timezone.make_aware(dt.datetime.combine(min(dt.date(year + 1, 1, 20), as_of), dt.time(10)))
    rows = []
    for org, cat in units:
        for ind in indicators[cat.pk]:
            if ind.source == SchemeIndicator.Source.COMPUTED or ind.code.startswith("V"):
                continue
            if filled < 1 and rng.random() > filled:
                continue  # the running year: not every value is in yet
            mean, spread = TYPICAL[ind.code]
            value = max(0.0, rng.gauss(mean, spread))
            if ind.code in ("C06", "C07"):
                value = round(value)
            if ind.code in ("C02", "C04", "C05"):  # shares of a whole
                value = min(value, 100.0)
            source = SchemeIndicator.Source.TYPED if ind.source == SchemeIndicator.Source.TYPED else \
                SchemeIndicator.Source.IMPORTED
            rows.append(IndicatorValue(indicator=ind, organization=org, org_path=org.path,
                                       value=Decimal(str(round(value, 2))), source=source, entered_by=user,
                                       entered_at=at))
        for ind in indicators[cat.pk]:
            if ind.code.startswith("V") and filled == 1.0:
                rows.append(IndicatorValue(indicator=ind, organization=org, org_path=org.path, value=Decimal(0),
                                           source=SchemeIndicator.Source.IMPORTED, entered_by=user, entered_at=at))
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _vetoes(scheme, placement, rng, user) -> None:
    """A committee has a major accident (一票否决); with three units or more, the best of the largest class also
    gets a 通报批评 (一票否优)."""
    from zugong.assessment.models import UnitResult

    results = list(UnitResult.objects.unrestricted().filter(scheme=scheme).order_by("category__order", "rank"))
    by_cat: dict[int, list] = {}
    for r in results:
        by_cat.setdefault(r.category_id, []).append(r)
    largest = max(by_cat.values(), key=len)
    best = largest[0] if len(results) >= 3 else None
    others = [r for r in results if best is None or r.organization_id != best.organization_id]
    failed = others[rng.randrange(len(others))] if others else None
    for result, code, note in ((best, "V02", "被市委通报批评"), (failed, "V01", "发生一起较大安全生产责任事故")):
        if result is None:
            continue
        IndicatorValue.objects.unrestricted().filter(
            organization_id=result.organization_id, indicator__category_id=result.category_id,
            indicator__code=code).update(value=Decimal(1), note=note)

"""The default identification standard shipped as data (`zugong defaults install --domain weakorgs`, also run by
the seed).

W1–W8: the national base list of 8 situations (中组部 2014/2015, V: practice.md §1.1). W9–W10: the two added
by the 党内统计 form 整顿软弱涣散基层党组织情况 (S). L1–L4: common local additions (S or U, marked local);
departments switch any of them off, edit the thresholds, or issue their own standard. Acceptance: pass at ≥ 70 points (V, two counties), fail outright when more than 50 % of the
satisfaction votes are 不满意 (S) — both parameters of the set (practice.md §1.4).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zugong.core import config

from .models import Indicator, IndicatorSet

NATIONAL = ("中组部 2014 年集中整顿软弱涣散基层党组织 8 种基本情形（《关于做好选派机关优秀干部到村任第一书记工作的通知》"
            "（组通字〔2015〕24号）重申）")
STATS_FORM = "党内统计表“整顿软弱涣散基层党组织情况”"

D, M = Indicator.Source.DATA, Indicator.Source.MANUAL
# What users read about where the standard comes from (no research tags: docs/rules-coverage.md).
SOURCE_STATUS = ("W1–W8 为全国基本情形；W9–W10 取自党内统计表；L1–L4 为地方做法，请按本地文件核对；"
                 "验收合格 70 分、群众测评不满意超过 50% 否决为地方做法")

# (code, text, source, measure, params, direct, sector, citation, local, active)
DEFAULT_INDICATORS = [
    ("W1", "班子不健全，书记长期缺职，工作处于停滞状态", D, "committee_complete",
     {"min_committee": 3, "committee_from": 7}, True, "", NATIONAL, False, True),
    ("W2", "书记不胜任现职，工作不在状态，严重影响班子作用发挥", M, "", {}, True, "", NATIONAL, False, True),
    ("W3", "班子不团结、内耗严重，工作无法正常开展", M, "", {}, True, "", NATIONAL, False, True),
    ("W4", "组织制度形同虚设，长期不开展组织活动", D, "meeting_compliance",
     {"below": 0.5, "months": 12, "kinds": ["general", "committee", "lecture", "themed_day"]}, True, "",
     f"{NATIONAL}；以组织生活达标率低于阈值识别为本地做法", False, True),
    ("W5", "换届选举拉票贿选问题突出", M, "", {}, True, "", NATIONAL, False, True),
    ("W6", "宗族宗教和黑恶势力干扰渗透严重", M, "", {}, True, "", NATIONAL, False, True),
    ("W7", "村务财务公开和民主管理混乱", M, "", {}, True, "rural", NATIONAL, False, True),
    ("W8", "社会治安问题和信访矛盾集中", M, "", {}, True, "", NATIONAL, False, True),
    ("W9", "无固定办公活动场所及便民服务设施", M, "", {}, False, "", STATS_FORM, False, True),
    ("W10", "服务意识差、服务能力弱，群众意见较大", M, "", {}, False, "", STATS_FORM, False, True),
    ("L1", "任期届满未按期换届", D, "term_overdue_months", {"at_least": 0}, False, "",
     "地方做法：两委换届未按期完成", True, True),
    ("L2", "连续 2 年以上未发展党员", D, "recruited_within", {"years": 2}, False, "",
     "地方做法：2 年以上无发展对象", True, True),
    ("L3", "党费欠交问题突出", D, "dues_arrears_rate", {"months": 3, "above": 0.3}, False, "",
     "本地示例参数（阈值请按本地文件设置）", True, True),
    ("L4", "存在“村霸”或“微腐败”问题", M, "", {}, True, "rural",
     "地方做法：村级分类定级", True, True),
]


@transaction.atomic
def install(organization, *, effective_from: dt.date = dt.date(2024, 1, 1), reset: bool = False) -> IndicatorSet:
    """Install the default standard for an organization's subtree (idempotent; `reset` replaces its items)."""
    found = IndicatorSet.objects.unrestricted().filter(org_path=organization.path, edition="默认").first()
    if found and not reset:
        return found
    if found is None:
        found = IndicatorSet.objects.create(
            name="软弱涣散基层党组织认定标准（全国基本情形）", edition="默认", issuing_body="中共中央组织部（全国基本情形）",
            document="2014 年集中整顿通知；《关于做好选派机关优秀干部到村任第一书记工作的通知》（组通字〔2015〕24号）；党内统计表", organization=organization,
            effective_from=effective_from, pass_mark=70, veto_dissatisfied_percent=50, followup_months=12,
            rectification_months=12,
            source_status=SOURCE_STATUS)
    else:
        found.indicators.unrestricted().delete()
    for order, (code, text, source, measure, params, direct, sector, citation, local, active) in enumerate(
            DEFAULT_INDICATORS, 1):
        Indicator.objects.create(indicator_set=found, code=code, order=order, text=text, source=source,
                                 measure=measure, params=params, direct_trigger=direct, sector=sector,
                                 citation=citation, local=local, active=active)
    return found


@config.installer("weakorgs", "软弱涣散基层党组织认定标准（全国基本情形及地方做法）", order=70)
def install_defaults(organization, reset: bool = False) -> list[tuple[str, bool]]:
    existed = IndicatorSet.objects.unrestricted().filter(org_path=organization.path, edition="默认").exists()
    standard = install(organization, reset=reset)
    return [(str(standard), not existed)]

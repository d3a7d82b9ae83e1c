"""The default checklist shipped as data (`zugong defaults install --domain standardization`, also run by the seed).

Areas and weights follow the 机关 branch example of practice.md §2 (班子建设 20 · 基本制度 20 · 基本工作 30 ·
基本保障 20 · 加分 10; S, aifuyew.com/zhuantifanwen/gongwenfanwen/16224.html) and the star bands of the 五星创评
example (5★ ≥ 90 with an innovation project, 4★ 80–89, 3★ 70–79, 2★ 60–69, 1★ < 60; S, wnwk.com/doc/1036408.html).
No national or Shanxi scoresheet was found (U): departments replace or edit this one in the UI.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from zugong.core import config

from .models import Checklist, ChecklistItem

STAR_BANDS = [
    {"grade": "五星", "min": 90, "requires_innovation": True},
    {"grade": "四星", "min": 80},
    {"grade": "三星", "min": 70},
    {"grade": "二星", "min": 60},
    {"grade": "一星", "min": 0},
]

D, I = ChecklistItem.Source.DATA, ChecklistItem.Source.INSPECTOR
PF, RATIO, PER = ChecklistItem.Method.PASS_FAIL, ChecklistItem.Method.RATIO, ChecklistItem.Method.PER_OCCURRENCE

# (area, title, points, source, measure, method, params, deduction rule, evidence)
DEFAULT_ITEMS = [
    ("班子建设", "支部书记配备到位", 8, D, "secretary_present", PF, {},
     "书记缺职不得分（示例：缺职超过 6 个月扣 4 分）", "支部委员会职务名单"),
    ("班子建设", "支部委员会配备齐全", 6, D, "committee_complete", PF, {"min_committee": 3, "committee_from": 7},
     "正式党员 7 人以上未设支委会或委员不足 3 人不得分", "选举结果批复"),
    ("班子建设", "按期换届", 6, D, "term_current", PF, {}, "任期届满未换届不得分", "换届选举材料"),
    ("基本制度", "“三会一课”按规定召开", 12, D, "meeting_compliance", RATIO,
     {"months": 12, "kinds": ["general", "committee", "group", "lecture", "themed_day"]},
     "按达标率得分（每少开一次相应扣分）", "会议记录"),
    ("基本制度", "组织生活会、民主评议党员按年开展", 8, D, "meeting_missed", PER,
     {"months": 12, "kinds": ["life_meeting", "appraisal"], "deduct": 4},
     "未召开组织生活会或未开展民主评议，每项扣 4 分（示例：全年未开组织生活会扣 6 分）", "会议记录、评议结果"),
    ("基本工作", "党费按时足额交纳", 10, D, "dues_arrears_rate", RATIO, {"months": 3},
     "按连续 3 个月未交党费党员的比例扣分", "党费收缴台账"),
    ("基本工作", "发展党员工作正常开展", 5, D, "recruited_within", PF, {"years": 2},
     "连续 2 年未发展党员不得分", "发展党员纪实"),
    ("基本工作", "党员教育管理", 10, I, "", PF, {}, "学习教育、流动党员管理、党员积分等，由考评人员评分",
     "学习记录、党员管理台账"),
    ("基本工作", "台账档案规范", 5, I, "", PF, {}, "会议记录、党员档案、工作台账齐全规范", "台账、档案"),
    ("基本保障", "活动阵地", 10, I, "", PF, {}, "有固定活动场所，标识规范", "现场查看"),
    ("基本保障", "经费和制度保障", 10, I, "", PF, {}, "工作经费落实，制度上墙", "经费台账"),
    ("加分", "创新项目（特色品牌）", 10, I, "", PF, {}, "有创新项目或特色品牌的加分，评五星须有创新项目",
     "项目材料"),
]


@transaction.atomic
def install(organization, *, effective_from: dt.date = dt.date(2024, 1, 1), reset: bool = False) -> Checklist:
    """Install the default checklist for an organization's subtree (idempotent; `reset` replaces its items)."""
    checklist = Checklist.objects.unrestricted().filter(org_path=organization.path, edition="默认示例").first()
    if checklist and not reset:
        return checklist
    if checklist is None:
        checklist = Checklist.objects.create(
            name="党支部标准化规范化建设评分标准（机关示例）", edition="默认示例", issuing_body="系统默认（示例）",
            document="据地方手册示例整理，待本地文件替换", organization=organization, effective_from=effective_from,
            grade_bands=STAR_BANDS, source_status="地方手册示例；全国和山西的评分表待补充，请按本地文件核对")
    else:
        checklist.items.unrestricted().delete()
        checklist.grade_bands = STAR_BANDS
        checklist.save()
    for order, (area, title, points, source, measure, method, params, rule, evidence) in enumerate(DEFAULT_ITEMS, 1):
        ChecklistItem.objects.create(
            checklist=checklist, area=area, order=order, title=title, max_points=Decimal(points), source=source,
            measure=measure, method=method, params=params, deduction_rule=rule, evidence_required=evidence,
            is_bonus=area == "加分")
    return checklist


@config.installer("standardization", "党支部标准化规范化建设评分标准（机关示例）", order=60)
def install_defaults(organization, reset: bool = False) -> list[tuple[str, bool]]:
    existed = Checklist.objects.unrestricted().filter(org_path=organization.path, edition="默认示例").exists()
    checklist = install(organization, reset=reset)
    return [(str(checklist), not existed)]

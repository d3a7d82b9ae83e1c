"""Talent defaults: a sample programme (三晋英才支持计划) as data, for the organization department that runs it.

`zugong defaults install --domain talent-programmes --org CODE` creates, issued by that organization, the
programme (code SJYC) and a draft edition of the current year with the three tiers 高端领军 / 拔尖骨干 /
青年优秀, the two conditions practice.md §4 names as typical (年度考核近3年合格以上; 近5年无处分), a
three-criterion rubric summing to 1, and allowance amounts of 0 marked 请改为本地文件规定: the amounts,
instalments and quotas vary by place and are the department's to set — publishing refuses an instalment of 0
(`programmes_services.allowance_problems`). Optional:
nothing else depends on it; a department may delete it or set up its own programme on the pages. Present
rows are kept unless `reset`.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from zugong.core import audit, config
from zugong.core.rules import UNVERIFIED_ARTICLE

from ..models import AllowanceInstalment, Condition, Criterion, Edition, Program, Tier

CODE = "SJYC"
DOCUMENT = "三晋英才支持计划相关文件（文件名称及文号待核）"
PLACEHOLDER = "示例数值，请改为本地文件规定"
SOURCE = f"{DOCUMENT}{UNVERIFIED_ARTICLE}"
TIERS = [
    # code, name, allowance total (0 until the department sets it), instalments
    ("lead", "高端领军", Decimal("0"), 3),
    ("top", "拔尖骨干", Decimal("0"), 3),
    ("young", "青年优秀", Decimal("0"), 3),
]
CONDITIONS = [
    {"kind": "annual_grades", "label": "近3年年度考核均为合格（称职）以上等次",
     "params": {"years": 3, "grades": ["excellent", "competent", "qualified"]}, "order": 1},
    {"kind": "no_sanction", "label": "近5年未受党纪政务处分、组织处理", "params": {"years": 5}, "order": 2},
    {"kind": "manual", "label": "近5年取得突出业绩成果，无学术不端和失信记录", "params": {}, "order": 3},
]
CRITERIA = [("业绩成果", "近5年主要业绩、成果及其影响", "0.5"), ("创新能力", "", "0.3"), ("发展潜力", "", "0.2")]


@config.installer("talent-programmes", "人才工程：示例人才项目（三晋英才支持计划，层次、申报条件、评审指标）", order=120)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    """The sample programme issued by `organization` (its code once per database: a second department's
    install keeps the first's). Without an organization (a national install) nothing: a programme has an
    issuer."""
    if organization is None:
        return []
    program = Program.objects.unrestricted().filter(code=CODE).first()
    if program is not None and not reset:
        return [(CODE, False)]
    year = timezone.localdate().year
    with audit.operation(program, "update" if program else "create", note="默认设定：示例人才项目") as op:
        if program is None:
            program = Program(code=CODE)
        program.organization = organization
        program.name = "三晋英才支持计划"
        program.level = Program.Level.PROVINCE
        program.document = DOCUMENT
        program.description = ("分高端领军、拔尖骨干、青年优秀三个层次，给予人才津贴，实行绩效评价和动态管理。"
                               f"本项目为示例数据：名额、津贴金额和发放期次{PLACEHOLDER}。")
        program.active = True
        program.save()
        op.subject = program
        edition = Edition.objects.unrestricted().filter(program=program, year=year).first()
        if edition is None:
            edition = Edition.objects.create(program=program, year=year, title=f"{year}年度三晋英才支持计划",
                                             document=f"申报通知（{PLACEHOLDER}）")
        elif edition.status != Edition.Status.DRAFT:
            return [(CODE, False)]  # a published edition is the department's: never overwritten
        else:
            edition.tiers.all().delete()
            edition.conditions.all().delete()
            edition.criteria.all().delete()
        for order, (code, name, total, parts) in enumerate(TIERS):
            tier = Tier.objects.create(edition=edition, code=code, name=name, quota=None, allowance_total=total,
                                       order=order)
            for n in range(1, parts + 1):
                AllowanceInstalment.objects.create(
                    tier=tier, number=n, amount=Decimal("0"), due_months=12 * (n - 1), requires_review=n > 1,
                    condition=("上一年度考核合格以上；" if n > 1 else "") + f"金额{PLACEHOLDER}")
        for c in CONDITIONS:
            Condition.objects.create(edition=edition, source=SOURCE, **c)
        for order, (name, description, weight) in enumerate(CRITERIA):
            Criterion.objects.create(edition=edition, name=name, description=description, weight=Decimal(weight),
                                     max_score=100, order=order)
    return [(CODE, True)]

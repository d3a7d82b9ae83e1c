"""Operations on programmes and their editions (configuration): create and edit a programme, an edition and
its rows (tiers, eligibility conditions, unit quotas, allowance instalments, rubric criteria), publish an
edition (未发布 → 申报中) and close it (申报中 → 申报截止). Each is one audited operation; only the department
admins (组织部管理员) of the issuing organization or above may do them (`config.services.can_edit`). Errors are
Chinese `ValidationError`s naming the field.

Decisions:
- the rubric's weights: the criteria that apply to a tier (those for all tiers plus the tier's own) must sum to
  1 — checked when the edition is published (a rubric is entered one criterion at a time), shown on the
  edition page until then;
- a condition's `params` are checked per kind (`condition_problems`), the same check the form's fields use;
- an edition is published with at least one tier and a deadline.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from zugong.core import audit
from zugong.core.config import services as config_services
from zugong.core.refdata import EDUCATION

from .models import (AllowanceInstalment, Condition, ConditionKind, Criterion, Edition, Program, Tier,
                     UnitQuota)

S = Edition.Status
K = ConditionKind
WEIGHT_TOTAL = Decimal("1")


def can_manage(user, row) -> bool:
    return config_services.can_edit(user, row.issuing_path())


def require_manage(user, row) -> None:
    if not can_manage(user, row):
        raise PermissionDenied("只有主办单位或其上级的组织部门管理员可以修改人才项目")


# ---------------------------------------------------------------- conditions' parameters


def grade_choices():
    from zugong.assessment.models import AnnualGrade

    return AnnualGrade.choices


def sanction_kind_choices():
    from zugong.assessment.models import SanctionKind

    return SanctionKind.choices


def condition_problems(kind: str, params: dict) -> dict[str, str]:
    """What is wrong with a condition's parameters for its kind: {param name: Chinese reason}."""
    p = params or {}
    problems: dict[str, str] = {}

    def positive(name: str, label: str, top: int) -> None:
        value = p.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not (1 <= value <= top):
            problems[name] = f"“{label}”应为 1 到 {top} 之间的整数"

    def among(name: str, label: str, choices, required=True) -> None:
        value = p.get(name) or []
        valid = {c for c, _ in choices}
        if not isinstance(value, list) or any(v not in valid for v in value):
            problems[name] = f"“{label}”有无效的选项"
        elif required and not value:
            problems[name] = f"请至少选择一项“{label}”"

    if kind == K.ANNUAL_GRADES:
        positive("years", "考核年数", 10)
        among("grades", "符合的考核等次", grade_choices())
    elif kind == K.NO_SANCTION:
        positive("years", "年数", 20)
        among("kinds", "处分类别", sanction_kind_choices(), required=False)
    elif kind == K.YEARS_IN_POST:
        positive("years", "年数", 50)
    elif kind in (K.MAX_AGE, K.MIN_AGE):
        positive("age", "周岁", 100)
    elif kind == K.EDUCATION:
        among("codes", "学历", EDUCATION)
    elif kind == K.TITLE:
        titles = p.get("titles") or []
        if not isinstance(titles, list) or not [t for t in titles if isinstance(t, str) and t.strip()]:
            problems["titles"] = "请填写至少一个专业技术职务（如 正高级、副高级）"
    elif kind == K.MANUAL:
        pass
    else:
        problems["kind"] = "无效的条件类别"
    return problems


def check_condition(condition: Condition) -> None:
    problems = condition_problems(condition.kind, condition.params)
    if problems:
        raise ValidationError({"params": list(problems.values())})
    if condition.tier_id and condition.tier.edition_id != condition.edition_id:
        raise ValidationError({"tier": "所选层次不属于本批次"})
    if not condition.source.strip():
        raise ValidationError({"source": "请填写依据（文件名称及条款；条款不明写“条款号待核”）"})


# ---------------------------------------------------------------- checks of the other rows


def check_edition(edition: Edition) -> None:
    problems = {}
    if edition.opens_on and edition.closes_on and edition.closes_on < edition.opens_on:
        problems["closes_on"] = "申报截止日期不能早于申报开始日期"
    if Edition.objects.unrestricted().filter(program_id=edition.program_id, year=edition.year).exclude(
            pk=edition.pk).exists():
        problems["year"] = f"该项目已有{edition.year}年度的批次"
    if edition.notice_workdays < 1:
        problems["notice_workdays"] = "公示期至少 1 个工作日"
    if edition.reviewers_per_application < 1:
        problems["reviewers_per_application"] = "每份申报至少 1 名评审专家"
    elif edition.trim_high + edition.trim_low >= edition.reviewers_per_application:
        problems["trim_high"] = (f"去掉最高分和最低分共 {edition.trim_high + edition.trim_low} 个，"
                                 f"应少于每份申报的评审专家人数（{edition.reviewers_per_application}）")
    if edition.support_years < 1:
        problems["support_years"] = "支持周期至少 1 年"
    if problems:
        raise ValidationError(problems)


def check_tier(tier: Tier) -> None:
    same = Tier.objects.unrestricted().filter(edition_id=tier.edition_id, code=tier.code).exclude(pk=tier.pk)
    if same.exists():
        raise ValidationError({"code": f"本批次已有层次代码“{tier.code}”"})
    if tier.allowance_total is not None and tier.allowance_total < 0:
        raise ValidationError({"allowance_total": "津贴总额不能为负数"})


def check_quota(quota: UnitQuota) -> None:
    if quota.tier_id and quota.tier.edition_id != quota.edition_id:
        raise ValidationError({"tier": "所选层次不属于本批次"})
    edition_path = quota.edition.program.organization.path
    if not quota.organization.path.startswith(edition_path):
        raise ValidationError({"organization": f"推荐单位应在主办单位“{quota.edition.program.organization.name}”的管辖范围内"})
    same = UnitQuota.objects.unrestricted().filter(edition_id=quota.edition_id, organization_id=quota.organization_id,
                                                   tier_id=quota.tier_id).exclude(pk=quota.pk)
    if same.exists():
        raise ValidationError({"organization": "该推荐单位在这一层次已有名额，请修改原有名额"})


def check_instalment(instalment: AllowanceInstalment) -> None:
    if instalment.amount is None or instalment.amount <= 0:
        raise ValidationError({"amount": "金额应大于 0"})
    same = AllowanceInstalment.objects.unrestricted().filter(tier_id=instalment.tier_id, number=instalment.number)
    if same.exclude(pk=instalment.pk).exists():
        raise ValidationError({"number": f"该层次已有第{instalment.number}期"})
    others = sum((i.amount for i in AllowanceInstalment.objects.unrestricted().filter(
        tier_id=instalment.tier_id).exclude(pk=instalment.pk)), Decimal(0))
    total = instalment.tier.allowance_total or Decimal(0)
    if total and others + instalment.amount > total:
        raise ValidationError({"amount": f"各期金额合计 {others + instalment.amount} 元，超过该层次津贴总额 {total} 元"})


def check_criterion(criterion: Criterion) -> None:
    if criterion.tier_id and criterion.tier.edition_id != criterion.edition_id:
        raise ValidationError({"tier": "所选层次不属于本批次"})
    if criterion.weight is None or not (Decimal(0) < criterion.weight <= WEIGHT_TOTAL):
        raise ValidationError({"weight": "权重应大于 0 且不超过 1（同一层次适用的各指标权重合计为 1）"})
    if criterion.max_score < 1:
        raise ValidationError({"max_score": "满分至少为 1"})


def weight_problems(edition: Edition) -> list[str]:
    """The rubric's weights: for each tier, the criteria that apply to it (for all tiers plus its own) sum to 1."""
    criteria = list(Criterion.objects.unrestricted().filter(edition=edition))
    tiers = list(Tier.objects.unrestricted().filter(edition=edition).order_by("order", "code"))
    if not criteria:
        return ["尚未设置评审指标"]
    out = []
    for tier in tiers:
        total = sum((c.weight for c in criteria if c.tier_id in (None, tier.pk)), Decimal(0))
        if total != WEIGHT_TOTAL:
            out.append(f"“{tier.name}”适用的评审指标权重合计为 {total.normalize():f}，应为 1")
    return out


def edition_problems(edition: Edition) -> list[str]:
    """Why an edition cannot be published yet (empty: it can)."""
    out = []
    if not Tier.objects.unrestricted().filter(edition=edition).exists():
        out.append("尚未设置人才层次")
    if not edition.closes_on:
        out.append("尚未填写申报截止日期（年龄、任职年限等条件按此日计算）")
    out.extend(weight_problems(edition))
    out.extend(allowance_problems(edition))
    return out


def allowance_problems(edition: Edition) -> list[str]:
    """The allowance schedule: no instalment of 0 元 (the sample's amounts are left for the department to set)
    and each tier's instalments adding up to its total. A tier without instalments pays no allowance."""
    out = []
    for tier in Tier.objects.unrestricted().filter(edition=edition).order_by("order", "code"):
        amounts = list(AllowanceInstalment.objects.unrestricted().filter(tier=tier).order_by("number")
                       .values_list("number", "amount"))
        if not amounts:
            continue
        zero = [str(n) for n, a in amounts if not a]
        if zero:
            out.append(f"“{tier.name}”第{'、'.join(zero)}期津贴金额为 0，请按本地文件填写")
            continue
        total = sum((a for _, a in amounts), Decimal(0))
        if total != tier.allowance_total:
            out.append(f"“{tier.name}”各期津贴合计 {total.normalize():f} 元，与津贴总额 "
                       f"{tier.allowance_total.normalize():f} 元不符")
    return out


# ---------------------------------------------------------------- operations


@transaction.atomic
def save_program(user, program: Program) -> Program:
    if program.organization_id is None:
        raise ValidationError({"organization": "请选择主办单位"})
    config_services.require_issuer_admin(user, program.organization, "人才项目")
    if program.pk:
        stored = Program.objects.unrestricted().get(pk=program.pk)
        require_manage(user, stored)
    same = Program.objects.unrestricted().filter(code=program.code).exclude(pk=program.pk)
    if same.exists():
        raise ValidationError({"code": f"项目代码“{program.code}”已被使用"})
    with audit.operation(program, "create" if program.pk is None else "update"):
        program.save()
    return program


@transaction.atomic
def save_edition(user, edition: Edition) -> Edition:
    require_manage(user, edition.program)
    check_edition(edition)
    with audit.operation(edition, "create" if edition.pk is None else "update"):
        edition.save()
    return edition


@transaction.atomic
def set_status(user, edition: Edition, status: str) -> Edition:
    """发布 (未发布 → 申报中: the day it is published), 截止 (申报中 → 申报截止), 重新开放 (申报截止 → 申报中),
    结束 (申报截止 → 已结束)."""
    require_manage(user, edition)
    allowed = {S.DRAFT: (S.OPEN,), S.OPEN: (S.CLOSED,), S.CLOSED: (S.OPEN, S.FINISHED), S.FINISHED: ()}
    if status not in allowed.get(edition.status, ()):
        raise ValidationError(f"批次“{edition}”当前为“{edition.get_status_display()}”，不能改为"
                              f"“{S(status).label if status in S.values else status}”")
    if status == S.OPEN and edition.status == S.DRAFT:
        problems = edition_problems(edition)
        if problems:
            raise ValidationError(["无法发布：" + "；".join(problems)])
        edition.published_on = edition.published_on or timezone.localdate()
    with audit.operation(edition, "update", note=f"批次状态改为“{S(status).label}”"):
        edition.status = status
        edition.save()
    return edition


ROW_CHECKS = {Tier: check_tier, Condition: check_condition, UnitQuota: check_quota,
              AllowanceInstalment: check_instalment, Criterion: check_criterion}
ROW_NOUNS = {Tier: "人才层次", Condition: "申报条件", UnitQuota: "推荐名额", AllowanceInstalment: "津贴发放计划",
             Criterion: "评审指标"}


def edition_of(row) -> Edition:
    return row.tier.edition if isinstance(row, AllowanceInstalment) else row.edition


@transaction.atomic
def save_row(user, row):
    """Save a tier, condition, unit quota, instalment or criterion of an edition (checked, audited)."""
    edition = edition_of(row)
    require_manage(user, edition)
    ROW_CHECKS[type(row)](row)
    with audit.operation(edition, "update", note=f"{'修改' if row.pk else '新增'}{ROW_NOUNS[type(row)]}“{row}”"):
        row.save()
    return row


@transaction.atomic
def delete_row(user, row) -> None:
    edition = edition_of(row)
    require_manage(user, edition)
    noun = ROW_NOUNS[type(row)]
    if isinstance(row, Tier) and row.applications.exists():
        raise ValidationError(f"已有申报选择了层次“{row}”，不能删除")
    try:
        with audit.operation(edition, "update", note=f"删除{noun}“{row}”"):
            row.delete()
    except ProtectedError as exc:
        raise ValidationError(f"{noun}“{row}”已被使用，不能删除") from exc


def describe_params(kind: str, params: dict) -> str:
    """A condition's parameters as officials read them (“近3年，每年为：优秀、称职、合格”)."""
    p = params or {}
    if kind == K.ANNUAL_GRADES:
        labels = dict(grade_choices())
        return f"近{p.get('years')}年，每年为：" + "、".join(labels.get(g, g) for g in p.get("grades") or [])
    if kind == K.NO_SANCTION:
        labels = dict(sanction_kind_choices())
        kinds = "、".join(labels.get(k, k) for k in p.get("kinds") or []) or "任何处分、问责和组织处理"
        return f"截止日前{p.get('years')}年内无{kinds}"
    if kind == K.YEARS_IN_POST:
        return f"截止日任现职满{p.get('years')}年"
    if kind == K.MAX_AGE:
        return f"截止日不超过{p.get('age')}周岁"
    if kind == K.MIN_AGE:
        return f"截止日年满{p.get('age')}周岁"
    if kind == K.EDUCATION:
        labels = dict(EDUCATION)
        return "学历为：" + "、".join(labels.get(c, c) for c in p.get("codes") or [])
    if kind == K.TITLE:
        return "专业技术职务含：" + "、".join(p.get("titles") or [])
    return "人工审查"


# ---------------------------------------------------------------- reads for the pages (system reads: the caller
# has found the programme, edition or tier through `visible_to`, and its parts share its path)


def latest_edition_subquery():
    """The newest edition of the outer programme (`OuterRef("pk")`), for a list of visible programmes."""
    from django.db.models import OuterRef

    return Edition.objects.unrestricted().filter(program=OuterRef("pk")).order_by("-year")


def latest_edition(program) -> Edition | None:
    return Edition.objects.unrestricted().filter(program=program).order_by("-year").first()


def next_instalment_number(tier) -> int:
    return AllowanceInstalment.objects.unrestricted().filter(tier=tier).count() + 1


def tiers_of(edition):
    return Tier.objects.unrestricted().filter(edition=edition).order_by("order", "code")

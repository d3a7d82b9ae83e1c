"""Weak-organization workflow: the yearly list (draft → submitted → approved), rectification cases, progress
reports, acceptance (验收销号) by the higher organization, manual flags, and the identification standards
(issued, copied and edited by department admins). Every step is transactional, checked for permission,
audited, and guarded by the rules where a rule applies."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, rules, scope
from zugong.core.config import measures, num
from zugong.core.config import services as config
from zugong.core.dates import add_months
from zugong.orgs.models import Organization

from . import screening
from .models import (
    Acceptance,
    Flag,
    IdentificationList,
    Indicator,
    IndicatorSet,
    ProgressReport,
    Rectification,
    WeakOrganization,
)

S = IdentificationList.Status
R = Rectification.Status


def _require(user, action: str, path: str, what: str) -> None:
    if not scope.can(user, action, path):
        raise PermissionDenied(f"您无权{what}")


def higher_can(user, path: str, action: str = "manage") -> bool:
    """Whether the user holds `action` on an organization strictly above the one at `path` (上级党组织)."""
    need = scope.ACTION_RANK[action]
    return any(path.startswith(p) and p != path and scope.ROLE_RANK.get(role, 0) >= need
               for p, role in scope.grants_of(user))


# ---------------------------------------------------------------- manual flags


@transaction.atomic
def flag(user, organization: Organization, indicator: Indicator, *, year: int, note: str,
         reported_on: dt.date | None = None) -> Flag:
    """Record a manual situation found by an inspector (e.g. 村霸, petition problems)."""
    _require(user, "change", organization.path, f"标记“{organization.name}”")
    if indicator.source != Indicator.Source.MANUAL:
        raise ValidationError({"indicator": f"“{indicator.code} {indicator.text}”按数据自动识别，不需人工标记"})
    if not note.strip():
        raise ValidationError({"note": "请填写具体情况"})
    return Flag.objects.create(organization=organization, org_path=organization.path, indicator=indicator, year=year,
                               note=note.strip(), reported_on=reported_on or timezone.localdate(), reported_by=user)


@transaction.atomic
def withdraw_flag(user, item: Flag, reason: str) -> Flag:
    _require(user, "change", item.org_path, "撤销该标记")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销理由"})
    with audit.operation(item, "update", note=reason.strip()):
        item.withdrawn = True
        item.save()  # its diff (已撤销：否 → 是) is the operation's entry
    return item


# ---------------------------------------------------------------- the yearly list


@transaction.atomic
def create_list(user, organization: Organization, year: int, *, as_of: dt.date | None = None,
                indicator_set: IndicatorSet | None = None, note: str = "") -> IdentificationList:
    """A draft list for the organization's subtree, pre-filled by screening (直接认定 and 综合研判 candidates)."""
    _require(user, "change", organization.path, f"为“{organization.name}”建立认定名单")
    as_of = as_of or timezone.localdate()
    indicator_set = indicator_set or screening.indicator_set_for(organization.path, as_of)
    if indicator_set is None:
        raise ValidationError("没有适用的软弱涣散认定标准，请先由组织部门设置认定标准")
    if IdentificationList.objects.unrestricted().filter(organization=organization, year=year).exists():
        raise ValidationError({"year": f"“{organization.name}”{year}年的认定名单已经建立"})
    lst = IdentificationList(year=year, organization=organization, org_path=organization.path,
                             indicator_set=indicator_set, as_of=as_of, note=note, created_by=user)
    with audit.operation(lst, "create", note=f"按“{indicator_set}”排查，基准日 {as_of:%Y-%m-%d}") as op:
        lst.save()
        entries = [WeakOrganization(identification_list=lst, organization_id=c.organization_id, org_path=c.path,
                                    reasons=c.reasons, basis=c.basis)
                   for c in screening.screen(indicator_set, organization.path, as_of, year)]
        WeakOrganization.objects.bulk_create(entries, batch_size=2000)
        op.created(entries)
        op.fact("排查列入", f"{len(entries)} 个党组织", field="entries")
    return lst


def _draft(user, lst: IdentificationList):
    _require(user, "change", lst.org_path, "修改该认定名单")
    if lst.status != S.DRAFT:
        raise ValidationError("名单已报审或已审定，不能修改；如需修改请由审定人退回")


@transaction.atomic
def add_entry(user, lst: IdentificationList, organization: Organization, *, codes: list[str], note: str = ""):
    """Add an organization judged as a whole (综合研判) to a draft list, with the situations found."""
    _draft(user, lst)
    if not organization.path.startswith(lst.org_path) or organization.path == lst.org_path:
        raise ValidationError({"organization": "只能列入本组织所属的下级党组织"})
    _require(user, "view", organization.path, "列入该党组织")
    if lst.entries.unrestricted().filter(organization=organization).exists():
        raise ValidationError({"organization": f"“{organization.name}”已在名单中"})
    known = {i.code: i for i in lst.indicator_set.indicators.unrestricted().filter(active=True)}
    if not codes or any(c not in known for c in codes):
        raise ValidationError({"codes": "请选择认定标准中的情形"})
    if not note.strip():
        raise ValidationError({"note": "请填写研判意见"})
    reasons = [{"code": c, "text": known[c].text, "detail": "", "direct": known[c].direct_trigger, "source": "judged"}
               for c in codes]
    return WeakOrganization.objects.create(identification_list=lst, organization=organization,
                                           org_path=organization.path, reasons=reasons, note=note.strip(),
                                           basis=WeakOrganization.Basis.COMPREHENSIVE)


@transaction.atomic
def remove_entry(user, entry: WeakOrganization, reason: str):
    lst = entry.identification_list
    _draft(user, lst)
    if not reason.strip():
        raise ValidationError({"reason": "请填写不列入的理由"})
    with audit.operation(lst, "update", note=reason.strip()) as op:
        op.fact("移出名单", None, old=entry.organization, field="entries")
        entry.delete()


@transaction.atomic
def submit(user, lst: IdentificationList) -> IdentificationList:
    _draft(user, lst)
    lst.status, lst.submitted_by, lst.submitted_on = S.SUBMITTED, user, timezone.localdate()
    lst.save()
    return lst


@transaction.atomic
def approve(user, lst: IdentificationList, *, decision: str = "", approved_on: dt.date | None = None):
    """The department approves the list (党委组织部门审定): an org or department admin over the list's
    organization."""
    if not scope.can(user, "manage", lst.org_path):
        raise PermissionDenied("只有组织部门或党组织管理员可以审定认定名单")
    if lst.status != S.SUBMITTED:
        raise ValidationError("只有已报审的名单可以审定")
    lst.status, lst.approved_by = S.APPROVED, user
    lst.approved_on, lst.decision = approved_on or timezone.localdate(), decision.strip()
    lst.save()
    return lst


@transaction.atomic
def return_list(user, lst: IdentificationList, reason: str) -> IdentificationList:
    if not scope.can(user, "manage", lst.org_path):
        raise PermissionDenied("只有组织部门或党组织管理员可以退回认定名单")
    if lst.status != S.SUBMITTED:
        raise ValidationError("只有已报审的名单可以退回")
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由"})
    with audit.operation(lst, "update", note=f"退回：{reason.strip()}"):
        lst.status = S.DRAFT
        lst.save()  # its diff (状态：已报审 → 草稿) is the operation's entry
    return lst


# ---------------------------------------------------------------- rectification


PLAN_FIELDS = ("problems", "measures", "responsibilities", "targets", "responsible_leader", "responsible_person",
               "county_leader", "township_leader", "first_secretary", "paired_unit", "supervised")


def _plan_errors(fields) -> dict:
    errors = {}
    for name, label in (("problems", "问题清单"), ("measures", "措施清单"), ("responsibilities", "责任清单"),
                        ("responsible_leader", "责任领导")):
        if not str(fields.get(name) or "").strip():
            errors[name] = f"请填写{label}"
    return errors


@transaction.atomic
def open_rectification(user, entry: WeakOrganization, *, started_on: dt.date | None = None,
                       deadline: dt.date | None = None, **fields):
    """Open the rectification case of an approved list's entry (一村一策). Returns (case, warnings)."""
    _require(user, "change", entry.org_path, "为该党组织建立整顿台账")
    lst = entry.identification_list
    if lst.status != S.APPROVED:
        raise ValidationError("认定名单经组织部门审定后才能建立整顿台账")
    if Rectification.objects.unrestricted().filter(entry=entry).exists():
        raise ValidationError("该党组织的整顿台账已经建立")
    errors = _plan_errors(fields)
    if errors:
        raise ValidationError(errors)
    started_on = started_on or timezone.localdate()
    deadline = deadline or add_months(started_on, lst.indicator_set.rectification_months)
    if deadline <= started_on:
        raise ValidationError({"deadline": "整顿期限应晚于开始日期"})
    case = Rectification.objects.create(organization=entry.organization, org_path=entry.org_path, entry=entry,
                                        started_on=started_on, deadline=deadline, created_by=user,
                                        **{k: v for k, v in fields.items() if k in PLAN_FIELDS})
    warnings = rules.enforce(["weakorgs.village_without_first_secretary"], case, user=user)
    return case, warnings


@transaction.atomic
def update_plan(user, case: Rectification, **fields) -> Rectification:
    _require(user, "change", case.org_path, "修改该整顿台账")
    if not case.is_open:
        raise ValidationError("已销号的整顿台账不能修改")
    merged = {k: getattr(case, k) for k in PLAN_FIELDS} | fields
    errors = _plan_errors(merged)
    if errors:
        raise ValidationError(errors)
    for k, v in fields.items():
        if k in PLAN_FIELDS:
            setattr(case, k, v)
    case.save()
    return case


@transaction.atomic
def report_progress(user, case: Rectification, *, text: str, reported_on: dt.date | None = None,
                    problems_solved: int = 0) -> ProgressReport:
    _require(user, "change", case.org_path, "报告该整顿进展")
    if not case.is_open:
        raise ValidationError("整顿已销号，不再报告进展")
    if not text.strip():
        raise ValidationError({"text": "请填写进展情况"})
    reported_on = reported_on or timezone.localdate()
    if reported_on < case.started_on:
        raise ValidationError({"reported_on": "报告日期不能早于开始整顿日期"})
    return ProgressReport.objects.create(rectification=case, org_path=case.org_path, reported_on=reported_on,
                                         text=text.strip(), problems_solved=problems_solved, reported_by=user)


@transaction.atomic
def apply_for_acceptance(user, case: Rectification) -> Rectification:
    _require(user, "change", case.org_path, "申请验收")
    if case.status not in (R.IN_PROGRESS, R.FAILED):
        raise ValidationError("只有整顿中的台账可以申请验收")
    case.status = R.APPLIED
    case.save()
    return case


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def accept(user, case: Rectification, *, held_on: dt.date, score, satisfied: int = 0, basically_satisfied: int = 0,
           dissatisfied: int = 0, note: str = "", new_deadline: dt.date | None = None, close_anyway: bool = False,
           exception_reason: str = "") -> Acceptance:
    """Acceptance by the higher organization (验收). Passed (score ≥ the pass mark and 不满意 not above the veto
    line): closed (销号) with a follow-up period. Failed: back to rectification with a new deadline; closing it
    anyway breaks an error rule and needs an exception with a reason."""
    if not higher_can(user, case.org_path):
        raise PermissionDenied("验收销号应由上级党组织（组织部门或党组织管理员）办理")
    if not case.is_open:
        raise ValidationError("该整顿台账已销号")
    standard = case.entry.identification_list.indicator_set
    score = Decimal(str(score))
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError({"score": "验收得分应在 0 至 100 分之间"})
    votes = satisfied + basically_satisfied + dissatisfied
    dissatisfied_pct = _percent(dissatisfied, votes)
    vetoed = dissatisfied_pct is not None and dissatisfied_pct > standard.veto_dissatisfied_percent
    passed = score >= standard.pass_mark and not vetoed
    if passed:
        result = f"验收合格（{num(score)} 分）"
    elif vetoed:
        result = f"群众测评“不满意”占 {num(dissatisfied_pct)}%，超过 {num(standard.veto_dissatisfied_percent)}%，直接认定不合格"
    else:
        result = f"验收得分 {num(score)} 分，低于合格线 {num(standard.pass_mark)} 分，不合格"
    checked_by = Organization.objects.unrestricted().filter(
        path__in=[p for p, _ in scope.grants_of(user) if case.org_path.startswith(p) and p != case.org_path]
    ).order_by("-depth").first()
    acceptance = Acceptance.objects.create(
        rectification=case, org_path=case.org_path, held_on=held_on, score=score, satisfied=satisfied,
        basically_satisfied=basically_satisfied, dissatisfied=dissatisfied, passed=passed, result_text=result,
        new_deadline=None if passed or close_anyway else new_deadline, checked_by_org=checked_by, recorded_by=user,
        note=note)
    case.accepted_score, case.dissatisfied_percent = score, dissatisfied_pct
    if passed or close_anyway:
        case.status, case.accepted_on = R.ACCEPTED, held_on
        case.followup_until = add_months(held_on, standard.followup_months)
        case.save()
        rules.enforce(["weakorgs.accepted_below_standard"], case, user=user, exception_reason=exception_reason)
    else:
        if not new_deadline or new_deadline <= held_on:
            raise ValidationError({"new_deadline": "验收不合格的，应确定晚于验收日期的重新整顿期限"})
        case.status, case.deadline = R.FAILED, new_deadline
        case.save()
    return acceptance


@transaction.atomic
def end_followup(user, case: Rectification, on: dt.date | None = None) -> Rectification:
    """Close the follow-up period (跟踪巩固期满)."""
    if not higher_can(user, case.org_path):
        raise PermissionDenied("跟踪期满确认应由上级党组织办理")
    on = on or timezone.localdate()
    if case.status != R.ACCEPTED:
        raise ValidationError("只有已销号的整顿可以结束跟踪")
    if case.followup_until and on < case.followup_until:
        raise ValidationError(f"跟踪巩固期至 {case.followup_until:%Y-%m-%d}，尚未期满")
    case.status = R.CLOSED
    case.save()
    return case


# ---------------------------------------------------------------- identification standards (configuration)


def _check_standard(standard: IndicatorSet) -> None:
    config.check_dates(standard)
    errors = {}
    if standard.ratio_mode != IndicatorSet.RatioMode.NONE and not (
            standard.ratio_percent is not None and Decimal(0) < standard.ratio_percent <= Decimal(100)):
        errors["ratio_percent"] = "设定整顿比例的，请填写大于 0、不超过 100 的比例"
    if not Decimal(0) <= standard.pass_mark <= Decimal(100):
        errors["pass_mark"] = "验收合格分应在 0 至 100 分之间"
    if not Decimal(0) <= standard.veto_dissatisfied_percent <= Decimal(100):
        errors["veto_dissatisfied_percent"] = "不满意率否决线应在 0 至 100 之间"
    if standard.comprehensive_min < 1:
        errors["comprehensive_min"] = "综合研判起点至少为 1 项"
    if standard.rectification_months < 1:
        errors["rectification_months"] = "整顿期限至少为 1 个月"
    if errors:
        raise ValidationError(errors)
    config.refuse_tie(standard, "认定标准")


def indicator_errors(indicator: Indicator) -> dict:
    """What is wrong with an identification situation (field → message); empty when it can be saved."""
    if indicator.source == Indicator.Source.DATA and indicator.measure not in measures.MEASURES:
        return {"measure": "按数据识别的情形应选择数据指标"}
    return {}


@transaction.atomic
def save_standard(user, standard: IndicatorSet) -> IndicatorSet:
    config.require_config_admin(user, standard.organization.path)
    _check_standard(standard)
    standard.save()
    return standard


@transaction.atomic
def create_standard(user, standard: IndicatorSet, copy_from: IndicatorSet | None = None) -> IndicatorSet:
    """A new identification standard issued by an organization for its subtree: empty, or a new edition with
    copies of all the situations (with their thresholds, direct/comprehensive basis and on/off state) of a
    standard the user can see. Lists screen with the standard in force for their approving organization
    (`screening.indicator_set_for`: the nearest issuer, then the latest effective date)."""
    with audit.operation(standard, "update", note=f"新版本，复制自“{copy_from}”" if copy_from else "") as op:
        indicators = config.issue_edition(user, standard, copy_from, noun="认定标准", check=_check_standard,
                                          rows="indicators", row_errors=indicator_errors,
                                          row_name=lambda i: f"情形“{i.code}”")
        if copy_from:
            op.fact("复制认定情形", f"{len(indicators)} 项", field="indicators")
    return standard


@transaction.atomic
def save_indicator(user, indicator: Indicator) -> Indicator:
    """Add or change a situation of a standard (codes are unique within the standard)."""
    config.require_config_admin(user, indicator.indicator_set.org_path)
    errors = indicator_errors(indicator)
    if errors:
        raise ValidationError(errors)
    if indicator.source == Indicator.Source.MANUAL:
        indicator.measure = ""
    taken = Indicator.objects.unrestricted().filter(indicator_set=indicator.indicator_set_id,
                                                    code=indicator.code)
    if taken.exclude(pk=indicator.pk).exists():
        raise ValidationError({"code": f"代码“{indicator.code}”在该认定标准中已经使用，请换一个代码"})
    indicator.save()
    return indicator

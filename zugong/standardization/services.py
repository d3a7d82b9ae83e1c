"""Standardization operations: inspectors' scores, scoring runs, issuing and editing the configuration
(department admins only; the issuing helpers also serve weakorgs' identification standards). Transactional,
permission-checked, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, jobs, scope
from zugong.core.models import Job
from zugong.orgs.models import Organization

from . import scoring
from .measures import num
from .models import BranchScore, Checklist, ChecklistItem, InspectorScore


def require_config_admin(user, path: str) -> None:
    """Configuration (checklists, identification standards) is edited by department admins only."""
    if not scope.can(user, "admin", path):
        raise PermissionDenied("只有组织部门管理员可以修改评分标准和认定标准")


@transaction.atomic
def set_inspector_score(user, organization: Organization, item: ChecklistItem, *, year: int, points,
                        note: str = "", scored_on: dt.date | None = None) -> InspectorScore:
    """An inspector's points for a branch on an item (replacing an earlier score of the same year)."""
    if not scope.can(user, "change", organization.path):
        raise PermissionDenied(f"您无权为“{organization.name}”评分")
    if item.source != ChecklistItem.Source.INSPECTOR:
        raise ValidationError({"item": f"“{item.title}”按数据自动计分，不能人工评分"})
    try:
        points = Decimal(str(points))
    except InvalidOperation:
        raise ValidationError({"points": "得分应为数字"}) from None
    if not Decimal(0) <= points <= item.max_points:
        raise ValidationError({"points": f"得分应在 0 至 {num(item.max_points)} 分之间"})
    if points < item.max_points and not item.is_bonus and not note.strip():
        raise ValidationError({"note": "未得满分的，请填写扣分理由"})
    found = InspectorScore.objects.unrestricted().filter(organization=organization, item=item, year=year).first()
    found = found or InspectorScore(organization=organization, org_path=organization.path, item=item, year=year)
    found.points, found.note = points, note.strip()
    found.scored_on, found.inspector = scored_on or timezone.localdate(), user
    found.save()
    return found


def compute(user, checklist: Checklist, year: int, organization: Organization | None = None,
            as_of: dt.date | None = None) -> scoring.ScoreRun:
    """Score a subtree's branches (an org admin over it, or a department admin): those the checklist governs
    that year (`scoring.precedence`)."""
    path = organization.path if organization else checklist.org_path
    if not scope.can(user, "manage", path):
        raise PermissionDenied("只有组织部门或党组织管理员可以计算得分")
    refused = scoring.not_in_force_message(checklist, year, as_of)
    if refused:
        raise ValidationError({"checklist": refused})
    if not (path.startswith(checklist.org_path) or checklist.org_path.startswith(path)):
        raise ValidationError("该组织不在评分标准的适用范围内")
    if checklist.org_path.startswith(path):
        path = checklist.org_path
    return scoring.compute(checklist, year, path, as_of)


# ---------------------------------------------------------------- configuration (checklists and, through the
# shared helpers, weakorgs' identification standards): editions issued by an organization for its subtree


def check_dates(config) -> None:
    if config.effective_to and config.effective_to <= config.effective_from:
        raise ValidationError({"effective_to": "失效日期应晚于生效日期"})


def refuse_tie(config, noun: str) -> None:
    """Where several editions are in force for an organization, the nearest issuer wins, then the latest
    effective date (`scoring.precedence`, `weakorgs.screening.indicator_set_for`). Two active editions of one
    issuer (and sector) taking effect on the same day cannot be ordered: refuse the second."""
    if not config.active:
        return
    same = type(config).objects.unrestricted().filter(org_path=config.organization.path, active=True,
                                                      effective_from=config.effective_from)
    if hasattr(config, "sector"):
        same = same.filter(sector=config.sector)
    other = same.exclude(pk=config.pk).first() if config.pk else same.first()
    if other:
        raise ValidationError({"effective_from": (
            f"“{config.organization.name}”已有同一天（{config.effective_from:%Y-%m-%d}）生效的{noun}“{other}”，"
            f"无法确定以哪个为准；请改用其他生效日期，或先停用原{noun}")})


def require_issuer_admin(user, organization: Organization, noun: str) -> None:
    """A new edition is issued by an organization the user administers (组织部门管理员 of it or above)."""
    if not scope.can(user, "admin", organization.path):
        raise PermissionDenied(f"只有“{organization.name}”或其上级的组织部门管理员可以为其制定{noun}")


def require_copyable(user, source, noun: str) -> None:
    if source is not None and not type(source).objects.visible_to(user).filter(pk=source.pk).exists():
        raise PermissionDenied(f"所复制的{noun}不存在或您无权查看")


def issue_edition(user, config, copy_from, *, noun: str, check, rows: str, row_errors, row_name) -> list:
    """The steps every kind of configuration shares when a new one is issued: the user administers the
    issuing organization and can see the source; the new one passes `check` (as an edit would) and so does
    every row copied (`row_errors`); then it is saved and the source's `rows` (items, situations) are copied
    to it, inserted at once and audited as created. Returns the copies."""
    require_issuer_admin(user, config.organization, noun)
    require_copyable(user, copy_from, noun)
    check(config)
    related = getattr(copy_from, rows) if copy_from else None
    copies = list(related.unrestricted().order_by("order", "pk")) if copy_from else []
    wrong = next(((r, e) for r in copies for e in row_errors(r).values()), None)
    if wrong:
        raise ValidationError({"copy_from": f"所复制的{row_name(wrong[0])}有误：{wrong[1]}；请先修改原{noun}"})
    with audit.operation(config, "create", note=f"复制自“{copy_from}”" if copy_from else "") as op:
        config.save()
        for row in copies:
            row.pk = None
            row._state.adding = True
            setattr(row, related.field.name, config)
            row.org_path = config.org_path
        if copies:
            type(copies[0]).objects.bulk_create(copies, batch_size=500)
            op.created(copies)
    return copies


def _check_checklist(checklist: Checklist) -> None:
    check_dates(checklist)
    bands = checklist.grade_bands
    if not isinstance(bands, list) or not bands or any(
            not isinstance(b, dict) or "grade" not in b or "min" not in b for b in bands):
        raise ValidationError({"grade_bands": "等次划分应为从高到低的列表，每档有 grade（等次）和 min（最低分）"})
    mins = [b["min"] for b in bands]
    if mins != sorted(mins, reverse=True):
        raise ValidationError({"grade_bands": "等次应按最低分从高到低排列"})
    refuse_tie(checklist, "评分标准")


def item_errors(item: ChecklistItem) -> dict:
    """What is wrong with an item's scoring (field → message); empty when it can be saved."""
    from . import measures

    if item.source == ChecklistItem.Source.DATA and item.measure not in measures.MEASURES:
        return {"measure": "按数据计分的项目应选择数据指标"}
    if item.max_points is None or item.max_points <= 0:
        return {"max_points": "分值应大于 0"}
    return {}


@transaction.atomic
def save_checklist(user, checklist: Checklist) -> Checklist:
    require_config_admin(user, checklist.organization.path)
    _check_checklist(checklist)
    checklist.save()
    return checklist


@transaction.atomic
def create_checklist(user, checklist: Checklist, copy_from: Checklist | None = None) -> Checklist:
    """A new checklist issued by an organization for its subtree: empty, or a new edition with copies of all
    the items and weights of a checklist the user can see (edited afterwards). Validated as an edit is."""
    with audit.operation(checklist, "update", note=f"新版本，复制自“{copy_from}”" if copy_from else "") as op:
        items = issue_edition(user, checklist, copy_from, noun="评分标准", check=_check_checklist, rows="items",
                              row_errors=item_errors, row_name=lambda i: f"评分项目“{i.title}”")
        if copy_from:
            total = sum(i.max_points for i in items)
            op.fact("复制评分项目", f"{len(items)} 项，合计 {num(total)} 分", field="items")
    return checklist


@transaction.atomic
def save_item(user, item: ChecklistItem) -> ChecklistItem:
    require_config_admin(user, item.checklist.org_path)
    errors = item_errors(item)
    if errors:
        raise ValidationError(errors)
    if item.source == ChecklistItem.Source.INSPECTOR:
        item.measure = ""
    item.save()
    return item


@transaction.atomic
def delete_item(user, item: ChecklistItem) -> None:
    require_config_admin(user, item.checklist.org_path)
    if InspectorScore.objects.unrestricted().filter(item=item).exists():
        raise ValidationError("该项目已有考评评分，不能删除；可将评分标准设为失效后另行制定")
    item.delete()


def ranking(qs):
    """Scores ordered by total with their rank (ties share a rank)."""
    from django.db.models import F, Window
    from django.db.models.functions import Rank

    return qs.annotate(rank=Window(Rank(), order_by=F("total").desc())).order_by("-total", "org_path")


def history(user, organization: Organization):
    return (BranchScore.objects.visible_to(user).filter(organization=organization)
            .select_related("checklist").order_by("-year"))


@jobs.runner("standardization_score")
def run_scoring(job: Job, progress: jobs.Progress) -> None:
    checklist = Checklist.objects.unrestricted().get(pk=job.params["checklist"])
    organization = Organization.objects.unrestricted().get(path=job.params["path"])
    progress.total(1)
    run = compute(job.user, checklist, job.params["year"], organization)
    progress.step(1, force=True)
    job.result = {"scored": run.scored, "removed": run.removed, "seconds": round(run.seconds, 1)}
    job.message = f"评分完成：{run.scored} 个党支部，用时 {run.seconds:.1f} 秒。"
    if run.removed:
        job.message += f"另有 {run.removed} 个党支部已改按其他评分标准评分，删除其按本标准的得分。"

"""Standardization operations: inspectors' scores, scoring runs, issuing and editing the configuration
(department admins only; the issuing steps every configuration shares are in `zugong.core.config.services`).
Transactional, permission-checked, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, jobs, scope
from zugong.core.config import num
from zugong.core.config.services import check_dates, issue_edition, refuse_tie, require_config_admin
from zugong.core.models import Job
from zugong.orgs.models import Organization

from . import scoring
from .models import BranchScore, Checklist, ChecklistItem, InspectorScore


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


# ---------------------------------------------------------------- configuration: checklists and their items


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
    from zugong.core.config import measures

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


def grade_order() -> list[str]:
    """Grade names from the highest, as the checklists' grade bands list them, then 未评定. System-wide on
    purpose: it orders the grade columns of every dashboard the same way and shows no row of any checklist."""
    order = []
    for bands in Checklist.objects.unrestricted().values_list("grade_bands", flat=True):
        for band in bands or []:
            if band.get("grade") and band["grade"] not in order:
                order.append(band["grade"])
    return order + ["未评定"]

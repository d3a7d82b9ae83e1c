"""The report workflow (上报 / 冻结 / 退回): open a report, fill its cover, explain the checks that ask for it,
submit (the figures of every table frozen), return by the level above, resubmit. Every step is transactional
and audited (`audit.operation`), refused with a Chinese reason.

Who: the organization's own administrators (组织部管理员 / 党组织管理员: `scope.can(user, "manage", path)` —
a grant at the organization or above) fill and submit; only an administrator of a level strictly ABOVE the
organization (a grant whose path strictly contains the organization's) returns a submitted report.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope

from . import checks, definitions, figures
from .models import Edition, Explanation, FrozenTable, Report

MAX_LISTED = 8  # blocking findings named in the refusal (the page lists them all)


def may_fill(user, organization) -> bool:
    return scope.can(user, "manage", organization.path)


def may_return(user, report: Report) -> bool:
    """An administrator of a level above the report's organization (not the organization itself)."""
    path = report.org_path or report.organization.path
    return any(path.startswith(p) and path != p and scope.ROLE_RANK.get(role, 0) >= scope.ACTION_RANK["manage"]
               for p, role in scope.grants_of(user))


def _require_fill(user, organization) -> None:
    if not may_fill(user, organization):
        raise PermissionDenied(f"只有“{organization.name}”的组织部管理员或党组织管理员可以填报和上报党内统计年报")


def _lock(report: Report) -> Report:
    return Report.objects.unrestricted().select_for_update().select_related("organization", "edition").get(
        pk=report.pk)


def _not_frozen(report: Report) -> None:
    if report.status == Report.Status.SUBMITTED:
        raise ValidationError("该年报已上报，数据已冻结，不能修改；如需修改，请上级党组织退回后再改")


def open_report(user, organization, day: dt.date, edition: str = figures.DEFAULT_EDITION) -> Report:
    """The organization's report for the date (created, 未上报, when there is none)."""
    _require_fill(user, organization)
    if not isinstance(day, dt.date):
        raise ValidationError({"as_of": "请填写统计截止日期"})
    row = Edition.objects.filter(code=edition).first()
    if row is None:
        raise ValidationError(f"尚未安装党内统计报表（{definitions.EDITIONS.get(edition, edition)}），"
                              "请先安装默认配置（stats-2017）")
    existing = Report.objects.unrestricted().filter(organization=organization, edition=row, as_of=day).first()
    if existing is not None:
        return existing
    with transaction.atomic(), audit.operation(None, "create",
                                               note=f"建立{day:%Y}年党内统计年报（截至{day:%Y年%m月%d日}）") as op:
        report = Report.objects.create(organization=organization, edition=row, as_of=day)
        op.subject = report
    return report


def save_cover(user, report: Report, *, responsible: str, preparer: str, phone: str = "") -> Report:
    """The cover (封面): 单位负责人, 填表人, 联系电话."""
    _require_fill(user, report.organization)
    values = {"responsible": (responsible or "").strip(), "preparer": (preparer or "").strip(),
              "phone": (phone or "").strip()}
    errors = {}
    for field, limit in (("responsible", 50), ("preparer", 50), ("phone", 30)):
        label = Report._meta.get_field(field).verbose_name
        if len(values[field]) > limit:
            errors[field] = f"{label}不能超过 {limit} 个字"
    if values["phone"] and not all(ch.isdigit() or ch in "-+ ()（）转" for ch in values["phone"]):
        errors["phone"] = "联系电话只能包含数字、“-”和“转”"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), audit.operation(report, "update", note="填写年报封面"):
        locked = _lock(report)
        _not_frozen(locked)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.save()
    report.refresh_from_db()
    return report


def explain(user, report: Report, code: str, number: int, row: int | None, col: int | None, text: str) -> Explanation:
    """The explanation of a 需说明 finding (key: code, table, row, column; row/column 0 for a finding about no
    single cell)."""
    _require_fill(user, report.organization)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写说明"})
    if not code or len(code) > 60:
        raise ValidationError({"check_code": "审核要点代码不正确"})
    with transaction.atomic(), audit.operation(report, "update", note=f"审核说明：表{number}") as op:
        locked = _lock(report)
        _not_frozen(locked)
        row_, col_ = row or 0, col or 0
        obj = Explanation.objects.unrestricted().filter(report=locked, check_code=code, number=number,
                                                        row=row_, col=col_).first()
        old = obj.text if obj else None
        if obj is None:
            obj = Explanation(report=locked, check_code=code, number=number, row=row_, col=col_)
        obj.text, obj.written_by = text, user
        obj.save()
        op.fact("审核说明", text, old=old, field="explanations")
    return obj


def findings(report: Report, tables=None, grids=None) -> list[checks.Finding]:
    """The checks of the report on its current figures (live unless submitted)."""
    tables = tables if tables is not None else definitions.load(report.edition.code)
    grids = grids if grids is not None else figures.figures(report.organization, report.as_of, tables,
                                                            report=report)
    return checks.run(report, report.organization, report.as_of, tables, grids)


def submit(user, report: Report) -> Report:
    """上报: refused while an error remains, a 需说明 has no explanation or the cover lacks 单位负责人 / 填表人;
    else every table of the edition is computed now and frozen (`FrozenTable`, replacing those of an earlier
    submission), the report 已上报 with who, when and the time the data were read (`data_as_of`)."""
    _require_fill(user, report.organization)
    with transaction.atomic(), audit.operation(report, "step", note="上报党内统计年报") as op:
        locked = _lock(report)
        _not_frozen(locked)
        if locked.as_of > timezone.localdate():
            raise ValidationError(f"统计截止日期 {locked.as_of:%Y年%m月%d日} 尚未到，不能上报")
        missing = [label for field, label in (("responsible", "单位负责人"), ("preparer", "填表人"))
                   if not getattr(locked, field).strip()]
        if missing:
            raise ValidationError(f"请先在封面填写{'、'.join(missing)}")
        tables = definitions.load(locked.edition.code)
        if not tables:
            raise ValidationError("报表版本中没有任何表，不能上报")
        data_as_of = timezone.now()
        grids = figures.figures(locked.organization, locked.as_of, tables, report=locked)
        blocking = [f for f in checks.run(locked, locked.organization, locked.as_of, tables, grids) if f.blocking]
        if blocking:
            lines = [f"{f.severity}：{f.message}" + ("（未说明）" if f.severity == checks.EXPLAIN else "")
                     for f in blocking[:MAX_LISTED]]
            more = f"；另有 {len(blocking) - MAX_LISTED} 项" if len(blocking) > MAX_LISTED else ""
            raise ValidationError(f"不能上报：尚有 {len(blocking)} 项审核问题未解决（错误须改正，需说明的须填写说明）："
                                  + "；".join(lines) + more)
        replaced = FrozenTable.objects.unrestricted().filter(report=locked).delete()[0]
        FrozenTable.objects.bulk_create([
            FrozenTable(report=locked, number=t.number, **grids[t.number].as_json()) for t in tables])
        was = locked.get_status_display()
        locked.status = Report.Status.SUBMITTED
        locked.submitted_at, locked.submitted_by, locked.data_as_of = data_as_of, user, data_as_of
        locked.save()
        op.fact("上报", "已上报", old=was, field="status")
        op.fact("冻结报表", "、".join(f"表{t.number}" for t in tables)
                + (f"（替换上次上报的 {replaced} 张）" if replaced else ""), field="frozen_tables")
    report.refresh_from_db()
    return report


def return_report(user, report: Report, reason: str) -> Report:
    """退回 by the level above, with a reason: 已退回, the figures live again (the frozen rows are kept until a
    resubmission replaces them)."""
    if not may_return(user, report):
        raise PermissionDenied("只有上级党组织的组织部管理员或党组织管理员可以退回年报")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回理由"})
    if len(reason) > 300:
        raise ValidationError({"reason": "退回理由不能超过 300 个字"})
    with transaction.atomic(), audit.operation(report, "step", note=reason) as op:
        locked = _lock(report)
        if locked.status != Report.Status.SUBMITTED:
            raise ValidationError(f"该年报{locked.get_status_display()}，只能退回已上报的年报")
        locked.status = Report.Status.RETURNED
        locked.returned_at, locked.returned_by, locked.return_reason = timezone.now(), user, reason
        locked.save()
        op.fact("退回", "已退回", old="已上报", field="status")
    report.refresh_from_db()
    return report

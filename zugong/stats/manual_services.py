"""Entering a cell by hand (附表: a cell zugong holds no data for, 无数据来源, or a 补充资料 figure): written into
the organization's report for the date (the draft report is opened when there is none yet), refused once the
report is submitted (its figures are frozen)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from zugong.core import audit, scope

from . import definitions
from .models import Edition, ManualCell, Report


def enterable(table: definitions.Table, r: int, c: int) -> bool:
    """Whether cell (r, c) is one entered by hand (无数据来源 or 补充资料)."""
    if not (0 <= r < len(table.rows) and 0 <= c < len(table.columns)):
        return False
    spec = table.cell(r, c)
    return not spec.expr and spec.source in ("none", "manual")


def enter(user, organization, day: dt.date, edition: str, table: definitions.Table, r: int, c: int,
          value: Decimal | None, note: str = "") -> Report:
    """Write (or, with `value` None, clear) the hand-entered value of cell (r, c) of `table` in the report of
    `organization` for `day`. Raises ValidationError (in Chinese) for a cell that is not entered by hand, a
    submitted report, or a user who may not change the organization's records."""
    if not scope.can(user, "change", organization.path):
        raise ValidationError("您对该组织只有查看权限，不能填报")
    if not enterable(table, r, c):
        raise ValidationError(f"表{table.number}第 {r + 1} 行第 {c + 1} 栏由系统计算，不能手工填报")
    where = f"表{table.number}第 {r + 1} 行第 {c + 1} 栏（{table.rows[r].label}·{table.columns[c].label}）"
    edition_row = Edition.objects.get(code=edition)
    with audit.operation(None, "update", note=f"手工填报 {where}") as op:
        report = (Report.objects.visible_to(user).select_for_update()
                  .filter(organization=organization, edition=edition_row, as_of=day).first())
        if report is not None and report.frozen:
            raise ValidationError("该年报已上报，数据已冻结，不能再填报；如需修改，请上级退回后再填")
        op.subject = report
        if report is None:
            report = Report.objects.create(organization=organization, edition=edition_row, as_of=day)
            op.subject = report
        cell = ManualCell.objects.unrestricted().filter(report=report, number=table.number, row=r, col=c).first()
        old = cell.value if cell else None
        if value is None:
            if cell is not None:
                cell.delete()
        elif cell is None:
            ManualCell.objects.create(report=report, number=table.number, row=r, col=c, value=value, note=note,
                                      entered_by=user)
        else:
            cell.value, cell.note, cell.entered_by = value, note, user
            cell.save()
        op.fact(where, "（清除）" if value is None else str(value), old="" if old is None else str(old))
    return report

"""The operations of the hours ledger that users start: a recognised activity entered by hand with its evidence
(集中学习, 其他认可活动), the removal of such a line. Every change is one `audit.operation` and goes through
`training.ledger` (`post`, `remove`), so the crediting rules and caps apply as to every other line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope

from . import ledger
from .models import Credit, CreditKind, CreditUnit

MANUAL = "training.manual"
# Lines a user may remove by hand (the others are withdrawn by their source: a class, an import).
REMOVABLE = (MANUAL, "branchlife.studyrecord")
MANUAL_KINDS = (CreditKind.STUDY, CreditKind.OTHER)


def can_change(user, person) -> bool:
    return scope.can(user, "change", person.org_path)


@transaction.atomic
def record_activity(user, person, *, on: dt.date, kind: str, title: str, hours: Decimal, evidence,
                    provider: str = "", note: str = "") -> Credit:
    """Credit a recognised activity (集中学习 or 其他认可活动) to a person, with the file that proves it."""
    if not can_change(user, person):
        raise PermissionDenied("您无权登记该人员的学时")
    errors = {}
    if kind not in MANUAL_KINDS:
        errors["kind"] = "手工登记的学时只能是集中学习或其他认可活动"
    if on is None or on > timezone.localdate():
        errors["on"] = "日期不能晚于今天"
    if hours is None or hours <= 0 or hours > 200:
        errors["hours"] = "学时应大于 0，且不超过 200"
    if not evidence:
        errors["evidence"] = "请上传证明材料（通知、签到表、结业证书等）"
    if not (title or "").strip():
        errors["title"] = "请填写活动名称"
    if errors:
        raise ValidationError(errors)
    with audit.operation(person, "update", note=f"登记学时：{title.strip()}") as op:
        line = ledger.post(op, MANUAL, [ledger.Line(person_id=person.pk, on=on, kind=kind, quantity=hours,
                                                    unit=CreditUnit.HOUR, label=title.strip(), provider=provider,
                                                    note=note)], user=user)[0]
        line.evidence.save(evidence.name, evidence, save=False)
        line.save(update_fields=["evidence"])
    return line


@transaction.atomic
def remove_line(user, line: Credit, reason: str) -> None:
    """Remove a line entered by hand (a mistake); its carried hours go with it and the year is re-allocated."""
    person = line.person
    if not can_change(user, person):
        raise PermissionDenied("您无权修改该人员的学时")
    origin = line.carried_from if line.carried else line
    if origin.source not in REMOVABLE:
        raise ValidationError("该学时来自培训班次、网络培训导入或课程学习，请在来源处修改")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写删除原因"})
    with audit.operation(person, "update", note=f"删除学时记录：{reason.strip()}") as op:
        op.fact("删除学时记录", None, old=str(origin))
        ledger.remove(op, origin)


@transaction.atomic
def issue_rule(user, source, organization):
    """A department's own crediting rule for its subtree, copied from one that applies there (the nearest
    issuer's wins from then on); one per organization and type."""
    from zugong.core.config.services import require_config_admin

    from .models import CreditRule

    require_config_admin(user, organization.path, "只有组织部门管理员可以设定学时认定规则")
    if not organization.path.startswith(source.org_path):
        raise ValidationError({"organization": "只能复制适用于该组织的认定规则"})
    code = f"training.credit.{organization.code}.{source.kind or 'all'}"
    if CreditRule.objects.unrestricted().filter(code=code).exists():
        raise ValidationError({"organization": "该组织已设定了这一类学时的认定规则，请直接修改"})
    skip = {"id", "pk", "code", "organization", "org_path", "created_at", "updated_at"}
    values = {f.name: getattr(source, f.name) for f in CreditRule._meta.concrete_fields
              if f.name not in skip and f.attname not in skip and not f.name.endswith("_id")}
    values["title"] = f"{source.title}（{organization.name}）"[:100]
    row = CreditRule(code=code, organization=organization, **values)
    row.save()
    return row

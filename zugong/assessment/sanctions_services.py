"""The operations on sanctions and investigations: each one transaction and one audited operation.

A 留党察看 recorded for a party member writes the member's `members.DisciplineSpan` through
`members.services.record_discipline` in the same operation (and 恢复党员权利 through `restore_rights`); a 开除党籍
sets the member's 党籍状态 to 已出党 from the day of the decision through `members.services.update_member`. The
facts are typed once, here.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope
from zugong.members import services as member_services
from zugong.members.models import DisciplineSpan, Membership

from . import bars
from .models import KIND_FAMILIES, PROBATION_KINDS, Family, Investigation, Sanction, SanctionKind

K = SanctionKind
FIELDS = ("kind", "family", "decided_on", "effective_until", "deciding_body", "document_no", "note")
LINKED_KINDS = (*PROBATION_KINDS, K.EXPULSION)  # kinds that write the member's history


def can_change(user, person) -> bool:
    return scope.can(user, "change", person.org_path)


def _require(user, person) -> None:
    if not can_change(user, person):
        raise PermissionDenied(f"您无权登记或修改{person.name}的处分和立案审查")


def _not_in_future(day: dt.date | None, field: str, label: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})


def membership_of(person) -> Membership | None:
    """The person's party membership held in the province (none: not a recorded member)."""
    return (Membership.objects.unrestricted().filter(person=person, transferred_out_on__isnull=True)
            .select_related("organization").first())


def _check(values: dict) -> dict:
    kind, family = values.get("kind"), values.get("family") or ""
    if kind not in KIND_FAMILIES:
        raise ValidationError({"kind": "请选择处分类别"})
    allowed = KIND_FAMILIES[kind]
    if not family:
        family = values["family"] = allowed[0]
    if family not in allowed:
        raise ValidationError({"family": f"“{SanctionKind(kind).label}”不能作为{Family(family).label}登记，"
                                         f"应为{'或'.join(Family(f).label for f in allowed)}"})
    decided = values.get("decided_on")
    if decided is None:
        raise ValidationError({"decided_on": "请填写决定日期"})
    _not_in_future(decided, "decided_on", "决定日期")
    until = values.get("effective_until")
    if kind in PROBATION_KINDS:
        end = Sanction(kind=kind, decided_on=decided).probation_end - dt.timedelta(days=1)
        if until and until != end:
            raise ValidationError({"effective_until": f"{SanctionKind(kind).label}的察看期至 {end:%Y-%m-%d}"
                                                      "（自决定之日起计算），不能另填"})
        values["effective_until"] = end
    elif until and until < decided:
        raise ValidationError({"effective_until": "影响期至不能早于决定日期"})
    return values


def _default_period(person, values: dict) -> None:
    """A kind with a period of effect (the table's months) and no 影响期至 given: computed from the decision."""
    if values.get("effective_until"):
        return
    row = bars.effect_for(bars.effect_table(), values["kind"], person.org_path)
    end = bars.period_end({"decided_on": values["decided_on"], "effective_until": None}, row)
    if end is not None:
        values["effective_until"] = end


def _decision(values: dict) -> str:
    return " ".join(v for v in (values.get("deciding_body", ""), values.get("document_no", "")) if v)[:100]


def _write_member_history(user, sanction: Sanction, op) -> None:
    """The linked fact in the member's history: 留党察看 → a DisciplineSpan; 开除党籍 → 已出党 from the day."""
    membership = membership_of(sanction.person)
    if membership is None:
        op.fact("党员信息", "该人员未登记为本省党员，党员信息未变动")
        return
    if sanction.kind in PROBATION_KINDS:
        if membership.status not in Membership.ACTIVE_STATUSES:
            raise ValidationError({"kind": f"{sanction.person.name}的党籍状态为{membership.get_status_display()}，"
                                           "不能登记留党察看"})
        span = member_services.record_discipline(user, membership, started_on=sanction.decided_on,
                                                 decision=_decision(sanction.__dict__))
        sanction.discipline_span = span
        sanction.save(update_fields=["discipline_span"])
    elif sanction.kind == K.EXPULSION and membership.status != Membership.Status.LEFT:
        member_services.update_member(user, membership, changed_on=sanction.decided_on,
                                      status=Membership.Status.LEFT)
        op.fact("党籍状态", Membership.Status.LEFT.label, old=membership.get_status_display())


@transaction.atomic
def record_sanction(user, person, **values) -> Sanction:
    """Record a sanction of `person` (kind, family, decided_on, effective_until, deciding_body, document_no,
    note); a 留党察看 or 开除党籍 of a party member changes the member's history in the same operation."""
    _require(user, person)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    values = _check(dict(values))
    _default_period(person, values)
    sanction = Sanction(person=person, recorded_by=user if getattr(user, "pk", None) else None,
                        **{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()})
    with audit.operation(None, "create", note=sanction.text) as op:
        sanction.save()
        op.subject = sanction
        if sanction.kind in LINKED_KINDS:
            _write_member_history(user, sanction, op)
    return sanction


@transaction.atomic
def update_sanction(user, sanction: Sanction, **values) -> Sanction:
    """Correct a sanction. A 留党察看 or 开除党籍 keeps its kind (delete and record again); a corrected decision
    day of a 留党察看 moves the start of the member's DisciplineSpan with it."""
    _require(user, sanction.person)
    old_kind, old_day = sanction.kind, sanction.decided_on
    merged = {f: getattr(sanction, f) for f in FIELDS} | values
    if merged["kind"] != old_kind and (old_kind in LINKED_KINDS or merged["kind"] in LINKED_KINDS):
        raise ValidationError({"kind": "留党察看、开除党籍与党员信息联动，不能改为其他类别或由其他类别改来；"
                                       "请删除该记录后重新登记"})
    if merged["kind"] in PROBATION_KINDS and merged["kind"] != old_kind:
        merged["effective_until"] = None
    elif merged["kind"] in PROBATION_KINDS and merged["decided_on"] != old_day:
        merged["effective_until"] = None
    merged = _check(merged)
    for name in FIELDS:
        value = merged[name]
        setattr(sanction, name, value.strip() if isinstance(value, str) else value)
    with audit.operation(sanction, "update") as op:
        sanction.save()
        span = _span(sanction)
        if span is not None:
            if span.ended_on and sanction.decided_on >= span.ended_on:
                raise ValidationError({"decided_on": f"决定日期应早于恢复党员权利日期 {span.ended_on:%Y-%m-%d}"})
            span.started_on = sanction.decided_on
            span.decision = _decision(merged)
            span.save(update_fields=["started_on", "decision"])
            op.fact("留党察看起始日期", f"{sanction.decided_on:%Y-%m-%d}", old=f"{old_day:%Y-%m-%d}")
    return sanction


def _span(sanction: Sanction) -> DisciplineSpan | None:
    if sanction.discipline_span_id is None:
        return None
    return DisciplineSpan.objects.unrestricted().filter(pk=sanction.discipline_span_id).first()


@transaction.atomic
def delete_sanction(user, sanction: Sanction) -> list[str]:
    """Delete a sanction recorded in error, with the member's 留党察看 record it wrote. A 开除党籍's change of
    党籍状态 is not undone here (the member's record is corrected on the member's page): the warning says so."""
    _require(user, sanction.person)
    warnings = []
    with audit.operation(sanction.person, "update", note=f"删除处分记录：{sanction.text}") as op:
        span = _span(sanction)
        op.fact("删除处分记录", None, old=sanction.text)
        sanction.delete()
        if span is not None:
            span.delete()
            op.fact("留党察看记录", None, old=f"{span.started_on:%Y-%m-%d} 起")
        if sanction.kind == K.EXPULSION and membership_of(sanction.person) is not None:
            warnings.append("党员的党籍状态未改变；如需更正，请在党员信息中修改")
    return warnings


@transaction.atomic
def restore_rights(user, sanction: Sanction, *, on: dt.date) -> Sanction:
    """The 留党察看 ends: the member's rights are restored from `on` (the member's DisciplineSpan ends)."""
    _require(user, sanction.person)
    if sanction.kind not in PROBATION_KINDS or sanction.discipline_span_id is None:
        raise ValidationError("只有与党员信息联动的留党察看可以登记恢复党员权利")
    if on <= sanction.decided_on:
        raise ValidationError({"on": "恢复党员权利日期应晚于决定日期"})
    with audit.operation(sanction, "update", note="恢复党员权利") as op:
        membership = _span(sanction).membership
        member_services.restore_rights(user, membership, on=on)
        op.fact("恢复党员权利", f"{on:%Y-%m-%d}")
    return sanction


# ---------------------------------------------------------------- investigations


@transaction.atomic
def open_investigation(user, person, *, opened_on: dt.date, body: str = "", document_no: str = "",
                       note: str = "") -> Investigation:
    _require(user, person)
    _not_in_future(opened_on, "opened_on", "立案日期")
    if Investigation.objects.unrestricted().filter(person=person, closed_on__isnull=True).exists():
        raise ValidationError(f"{person.name}已有未结案的立案审查，请先登记结案")
    record = Investigation(person=person, opened_on=opened_on, body=body.strip(), document_no=document_no.strip(),
                           note=note.strip())
    with audit.operation(None, "create", note="立案审查") as op:
        record.save()
        op.subject = record
    return record


@transaction.atomic
def close_investigation(user, record: Investigation, *, closed_on: dt.date, outcome: str,
                        sanction: Sanction | None = None, note: str = "") -> Investigation:
    """The case closes: no sanction, dropped, or a sanction (one of the person's, decided on or after the day
    the case was opened)."""
    _require(user, record.person)
    _not_in_future(closed_on, "closed_on", "结案日期")
    if closed_on < record.opened_on:
        raise ValidationError({"closed_on": f"结案日期不能早于立案日期 {record.opened_on:%Y-%m-%d}"})
    if outcome not in Investigation.Outcome.values:
        raise ValidationError({"outcome": "请选择结案结果"})
    if outcome == Investigation.Outcome.SANCTIONED:
        if sanction is None:
            raise ValidationError({"sanction": "给予处分或处理的，请选择该人员的处分记录（先登记处分）"})
        if sanction.person_id != record.person_id:
            raise ValidationError({"sanction": "所选处分不是该人员的"})
        if sanction.decided_on < record.opened_on:
            raise ValidationError({"sanction": f"所选处分的决定日期早于立案日期 {record.opened_on:%Y-%m-%d}"})
    else:
        sanction = None
    record.closed_on, record.outcome, record.sanction = closed_on, outcome, sanction
    if note.strip():
        record.note = note.strip()
    with audit.operation(record, "update", note="结案"):
        record.save()
    return record


@transaction.atomic
def delete_investigation(user, record: Investigation) -> None:
    _require(user, record.person)
    with audit.operation(record.person, "update", note=f"删除立案审查记录：{record}") as op:
        op.fact("删除立案审查记录", None, old=str(record))
        record.delete()

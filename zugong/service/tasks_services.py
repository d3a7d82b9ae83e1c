"""The operations on an item (事项) and its clock: one function per step of `steps.STEPS` (except 满意度回访, 复办
and 销号, which `satisfaction_services` owns). Each checks its own values and writes the step through
`casework.record_step` (one audited operation); the clock (`clock.recompute`) is kept in the same operation.

A day the working calendar does not cover refuses the step with `CalendarMissing`'s Chinese message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from zugong.core import scope, workdays
from zugong.core.casework import services as casework
from zugong.core.casework.services import StepRecord, StepResult, require_visible
from zugong.members.models import Membership

from . import clock, satisfaction_services
from .models import Extension, Pause, Phase, ServiceTask, TaskCategory, UrgencyClass
from .models.tasks import Status
from .steps import WORKFLOW

MEMBER_STATUSES = Membership.ACTIVE_STATUSES


def _calendar(call, field: str = "on"):
    """Run a clock computation; a day the calendar lacks becomes a Chinese error on `field`."""
    try:
        return call()
    except workdays.CalendarMissing as exc:
        raise ValidationError({field: str(exc)}) from exc


def members(people):
    """The people (a queryset) who are party members (正式或预备党员): those a member may claim for."""
    return people.filter(Exists(Membership.objects.unrestricted().filter(person=OuterRef("pk"),
                                                                        status__in=MEMBER_STATUSES)))


def number_for(task: ServiceTask) -> str:
    return f"BS-{task.received_on:%Y}-{task.pk:06d}"


def _record(on: dt.date, note: str = "", **extra) -> StepRecord:
    return StepRecord(on=on, note=note, **extra)


# ---------------------------------------------------------------- 受理


def open_task(user, organization, *, title: str, urgency: UrgencyClass, received_on: dt.date,
              limit_workdays: int | None = None, category: TaskCategory | None = None, source: str = "visit",
              source_ref: str = "", campaign=None, list_kind: str = "project", supervisor=None, leader=None,
              owner=None, area: str = "", beneficiaries: int = 1, households: int = 1, requester_name: str = "",
              requester_phone: str = "", description: str = "",
              phases: Iterable[tuple[str, dt.date]] = (), record: StepRecord | None = None) -> StepResult:
    """受理: take in an item for `organization` (the responsible organization); its clock starts the day received
    (that day not counted) with the urgency class's time limit unless one is given."""
    WORKFLOW.require(user, organization.path, f"“{organization.name}”的办实事事项")
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = "请填写事项名称"
    if urgency is None or not urgency.active:
        errors["urgency"] = "请选择启用的紧急程度"
    elif not UrgencyClass.objects.visible_to(user).filter(pk=urgency.pk).exists():
        errors["urgency"] = "所选紧急程度不适用于您的管辖范围"
    if category is not None and not TaskCategory.objects.visible_to(user).filter(pk=category.pk).exists():
        errors["category"] = "所选事项类别不适用于您的管辖范围"
    if limit_workdays is not None and not 1 <= limit_workdays <= 3650:
        errors["limit_workdays"] = "办结时限应为 1 至 3650 个工作日"
    for field, value, label in (("beneficiaries", beneficiaries, "受益群众（人）"),
                                ("households", households, "受益户数")):
        if value is None or value < 0:
            errors[field] = f"{label}不能为负数"
    phases = [(str(t).strip(), d) for t, d in phases if str(t or "").strip()]
    for number, (_title, planned) in enumerate(phases, start=1):
        if planned is None or planned < received_on:
            errors["phases"] = f"第{number}期的计划完成日期不能早于受理日期"
    if errors:
        raise ValidationError(errors)
    for person, label in ((leader, "责任领导"), (owner, "责任人")):
        require_visible(user, person, label)
    for org, label in ((supervisor, "督办单位"),):
        require_visible(user, org, label)
    if campaign is not None:
        require_visible(user, campaign, "所属活动（清单）")
    record = record or _record(received_on)
    record.on = received_on
    task = ServiceTask(organization=organization, title=title.strip(), description=description.strip(),
                       source=source, source_ref=source_ref.strip(), category=category, campaign=campaign,
                       list_kind=list_kind, supervisor=supervisor, leader=leader, owner=owner, area=area.strip(),
                       beneficiaries=beneficiaries, households=households, requester_name=requester_name.strip(),
                       requester_phone=(requester_phone or "").strip(), urgency=urgency,
                       limit_workdays=limit_workdays or urgency.limit_workdays, received_on=received_on,
                       clock_from=received_on, status=Status.PENDING)
    task.deadline = _calendar(lambda: clock.deadline_after(received_on, task.limit_workdays), "received_on")
    WORKFLOW.check_dates(task)
    with transaction.atomic():
        task.save()  # audited as a creation with every value
        for number, (phase_title, planned) in enumerate(phases, start=1):
            Phase.objects.create(task=task, number=number, title=phase_title[:200], planned_on=planned)
        return casework.record_step(WORKFLOW, user, task, "receive", record,
                                    {"received_on": received_on, "number": number_for(task)})


# ---------------------------------------------------------------- 交办、认领、签收


def assign(user, task: ServiceTask, record: StepRecord, *, organization=None, owner=None,
           leader=None) -> StepResult:
    """交办: hand the item to an organization (it moves there: the user must be able to change both) and/or a
    responsible person and leader."""
    values: dict = {"assigned_on": record.on}
    if organization is not None and organization.pk != task.organization_id:
        if not scope.can(user, "change", organization.path):
            raise ValidationError({"organization": "所选组织不存在或不在您的管辖范围内"})
        values["organization"] = organization
    require_visible(user, owner, "责任人")
    require_visible(user, leader, "责任领导")
    if owner is not None:
        values["owner"] = owner
    if leader is not None:
        values["leader"] = leader
    if len(values) == 1:
        raise ValidationError("请选择承办组织、责任人或责任领导")
    return casework.record_step(WORKFLOW, user, task, "assign", record, values)


def claim(user, task: ServiceTask, record: StepRecord, *, person) -> StepResult:
    """党员认领: a party member takes the item on (待认领 → 办理中); they become its responsible person if it
    has none."""
    if person is None:
        raise ValidationError({"person": "请选择认领的党员"})
    require_visible(user, person, "认领党员")
    if not members(type(person).objects.unrestricted().filter(pk=person.pk)).exists():
        raise ValidationError({"person": f"{person.name}不是党员，不能认领"})
    values = {"claimed_on": record.on, "claimed_by": person}
    if task.owner_id is None:
        values["owner"] = person
    if task.status == Status.PENDING:
        values["status"] = Status.ACTIVE
    record.done_by_person = record.done_by_person or person
    return casework.record_step(WORKFLOW, user, task, "claim", record, values)


def sign(user, task: ServiceTask, record: StepRecord) -> StepResult:
    """签收: the responsible unit acknowledges the item (待认领 → 办理中)."""
    values: dict = {"signed_on": record.on}
    if task.status == Status.PENDING:
        values["status"] = Status.ACTIVE
    return casework.record_step(WORKFLOW, user, task, "sign", record, values)


# ---------------------------------------------------------------- 办理


def report(user, task: ServiceTask, record: StepRecord, *, phase: Phase | None = None, phase_done: bool = False,
           photos: Iterable = ()) -> StepResult:
    """进展报告 with photos and documents (the record's document and `photos`, each one a `TaskDocument`); for a
    分期办 item, the report may concern a phase and mark it done."""
    if phase is not None and phase.task_id != task.pk:
        raise ValidationError({"phase": "所选阶段不属于该事项"})
    if phase_done and phase is None:
        raise ValidationError({"phase": "请选择已完成的阶段"})
    values: dict = {"last_report_on": record.on}
    if task.status == Status.PENDING:
        values["status"] = Status.ACTIVE
    photos = [p for p in photos if p]

    def side_effect(case, op):
        if phase is not None and phase_done:
            phase.completed_on = record.on
            phase.save()
            op.fact("阶段完成", f"{phase}（{record.on:%Y-%m-%d}）", field="phase")

    with transaction.atomic():
        result = casework.record_step(WORKFLOW, user, task, "report", record, values, after=side_effect)
        if phase is not None:
            result.step.phase = phase
            result.step.save(update_fields=["phase"])
        for photo in photos:
            casework.add_document(WORKFLOW, user, result.step, photo, getattr(photo, "name", "现场照片"))
    return result


def urge(user, task: ServiceTask, record: StepRecord) -> StepResult:
    """催办: the supervising side presses the responsible one (recorded on the timeline)."""
    return casework.record_step(WORKFLOW, user, task, "urge", record, {"last_urged_on": record.on})


def pause(user, task: ServiceTask, record: StepRecord, *, reason: str) -> StepResult:
    """暂停计时 (e.g. waiting for the requester): the clock stops from the day after `record.on`. Refused while
    paused and after the deadline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写暂停原因"})
    if task.deadline and record.on > task.deadline:
        raise ValidationError({"on": f"办结期限（{task.deadline:%Y年%-m月%-d日}）已过，不能暂停计时"})
    if record.on < task.clock_from:
        raise ValidationError({"on": f"暂停日期不能早于计时起始日期（{task.clock_from:%Y-%m-%d}）"})
    previous = task.status

    def open_pause(case, op):
        Pause.objects.create(task=case, paused_on=record.on, reason=reason[:200])
        op.fact("暂停原因", reason, field="reason")
        op.fact("暂停前状态", Status(previous).label, field="status")

    record.note = record.note or reason
    return casework.record_step(WORKFLOW, user, task, "pause", record,
                                {"status": Status.PAUSED, "paused_since": record.on}, after=open_pause)


def _running_status(task: ServiceTask) -> str:
    """The status an item returns to when its clock runs again."""
    if task.reopened_on and task.clock_from == task.reopened_on:
        return Status.REOPENED
    if task.claimed_on or task.signed_on or task.last_report_on:
        return Status.ACTIVE
    return Status.PENDING


def resume(user, task: ServiceTask, record: StepRecord) -> StepResult:
    """恢复计时: the open pause ends; its working days (paused_on, resumed_on] move the deadline."""
    open_pause = Pause.objects.unrestricted().filter(task=task, resumed_on__isnull=True).first()
    if open_pause is None:
        raise ValidationError("该事项未暂停计时")
    if record.on < open_pause.paused_on:
        raise ValidationError({"on": f"恢复日期不能早于暂停日期（{open_pause.paused_on:%Y-%m-%d}）"})
    days = _calendar(lambda: clock.paused_workdays(open_pause.paused_on, record.on))

    def close_pause(case, op):
        open_pause.resumed_on, open_pause.workdays = record.on, days
        open_pause.save()
        clock.recompute(case)
        op.fact("暂停工作日", f"{days} 个工作日（{open_pause.paused_on:%Y-%m-%d} 至 {record.on:%Y-%m-%d}）",
                field="paused_workdays")
        op.fact("办结期限", f"{case.deadline:%Y-%m-%d}", field="deadline")

    return casework.record_step(WORKFLOW, user, task, "resume", record,
                                {"status": _running_status(task), "paused_since": None}, after=close_pause)


def request_extension(user, task: ServiceTask, record: StepRecord, *, workdays: int, reason: str) -> StepResult:
    """申请延期: must be made on or before the deadline, one request at a time; approved by the department above
    (`decide_extension`)."""
    reason = (reason or "").strip()
    errors = {}
    if not workdays or workdays < 1 or workdays > 365:
        errors["workdays"] = "申请延期应为 1 至 365 个工作日"
    if not reason:
        errors["reason"] = "请填写延期理由"
    if errors:
        raise ValidationError(errors)
    if task.deadline and record.on > task.deadline:
        raise ValidationError({"on": f"延期申请应在办结期限（{task.deadline:%Y年%-m月%-d日}）前提出；"
                                     f"{record.on:%Y年%-m月%-d日}已超过期限，不能申请延期"})
    if Extension.objects.unrestricted().filter(task=task, decision=Extension.Decision.PENDING).exists():
        raise ValidationError("该事项已有待审批的延期申请，请待审批后再申请")

    def create(case, op):
        Extension.objects.create(task=case, requested_on=record.on, workdays=workdays, reason=reason[:300],
                                 deadline_before=case.deadline)
        op.fact("申请延期", f"{workdays} 个工作日：{reason}", field="extension")

    record.note = record.note or reason
    return casework.record_step(WORKFLOW, user, task, "extension_request", record, {}, after=create)


def decide_extension(user, task: ServiceTask, record: StepRecord, *, extension: Extension, approved: bool,
                     workdays: int | None = None, note: str = "") -> StepResult:
    """延期审批: by a user with the `manage` action on the item's organization (the department above, an
    administrator); approved days move the deadline."""
    if not scope.can(user, "manage", task.org_path):
        raise PermissionDenied("延期申请须由上级组织部门或管理员审批")
    if extension is None or extension.task_id != task.pk:
        raise ValidationError({"extension": "所选延期申请不属于该事项"})
    if extension.decision != Extension.Decision.PENDING:
        raise ValidationError({"extension": "该延期申请已审批"})
    if record.on < extension.requested_on:
        raise ValidationError({"on": f"审批日期不能早于申请日期（{extension.requested_on:%Y-%m-%d}）"})
    granted = (workdays if workdays is not None else extension.workdays) if approved else 0
    if approved and not 1 <= granted <= 365:
        raise ValidationError({"workdays": "同意延期应为 1 至 365 个工作日"})
    who = getattr(user, "display_name", "") or user.get_username()

    def decide(case, op):
        extension.decision = Extension.Decision.APPROVED if approved else Extension.Decision.REFUSED
        extension.decided_on, extension.decided_by = record.on, who[:60]
        extension.approved_workdays, extension.decision_note = granted, (note or "").strip()[:300]
        extension.save()
        if approved:
            _calendar(lambda: clock.recompute(case))
            op.fact("延期审批", f"同意延期 {granted} 个工作日，办结期限为 {case.deadline:%Y-%m-%d}", field="extension")
        else:
            op.fact("延期审批", "不同意延期", field="extension")

    record.note = record.note or (note or "").strip()
    return casework.record_step(WORKFLOW, user, task, "extension_decision", record, {}, after=decide)


def complete(user, task: ServiceTask, record: StepRecord) -> StepResult:
    """办结: the item is done; on time when done by the deadline; the satisfaction check opens
    (`satisfaction_services.open_survey`) in the same operation."""
    if record.on < task.clock_from:
        raise ValidationError({"on": f"办结日期不能早于计时起始日期（{task.clock_from:%Y-%m-%d}）"})
    on_time = task.deadline is None or record.on <= task.deadline

    def survey(case, op):
        op.fact("按期办结", "是" if on_time else f"否（办结期限 {case.deadline:%Y-%m-%d}）", field="on_time")
        satisfaction_services.open_survey(case, record.on, op)

    return casework.record_step(WORKFLOW, user, task, "complete", record,
                                {"completed_on": record.on, "on_time": on_time, "status": Status.DONE},
                                after=survey)


def terminate(user, task: ServiceTask, record: StepRecord, *, reason: str) -> StepResult:
    """终止: the item will not be done (withdrawn, merged, outside the organization's remit); the reason is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写终止原因"})

    def end_pause(case, op):
        Pause.objects.unrestricted().filter(task=case, resumed_on__isnull=True).update(resumed_on=record.on)

    return casework.record_step(WORKFLOW, user, task, "termination", record,
                                {"terminated_on": record.on, "termination_reason": reason[:300],
                                 "status": Status.TERMINATED, "paused_since": None}, after=end_pause)

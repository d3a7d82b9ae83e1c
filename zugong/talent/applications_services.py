"""The application chain's operations (申报 to 认定), one function per step, each through
`casework.record_step` (one audited operation) and registered for the step page in `actions.ACTIONS`
(`ACTIONS[kind](user, case, record, data)`, `data` the step form's `cleaned_data`).

The rules the steps name (`rules/applications.py`): 单位推荐 is judged by `talent.unit_quota` (the recommending
organization's quota over its whole subtree, and the tier's total), 公示 by `talent.notice_working_days` (the
edition's `notice_workdays` on the working-day calendar), 认定 by `talent.recognized_after_notice` (after the
公示 ended, no objection pending or upheld). A day the calendar does not cover refuses the 公示 with the
kernel's message (`workdays.CalendarMissing`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from zugong.core import workdays
from zugong.core.casework import services as casework
from zugong.core.casework.services import StepRecord, StepResult, require_visible

from . import actions, pool_services, precheck_services
from .models import Application, CoApplicant, Edition, Objection
from .models.applications import Status
from .steps import WORKFLOW

BLOCKING_OUTCOMES = (Objection.Outcome.PENDING, Objection.Outcome.UPHELD)


def edition_open_problem(edition: Edition, on: dt.date) -> str:
    """Why `edition` takes no application dated `on` ("" when it does)."""
    if edition.status != Edition.Status.OPEN:
        return f"“{edition.title}”{edition.get_status_display()}，不接受申报"
    if edition.opens_on and on < edition.opens_on or edition.closes_on and on > edition.closes_on:
        start = f"{edition.opens_on:%Y-%m-%d}" if edition.opens_on else "发布之日"
        end = f"{edition.closes_on:%Y-%m-%d}" if edition.closes_on else "截止之日"
        return f"申报日期 {on:%Y-%m-%d} 不在“{edition.title}”的申报期（{start} 至 {end}）内"
    return ""


# ---------------------------------------------------------------- 申报


def open_application(user, *, edition: Edition, tier, person, organization, unit=None, unit_name: str = "",
                     field: str, title: str = "", summary: str = "", applied_on: dt.date,
                     record: StepRecord | None = None, co_applicants: Iterable = (), supervisor=None,
                     supervisor_name: str = "") -> StepResult:
    """申报: `person` applies to `edition` for `tier`, recommended by `organization` (the case's scope).
    Refused when the edition is not open on `applied_on`, the tier is not the edition's, or the person has
    already applied to the edition. `co_applicants`: people (`Person`) or {"name", "unit_name", "person"}."""
    if organization is None:
        raise ValidationError({"organization": "请选择推荐单位"})
    WORKFLOW.require(user, organization.path, f"“{organization.name}”的人才项目申报")
    errors: dict[str, str] = {}
    if edition is None:
        errors["edition"] = "请选择申报批次"
    elif applied_on is None:
        errors["applied_on"] = "请填写申报日期"
    else:
        problem = edition_open_problem(edition, applied_on)
        if problem:
            errors["edition" if edition.status != Edition.Status.OPEN else "applied_on"] = problem
    if tier is None:
        errors["tier"] = "请选择申报层次"
    elif edition is not None and tier.edition_id != edition.pk:
        errors["tier"] = f"“{tier.name}”不是“{edition.title}”的层次"
    if person is None:
        errors["person"] = "请选择申报人"
    elif edition is not None and Application.objects.unrestricted().filter(edition=edition, person=person).exists():
        # System-wide on purpose: one application per person and edition, whoever recommended it.
        errors["person"] = f"{person.name}已申报“{edition.title}”，不能重复申报"
    if not (field or "").strip():
        errors["field"] = "请填写专业领域"
    if errors:
        raise ValidationError(errors)
    require_visible(user, person, "申报人")
    require_visible(user, supervisor, "导师或直接上级")
    if unit is not None:
        require_visible(user, unit, "工作单位")
    record = record or StepRecord(on=applied_on)
    record.on = applied_on
    case = Application(edition=edition, tier=tier, person=person, organization=organization, unit=unit,
                       unit_name=(unit_name or (unit.name if unit is not None else "")).strip()[:100],
                       field=field.strip()[:60], title=(title or "").strip()[:200], summary=(summary or "").strip(),
                       supervisor=supervisor, supervisor_name=(supervisor_name or "").strip()[:50],
                       applied_on=applied_on, status=Status.APPLIED)
    WORKFLOW.check_dates(case)
    with transaction.atomic():
        case.save()  # audited as a creation with every value

        def add_co_applicants(case, op):
            rows = []
            for co in co_applicants:
                if co is None:
                    continue
                if isinstance(co, dict):
                    person_row = co.get("person")
                    name = (co.get("name") or (person_row.name if person_row else "")).strip()
                    rows.append(CoApplicant(application=case, person=person_row, name=name[:50],
                                            unit_name=(co.get("unit_name") or "").strip()[:100]))
                elif isinstance(co, str):
                    if co.strip():
                        rows.append(CoApplicant(application=case, name=co.strip()[:50]))
                else:
                    rows.append(CoApplicant(application=case, person=co, name=co.name))
            for row in rows:
                row.save()
            if rows:
                op.fact("合作申报人", "、".join(r.name for r in rows), field="co_applicants")

        return casework.record_step(WORKFLOW, user, case, "apply", record, {"applied_on": applied_on},
                                    after=add_co_applicants)


# ---------------------------------------------------------------- 单位推荐


def recommend(user, case: Application, record: StepRecord, *, opinion: str = "") -> StepResult:
    """单位推荐: the recommending organization recommends the application (its quota and the tier's judged by
    `talent.unit_quota`); the pre-check is then evaluated and stored."""
    values: dict = {"recommended_on": record.on}
    if case.status == Status.APPLIED:
        values["status"] = Status.RECOMMENDED
    if opinion.strip():
        record.note = "\n".join(t for t in (opinion.strip(), record.note.strip()) if t)
    with transaction.atomic():
        result = casework.record_step(WORKFLOW, user, case, "recommend", record, values)
        precheck_services.refresh(user, [case])
    return result


@actions.action("recommend")
def _recommend(user, case, record, data):
    return recommend(user, case, record, opinion=data.get("opinion", ""))


# ---------------------------------------------------------------- 资格审查


def qualify(user, case: Application, record: StepRecord, *, decision: str, reason: str = "") -> StepResult:
    """资格审查: the human decision on the stored pre-check — passed (资格审查通过) or failed (未通过, with the
    reason: the application ends)."""
    if decision not in Application.Decision.values:
        raise ValidationError({"decision": "请选择审查结论"})
    reason = (reason or "").strip()
    if decision == Application.Decision.FAILED and not reason:
        raise ValidationError({"reason": "资格审查不通过的，请填写理由"})
    values = {"qualified_on": record.on, "qualification": decision,
              "status": Status.QUALIFIED if decision == Application.Decision.PASSED else Status.REJECTED}
    if reason:
        record.note = "\n".join(t for t in (reason, record.note.strip()) if t)
    met = [c for c in case.precheck or [] if c.get("met") is False]

    def say(case, op):
        op.fact("资格审查结论", Application.Decision(decision).label + (f"：{reason}" if reason else ""),
                field="qualification")
        if met:
            op.fact("预审不符合的条件", "；".join(c.get("condition", "") for c in met), field="precheck")

    return casework.record_step(WORKFLOW, user, case, "qualify", record, values, after=say)


@actions.action("qualify")
def _qualify(user, case, record, data):
    return qualify(user, case, record, decision=data["decision"], reason=data.get("reason", ""))


# ---------------------------------------------------------------- 专家评审（recorded when a round is published)


def record_review(user, case, record, *, score, rank=None):
    """The 专家评审 step of one application: its published score (and rank in its round). Called for every
    application of a round by `review_services.publish`."""
    values = {"reviewed_on": record.on, "review_score": score, "review_rank": rank, "status": "reviewed"}
    return casework.record_step(WORKFLOW, user, case, "review", record, values)


# ---------------------------------------------------------------- 审定


def approve(user, case: Application, record: StepRecord, *, decision: str, reason: str = "") -> StepResult:
    """审定 by the talent-work leading group (人才工作领导小组), after the expert review: passed (已审定, to the
    公示) or failed (未通过)."""
    if decision not in Application.Decision.values:
        raise ValidationError({"decision": "请选择审定结论"})
    reason = (reason or "").strip()
    if decision == Application.Decision.FAILED and not reason:
        raise ValidationError({"reason": "审定不通过的，请填写理由"})
    if reason:
        record.note = "\n".join(t for t in (reason, record.note.strip()) if t)
    values = {"approved_on": record.on, "approval": decision,
              "status": Status.APPROVED if decision == Application.Decision.PASSED else Status.REJECTED}
    return casework.record_step(WORKFLOW, user, case, "approve", record, values)


@actions.action("approve")
def _approve(user, case, record, data):
    return approve(user, case, record, decision=data["decision"], reason=data.get("reason", ""))


# ---------------------------------------------------------------- 公示


def notice_days(start: dt.date, end: dt.date) -> int:
    """Working days of a 公示 from `start` to `end`, both counted (holidays and weekends not, 调休 Saturdays
    yes); `ValidationError` on `notice_end` with the kernel's message when the calendar lacks a day."""
    try:
        return workdays.count_between(start, end)
    except workdays.CalendarMissing as exc:
        raise ValidationError({"notice_end": str(exc)}) from exc


def public_notice(user, case: Application, record: StepRecord, *, end: dt.date) -> StepResult:
    """公示 from `record.on` to `end`: at least the edition's `notice_workdays` working days (rule
    `talent.notice_working_days`). Only an approved application (审定通过) is published."""
    if end is None:
        raise ValidationError({"notice_end": "请填写公示结束日期"})
    if end < record.on:
        raise ValidationError({"notice_end": "公示结束日期不能早于开始日期"})
    if case.approval != Application.Decision.PASSED:
        raise ValidationError("审定通过的申报方可公示")
    days = notice_days(record.on, end)
    values = {"notice_start": record.on, "notice_end": end}
    if case.status in (Status.APPROVED, Status.NOTICE):
        values["status"] = Status.NOTICE

    def say(case, op):
        op.fact("公示期", f"{record.on:%Y-%m-%d} 至 {end:%Y-%m-%d}，{days} 个工作日", field="notice_end")

    return casework.record_step(WORKFLOW, user, case, "public_notice", record, values, after=say)


@actions.action("public_notice")
def _public_notice(user, case, record, data):
    return public_notice(user, case, record, end=data.get("end"))


# ---------------------------------------------------------------- 公示异议


def objection(user, case: Application, record: StepRecord, *, content: str = "", answering: Objection | None = None,
              answer: str = "", outcome: str = "") -> StepResult:
    """公示异议: a new objection received on `record.on` (`content`), or the answer to one (`answering`: 核查情况
    `answer` and 核查结论 `outcome`, dismissed or upheld). A pending or upheld objection blocks the 认定."""
    if answering is None:
        content = (content or "").strip()
        if not content:
            raise ValidationError({"content": "请填写反映内容"})
        if case.notice_start and record.on < case.notice_start:
            raise ValidationError({"on": f"收到日期不能早于公示开始日期（{case.notice_start:%Y-%m-%d}）"})

        def receive(case, op):
            row = Objection.objects.create(application=case, received_on=record.on, content=content)
            op.fact("收到异议", f"{row.received_on:%Y-%m-%d}：{content[:100]}", field="objection")

        return casework.record_step(WORKFLOW, user, case, "objection", record, {}, after=receive)
    if answering.application_id != case.pk:
        raise ValidationError({"objection": "所选异议不属于该申报"})
    if outcome not in (Objection.Outcome.DISMISSED, Objection.Outcome.UPHELD):
        raise ValidationError({"outcome": "请选择核查结论（反映不实或反映属实）"})
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "请填写核查情况"})
    if record.on < answering.received_on:
        raise ValidationError({"on": f"核查日期不能早于收到异议的日期（{answering.received_on:%Y-%m-%d}）"})

    def respond(case, op):
        answering.answered_on, answering.answer, answering.outcome = record.on, answer, outcome
        answering.save()
        op.fact("异议核查", f"{answering.received_on:%Y-%m-%d}收到的异议：{Objection.Outcome(outcome).label}，{answer[:100]}",
                field="objection")

    return casework.record_step(WORKFLOW, user, case, "objection", record, {}, after=respond)


@actions.action("objection")
def _objection(user, case, record, data):
    return objection(user, case, record, content=data.get("content", ""), answering=data.get("objection"),
                     answer=data.get("answer", ""), outcome=data.get("outcome", ""))


# ---------------------------------------------------------------- 认定


def recognize(user, case: Application, record: StepRecord) -> StepResult:
    """认定: after the 公示 ended with no objection pending or upheld (rule `talent.recognized_after_notice`);
    the talent is created in the same operation (`pool_services.create_talent`)."""

    def grant(case, op):
        pool_services.create_talent(op, case, record.on)

    return casework.record_step(WORKFLOW, user, case, "recognize", record,
                                {"recognized_on": record.on, "status": Status.RECOGNIZED}, after=grant)


@actions.action("recognize")
def _recognize(user, case, record, data):
    return recognize(user, case, record)


# ---------------------------------------------------------------- 终止


def terminate(user, case: Application, record: StepRecord, *, reason: str) -> StepResult:
    """终止 (withdrawn, or stopped) with the reason; the application ends."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写终止原因"})
    if case.status in (Status.RECOGNIZED, Status.EXITED):
        raise ValidationError("已认定的人才请办理“退出”")
    return casework.record_step(WORKFLOW, user, case, "termination", record,
                                {"terminated_on": record.on, "termination_reason": reason[:300],
                                 "status": Status.TERMINATED})


@actions.action("termination")
def _terminate(user, case, record, data):
    return terminate(user, case, record, reason=data.get("reason", ""))

"""Dispatch and rotation operations: authorized, validated, transactional and audited.

Every function checks that the user may change records on the side it acts for, validates in Chinese, writes
in one transaction (the audit entries of the rows come from the audit signals; steps that are more than a
field change add a note), then lets the rules judge the record with `rules.enforce`: an error-severity
violation (a term shorter than the program's minimum) refuses the step unless an authorized administrator
records an exception with a reason; warnings and reminders come back to be shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, rules, scope, workdays
from zugong.core.dates import add_months
from zugong.orgs.models import Organization, Unit
from zugong.people.models import Person

from .models import Dispatch, DispatchReport, Evaluation, Program, Rotation, TargetGroup, WorkTeam

DISPATCH_RULES = ["dispatch.term_too_short"]


@dataclass
class Result:
    obj: object
    warnings: list[str] = field(default_factory=list)


def _require(user, path: str, what: str) -> None:
    if not scope.can(user, "change", path):
        raise PermissionDenied(f"您无权修改{what}")


def _require_visible(user, obj, label: str, path_attr: str = "org_path") -> None:
    if obj is not None and not scope.can(user, "view", getattr(obj, path_attr)):
        raise ValidationError(f"{label}不存在或不在您的管辖范围内")


def can_change(user, record) -> bool:
    """Either side may change a record: the sending side, and the host side that manages the person day to day."""
    return any(scope.can(user, "change", p) for p in scope.side_paths(record))


def _require_change(user, record, what: str) -> None:
    if not can_change(user, record):
        raise PermissionDenied(f"您无权修改{what}")


def _warnings(found) -> list[str]:
    return [f"{r.describe(row)}（{r.edition_on(row.get(r.event_field)).citation}）" for r, row in found]


def program_applies(program: Program, organization: Organization) -> bool:
    """A program applies to its organization's subtree; a national one (empty path) everywhere."""
    return organization.path.startswith(program.org_path)


def programs_for(user):
    """Active programs issued within or above the user's subtrees, and the national ones."""
    return Program.objects.visible_to(user).filter(active=True).select_related("organization")


def _check_host(host_org: Organization | None, host_unit: Unit | None, host_name: str) -> str:
    if host_org is None and host_unit is None and not host_name.strip():
        raise ValidationError({"host_name": "请选择驻在党组织或接收单位，或填写其名称"})
    return host_name.strip() or str(host_org or host_unit)


# ---------------------------------------------------------------- dispatches


def create_dispatch(user, *, program: Program, person: Person, organization: Organization, start_on: dt.date,
                    end_on: dt.date | None = None, target_group: str = TargetGroup.OTHER,
                    host_org: Organization | None = None, host_unit: Unit | None = None, host_name: str = "",
                    host_title: str = "", sending_unit: Unit | None = None, sending_unit_name: str = "",
                    original_title: str = "", mentor: Person | None = None, mentor_name: str = "",
                    team: WorkTeam | None = None, team_role: str = "", document_no: str = "", note: str = "",
                    exception_reason: str = "") -> Result:
    """Send a person by a program from the sending organization to a host; the term defaults to the program's."""
    _require(user, organization.path, f"“{organization.name}”的选派记录")
    _require_visible(user, person, "人员")
    _require_visible(user, mentor, "导师")
    _require_visible(user, sending_unit, "派出单位")
    if not program.active:
        raise ValidationError({"program": f"选派项目“{program.name}”已停用"})
    if not program_applies(program, organization):
        raise ValidationError({"program": f"选派项目“{program.name}”不适用于“{organization.name}”"})
    if program.target_groups and target_group not in program.target_groups:
        raise ValidationError({"target_group": f"“{program.name}”的选派对象为{program.target_group_labels()}"})
    host_name = _check_host(host_org, host_unit, host_name)
    end_on = end_on or add_months(start_on, program.default_term_months)
    if end_on <= start_on:
        raise ValidationError({"end_on": "期满日期应晚于开始日期"})
    if start_on > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError({"start_on": "开始日期不能晚于一年以后"})
    if team is not None:
        if team.program_id != program.pk:
            raise ValidationError({"team": f"工作队“{team.name}”属于“{team.program.name}”，与所选项目不同"})
        if team.status != WorkTeam.Status.ACTIVE:
            raise ValidationError({"team": f"工作队“{team.name}”已期满撤回"})
    overlap = Dispatch.objects.unrestricted().filter(person=person, status=Dispatch.Status.ACTIVE,
                                                     start_on__lt=end_on, end_on__gt=start_on)
    if overlap.exists():
        other = overlap.select_related("program").first()
        raise ValidationError({"person": f"{person.name}已在“{other.program.name}”选派期内"
                                         f"（{other.start_on:%Y-%m-%d} 至 {other.end_on:%Y-%m-%d}），不能重复选派"})
    with transaction.atomic():
        record = Dispatch.objects.create(
            program=program, person=person, organization=organization, target_group=target_group,
            host_org=host_org, host_unit=host_unit, host_name=host_name, host_title=host_title.strip(),
            sending_unit=sending_unit, sending_unit_name=sending_unit_name.strip() or str(sending_unit or ""),
            original_title=original_title.strip(), mentor=mentor, mentor_name=mentor_name.strip(), team=team,
            team_role=team_role if team else "", start_on=start_on, end_on=end_on, document_no=document_no.strip(),
            note=note.strip())
        found = rules.enforce(DISPATCH_RULES, record, user=user, exception_reason=exception_reason)
        if team is not None:
            rules.judge_changes()  # the changed rows, by the rules that read them
    return Result(record, _warnings(found))


def extend_term(user, record: Dispatch, *, end_on: dt.date, reason: str, exception_reason: str = "") -> Result:
    """Move the end of the term (延期); the reason goes into the audit log."""
    _require_change(user, record, "该选派记录")
    if not record.is_active:
        raise ValidationError(f"该选派已{record.get_status_display()}，不能调整期满日期")
    if end_on <= record.start_on:
        raise ValidationError({"end_on": "期满日期应晚于开始日期"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写调整期满日期的原因"})
    with audit.operation(record, "update", note=f"调整期满日期：{reason.strip()}"):
        record.end_on = end_on
        record.save()  # its diff (期满日期) is the operation's entry
        found = rules.enforce(DISPATCH_RULES, record, user=user, exception_reason=exception_reason)
    return Result(record, _warnings(found))


def recall(user, record: Dispatch, *, on: dt.date, reason: str) -> Result:
    """Early recall (提前召回): a dated end with its reason (Shanxi: no recall without cause)."""
    _require_change(user, record, "该选派记录")
    if not record.is_active:
        raise ValidationError(f"该选派已{record.get_status_display()}，不能召回")
    if not reason.strip():
        raise ValidationError({"reason": "提前召回须写明原因"})
    if on < record.start_on:
        raise ValidationError({"on": f"召回日期不能早于开始日期 {record.start_on:%Y-%m-%d}"})
    if on >= record.end_on:
        raise ValidationError({"on": f"召回日期应早于期满日期 {record.end_on:%Y-%m-%d}；期满的请办理期满考核"})
    if on > timezone.localdate():
        raise ValidationError({"on": "召回日期不能晚于今天"})
    with transaction.atomic():
        record.status, record.ended_on, record.recall_reason = Dispatch.Status.RECALLED, on, reason.strip()
        record.save()
        rules.judge_changes()  # the changed rows, by the rules that read them
    return Result(record)


def _own_rules(model: str):
    return [r for r in rules.all_rules() if r.model == model and r.code.startswith("dispatch.")]


# ---------------------------------------------------------------- reports and evaluations


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def record_report(user, record: Dispatch, *, period_start: dt.date, work_log: str,
                  days_in_village: int | None = None, workdays_count: int | None = None,
                  submitted_on: dt.date | None = None) -> Result:
    """A periodic report: the program's period beginning at `period_start` (a month's first day), the days in
    the village and the period's working days (counted on the official calendar within the term when not
    given), and the work log. A report of the same period is corrected, not duplicated."""
    _require_change(user, record, "该选派记录")
    program = record.program
    period_start = _month_start(period_start)
    period_end = add_months(period_start, program.report_every_months) - dt.timedelta(days=1)
    if period_end < record.start_on or period_start > (record.ended_on or record.end_on):
        raise ValidationError({"period_start": f"报告期 {period_start:%Y-%m} 不在选派期内"
                                               f"（{record.start_on:%Y-%m-%d} 至 {record.end_on:%Y-%m-%d}）"})
    today = timezone.localdate()
    if period_start > today:
        raise ValidationError({"period_start": "不能报送尚未开始的报告期"})
    if not work_log.strip():
        raise ValidationError({"work_log": "请填写工作纪实"})
    first, last = max(period_start, record.start_on), min(period_end, record.ended_on or record.end_on)
    if workdays_count is None and (program.village_share_den or days_in_village is not None):
        covered = workdays.covered_until()
        if covered is None or covered < last:
            raise ValidationError({"workdays_count": f"工作日历未包含 {last:%Y-%m-%d}，请填写报告期工作日数"
                                                     "（或由管理员更新节假日安排：zugong calendar sync）"})
        workdays_count = workdays.count_between(first, last)
    span = (last - first).days + 1
    if days_in_village is not None and days_in_village > span:
        raise ValidationError({"days_in_village": f"在村天数 {days_in_village} 多于报告期内的 {span} 天"})
    if program.is_village and days_in_village is None:
        raise ValidationError({"days_in_village": f"{program.get_kind_display()}的工作报告须填写在村天数"})
    submitted_on = submitted_on or today
    values = {"period_end": period_end, "days_in_village": days_in_village, "workdays": workdays_count,
              "work_log": work_log.strip(), "submitted_on": submitted_on, "recorded_by": user,
              "org_path": record.org_path}
    with transaction.atomic():
        report = DispatchReport.objects.unrestricted().filter(dispatch=record, period_start=period_start).first()
        if report is None:
            report = DispatchReport.objects.create(dispatch=record, period_start=period_start, **values)
        else:
            for name, value in values.items():
                setattr(report, name, value)
            report.save()
        found = rules.check_record([r.code for r in _own_rules("dispatch.Dispatch")
                                    if r.code in ("dispatch.village_share", "dispatch.village_days_month")],
                                   record, today)
        rules.judge_changes()  # the changed rows, by the rules that read them
    return Result(report, _warnings(found))


def evaluate(user, record: Dispatch, *, kind: str, grade: str, comments: str, evaluated_on: dt.date,
             year: int | None = None, evaluator: str = "") -> Result:
    """An evaluation; the end-of-term one (期满考核) completes a dispatch whose term has ended."""
    _require_change(user, record, "该选派记录")
    if not comments.strip():
        raise ValidationError({"comments": "请填写考核评语"})
    if evaluated_on < record.start_on:
        raise ValidationError({"evaluated_on": f"考核日期不能早于选派开始日期 {record.start_on:%Y-%m-%d}"})
    if evaluated_on > timezone.localdate():
        raise ValidationError({"evaluated_on": "考核日期不能晚于今天"})
    if kind in (Evaluation.Kind.ANNUAL, Evaluation.Kind.HALF_YEAR) and not year:
        raise ValidationError({"year": "年度考核和半年考核须填写考核年度"})
    if kind == Evaluation.Kind.END_OF_TERM:
        if Evaluation.objects.unrestricted().filter(dispatch=record, kind=kind).exists():
            raise ValidationError({"kind": "该选派已有期满考核"})
        if record.status == Dispatch.Status.RECALLED:
            raise ValidationError({"kind": "已提前召回的选派不作期满考核"})
    with transaction.atomic():
        evaluation = Evaluation.objects.create(dispatch=record, org_path=record.org_path, kind=kind, year=year,
                                               grade=grade, comments=comments.strip(), evaluated_on=evaluated_on,
                                               evaluator=evaluator.strip(), recorded_by=user)
        if kind == Evaluation.Kind.END_OF_TERM and record.is_active:
            record.status = Dispatch.Status.COMPLETED
            record.ended_on = record.end_on
            record.save()
        rules.judge_changes()  # the changed rows, by the rules that read them
    return Result(evaluation)


# ---------------------------------------------------------------- work teams


def create_team(user, *, program: Program, name: str, organization: Organization, start_on: dt.date,
                end_on: dt.date | None = None, host_org: Organization | None = None, host_unit: Unit | None = None,
                host_name: str = "", sending_unit_name: str = "") -> Result:
    """A village work team; its members are then dispatched with `team=`."""
    _require(user, organization.path, f"“{organization.name}”的驻村工作队")
    if program.kind != Program.Kind.WORK_TEAM:
        raise ValidationError({"program": "驻村工作队应选择“驻村工作队”类的选派项目"})
    if not program_applies(program, organization):
        raise ValidationError({"program": f"选派项目“{program.name}”不适用于“{organization.name}”"})
    if not name.strip():
        raise ValidationError({"name": "请填写工作队名称"})
    host_name = _check_host(host_org, host_unit, host_name)
    end_on = end_on or add_months(start_on, program.default_term_months)
    if end_on <= start_on:
        raise ValidationError({"end_on": "期满日期应晚于派驻日期"})
    team = WorkTeam.objects.create(program=program, name=name.strip(), organization=organization,
                                   start_on=start_on, end_on=end_on, host_org=host_org, host_unit=host_unit,
                                   host_name=host_name, sending_unit_name=sending_unit_name.strip())
    return Result(team)


def end_team(user, team: WorkTeam, *, on: dt.date) -> Result:
    """The team's term is over: the team and its active members' dispatches end (members keep their own
    end-of-term evaluations)."""
    _require_change(user, team, "该驻村工作队")
    if team.status != WorkTeam.Status.ACTIVE:
        raise ValidationError("该工作队已期满撤回")
    with transaction.atomic():
        team.status = WorkTeam.Status.ENDED
        team.end_on = on
        team.save()
        rules.judge_changes()  # the changed rows, by the rules that read them
    return Result(team)


# ---------------------------------------------------------------- rotation


def record_rotation(user, *, person: Person, organization: Organization, kind: str, from_level: str,
                    from_unit_name: str, to_level: str, to_unit_name: str, on: dt.date,
                    from_org: Organization | None = None, to_org: Organization | None = None, from_title: str = "",
                    to_title: str = "", reason: str = Rotation.Reason.NEED, document_no: str = "",
                    planned_end_on: dt.date | None = None, note: str = "") -> Result:
    """Record an exchange (交流) of a cadre."""
    _require(user, organization.path, f"“{organization.name}”的干部交流记录")
    _require_visible(user, person, "人员")
    from_unit_name = from_unit_name.strip()
    to_unit_name = to_unit_name.strip()
    errors = {}
    if not from_unit_name:
        errors["from_unit_name"] = "请填写原单位"
    if not to_unit_name:
        errors["to_unit_name"] = "请填写交流单位"
    if from_unit_name and from_unit_name == to_unit_name and kind != Rotation.Kind.POST_ROTATION:
        errors["to_unit_name"] = "交流单位与原单位相同；单位内轮岗请选择“岗位轮岗”"
    if planned_end_on and planned_end_on <= on:
        errors["planned_end_on"] = "约定交流期满应晚于交流日期"
    if on > timezone.localdate() + dt.timedelta(days=366):
        errors["on"] = "交流日期不能晚于一年以后"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rotation = Rotation.objects.create(
            person=person, organization=organization, kind=kind, reason=reason, from_level=from_level,
            from_org=from_org, from_unit_name=from_unit_name, from_title=from_title.strip(), to_level=to_level,
            to_org=to_org, to_unit_name=to_unit_name, to_title=to_title.strip(), on=on,
            document_no=document_no.strip(), planned_end_on=planned_end_on, note=note.strip())
        found = rules.check_record([r.code for r in _own_rules("dispatch.Rotation")], rotation)
    return Result(rotation, _warnings(found))


def end_rotation(user, rotation: Rotation, *, on: dt.date, note: str = "") -> Result:
    """The exchange ends (期满返回, or the cadre moves on): the end date and what happened."""
    _require_change(user, rotation, "该干部交流记录")
    if rotation.returned_on:
        raise ValidationError("该交流已记录结束")
    if on < rotation.on:
        raise ValidationError({"on": f"结束日期不能早于交流日期 {rotation.on:%Y-%m-%d}"})
    if on > timezone.localdate():
        raise ValidationError({"on": "结束日期不能晚于今天"})
    with transaction.atomic():
        rotation.returned_on, rotation.return_note = on, note.strip()
        rotation.save()
        rules.judge_changes()  # the changed rows, by the rules that read them
    return Result(rotation)

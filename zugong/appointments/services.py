"""Selection and appointment operations: one function per step, and the frontline observation records.

Each step checks its own values (counts that add up) and is recorded through
`zugong.core.casework.services.record_step`: authorized, transactional, validated (dates in the order of the
procedure) and audited (one "流程步骤" entry on the case's trail); then the rules the step declares (steps.py)
judge the case: an error-severity violation refuses the step (the transaction rolls back) with the article in
the message, unless an authorized administrator records an exception with a reason (audited). Warnings come
back with the result.

The decision step is where the eligibility rules (regulations.md §6 第八、九条 and the training rule) refuse.
The appointment step changes the cadre record through `zugong.cadres.services.appoint` (the post, the rank,
the document number); the end of the probation confirms the appointment or returns the cadre to the rank held
before it (both audited).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from zugong.cadres import services as cadre_services
from zugong.cadres.models import Cadre, CadrePost
from zugong.core import scope, workdays
from zugong.core.casework import services as casework
from zugong.core.casework.services import StepRecord, StepResult
from zugong.core.dates import add_years
from zugong.orgs.models import Organization

from .models import CaseDocument, CaseStep, Observation, SelectionCase
from .rules import PUBLIC_NOTICE_DAYS
from .steps import WORKFLOW

__all__ = ["StepRecord", "StepResult"]  # with the operations below

PROBATION_YEARS = 1


def _step(user, case: SelectionCase, kind: str, record: StepRecord, values: dict | None = None,
          **options) -> StepResult:
    """Record a step of the selection procedure (`zugong.core.casework.services.record_step`)."""
    return casework.record_step(WORKFLOW, user, case, kind, record, values, **options)


# ---------------------------------------------------------------- 1 动议


def open_case(user, *, cadre: Cadre, organization: Organization, record: StepRecord, title: str, rank: str,
              unit=None, unit_name: str = "", appointment_method: str = CadrePost.Method.APPOINTED,
              probation_applies: bool = False, ends_current_posts: bool = True, reason: str = "",
              exceptional: bool = False, party_committee: str = "") -> StepResult:
    """分析研判和动议: open the case of one cadre for one post. The cadre's rank and post as of today are kept
    on the case (the rules measure the years in it; a failed probation returns to it)."""
    WORKFLOW.require(user, organization.path, f"“{organization.name}”的选拔任用纪实")
    if not scope.can(user, "view", cadre.org_path):
        raise ValidationError({"cadre": "所选干部不存在或不在您的管辖范围内"})
    if unit is not None and not scope.can(user, "view", unit.org_path):
        raise ValidationError({"unit": "所选单位不存在或不在您的管辖范围内"})
    if not organization.is_active:
        raise ValidationError({"organization": "所选组织已撤销"})
    if SelectionCase.objects.unrestricted().filter(cadre=cadre, status=SelectionCase.Status.ACTIVE).exists():
        raise ValidationError({"cadre": f"{cadre.name}已有进行中的选拔任用纪实"})
    if not title.strip():
        raise ValidationError({"title": "请填写拟任职务"})
    case = SelectionCase(
        cadre=cadre, organization=organization, proposed_on=record.on, proposal_reason=reason.strip(),
        unit=unit, unit_name=(unit_name.strip() or (unit.name if unit else "")), title=title.strip(), rank=rank,
        appointment_method=appointment_method, probation_applies=probation_applies,
        ends_current_posts=ends_current_posts, exceptional=exceptional, party_committee=party_committee or "",
        from_rank=cadre.rank or "", from_rank_since=cadre.rank_since, from_title=cadre.current_title or "")
    if not case.unit_name:
        raise ValidationError({"unit_name": "请填写拟任职单位"})
    WORKFLOW.check_dates(case)
    with transaction.atomic():
        case.save()
        return _step(user, case, "proposal", record)


def correct_proposal(user, case: SelectionCase, record: StepRecord) -> StepResult:
    """Correct the recorded proposal (its date, who, the note, a document)."""
    return _step(user, case, "proposal", record, {"proposed_on": record.on})


# ---------------------------------------------------------------- 2 民主推荐


def recommend(user, case: SelectionCase, record: StepRecord, *, participants: int, issued: int, returned: int,
              valid: int, received: int) -> StepResult:
    """民主推荐: the ballots (issued, returned, valid) and the votes the cadre received."""
    errors = {}
    if issued > participants:
        errors["ballots_issued"] = f"发出推荐票 {issued} 张，多于参加推荐人数 {participants} 人"
    if returned > issued:
        errors["ballots_returned"] = f"收回推荐票 {returned} 张，多于发出的 {issued} 张"
    if valid > returned:
        errors["ballots_valid"] = f"有效票 {valid} 张，多于收回的 {returned} 张"
    if received > valid:
        errors["votes_received"] = f"得票 {received} 张，多于有效票 {valid} 张"
    if errors:
        raise ValidationError(errors)
    values = {"recommended_on": record.on, "recommend_participants": participants, "ballots_issued": issued,
              "ballots_returned": returned, "ballots_valid": valid, "votes_received": received}
    return _step(user, case, "recommendation", record, values)


# ---------------------------------------------------------------- 3 考察


# The observations attached to a case are its own cadre's, reached through the (scoped) case:
# prefetch_related(OBSERVATIONS).
OBSERVATIONS = Prefetch("observations", queryset=Observation.objects.unrestricted())


def attached_observations(case: SelectionCase):
    """The frontline observations attached to a case's inspection (the cadre's own, reached through the case)."""
    return Observation.objects.unrestricted().filter(inspections=case).select_related("cadre")


def inspect(user, case: SelectionCase, record: StepRecord, *, end: dt.date, people_talked: int,
            inspectors: str = "", materials: str = "", observations: list[Observation] | None = None) -> StepResult:
    """考察: from `record.on` to `end`, the number of people talked to, the materials, and the frontline
    observation records of the cadre attached to it."""
    if end < record.on:
        raise ValidationError({"end": "考察结束日期不能早于开始日期"})
    chosen = list(observations or [])
    for obs in chosen:
        if obs.cadre_id != case.cadre_id or not scope.can(user, "view", obs.org_path):
            raise ValidationError({"observations": "只能附上该干部本人的一线考察识别记录"})
    old = "、".join(str(o) for o in attached_observations(case)) or None
    new = "、".join(str(o) for o in chosen) or None

    def attach(case, op):
        with scope.bypass():  # the chosen records were checked above
            case.observations.set(chosen)
        if old != new:
            op.fact("一线考察识别记录", new, old=old, field="observations")

    values = {"inspection_start": record.on, "inspection_end": end, "people_talked": people_talked,
              "inspectors": inspectors.strip(), "inspection_materials": materials.strip()}
    return _step(user, case, "inspection", record, values, after=attach)


# ---------------------------------------------------------------- 4 讨论决定


def decide(user, case: SelectionCase, record: StepRecord, *, expected: int, present: int, yes: int,
           no: int | None = None, abstain: int | None = None, exceptional: bool | None = None) -> StepResult:
    """讨论决定: the committee's vote. The eligibility rules judge the cadre as of this day, the quorum and the
    majority (on the members who should attend) judge the vote. `exceptional` (破格提拔), when given, is set with
    the decision: the 破格 limits (2014 第九条) refuse the step, the years-in-post rules then do not apply."""
    errors = {}
    if present > expected:
        errors["members_present"] = f"实到会成员 {present} 人，多于应到会成员 {expected} 人"
    cast = yes + (no or 0) + (abstain or 0)
    if cast > present:
        errors["votes_yes"] = f"同意、不同意、缓议票合计 {cast}，多于实到会成员 {present} 人"
    if errors:
        raise ValidationError(errors)
    values = {"decided_on": record.on, "members_expected": expected, "members_present": present, "votes_yes": yes,
              "votes_no": no, "votes_abstain": abstain}
    if exceptional is not None:
        values["exceptional"] = bool(exceptional)
    return _step(user, case, "decision", record, values)


# ---------------------------------------------------------------- 5 任前公示


def public_notice(user, case: SelectionCase, record: StepRecord, *, days: int = PUBLIC_NOTICE_DAYS,
                  result: str = "") -> StepResult:
    """任前公示 from `record.on` for `days` working days on the official calendar; the end date follows."""
    if days < 1:
        raise ValidationError({"days": "公示工作日数应为正整数"})
    try:
        end = workdays.add_workdays(record.on, days)
    except ValueError as exc:
        raise ValidationError({"days": str(exc)}) from None
    values = {"public_notice_start": record.on, "public_notice_workdays": days, "public_notice_end": end,
              "public_notice_result": result.strip()}
    return _step(user, case, "public_notice", record, values)


def public_notice_end_for(start: dt.date, days: int = PUBLIC_NOTICE_DAYS) -> dt.date:
    return workdays.add_workdays(start, days)


# ---------------------------------------------------------------- 6 任职


def appoint(user, case: SelectionCase, record: StepRecord, *, document_no: str) -> StepResult:
    """任职: the cadre record gets the post and the rank (cadres.services.appoint) with the document number; a
    probation of one year starts where it applies."""
    if not document_no.strip():
        raise ValidationError({"document_no": "请填写任职文号"})
    if case.post_id:
        raise ValidationError("该选拔任用纪实已办理任职")
    probation_until = add_years(record.on, PROBATION_YEARS) if case.probation_applies else None
    status = SelectionCase.Status.PROBATION if case.probation_applies else SelectionCase.Status.COMPLETED

    def change_record(case, op):
        post = cadre_services.appoint(
            case.cadre, user=user, unit=case.unit, unit_name=case.unit_name, title=case.title, rank=case.rank,
            start_on=record.on, appointment_method=case.appointment_method, document_no=document_no.strip(),
            end_current=case.ends_current_posts)
        case.post = post
        op.fact("任职记录", f"{case.unit_name}{case.title}（{case.rank_name}，{document_no.strip()}）", field="post")

    values = {"appointed_on": record.on, "document_no": document_no.strip(), "probation_until": probation_until,
              "status": status}
    return _step(user, case, "appointment", record, values, after=change_record)


# ---------------------------------------------------------------- 7 试用期满


def conclude_probation(user, case: SelectionCase, record: StepRecord, *, result: str) -> StepResult:
    """试用期满考核: confirmed (胜任, the appointment stands) or returned (不胜任: the post ends and the cadre
    returns to the rank held before, 按试用前职级安排)."""
    if result not in SelectionCase.ProbationResult.values:
        raise ValidationError({"result": "请选择试用期满考核结果"})
    if case.probation_until and record.on < case.probation_until and result == SelectionCase.ProbationResult.CONFIRMED:
        raise ValidationError({"on": f"试用期至 {case.probation_until:%Y-%m-%d} 届满，届满后方可正式任职"})
    returned = result == SelectionCase.ProbationResult.RETURNED

    def change_record(case, op):
        if not returned:
            return
        if not case.from_rank:
            raise ValidationError("未记录试用前的职级，无法按试用前职级安排")
        if case.post is not None:
            cadre_services.end_post(case.post, record.on, user)
        cadre_services.set_rank(case.cadre, rank=case.from_rank, start_on=record.on, user=user)
        op.fact("职级", case.from_rank_name, old=case.rank_name, field="rank")

    values = {"probation_concluded_on": record.on, "probation_result": result,
              "status": SelectionCase.Status.RETURNED if returned else SelectionCase.Status.COMPLETED}
    return _step(user, case, "probation", record, values, after=change_record)


def terminate(user, case: SelectionCase, record: StepRecord, *, reason: str) -> StepResult:
    """End the case before the appointment (not recommended, not approved, a problem found in the notice …)."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止原因"})
    values = {"terminated_on": record.on, "termination_reason": reason.strip(),
              "status": SelectionCase.Status.TERMINATED}
    return _step(user, case, "termination", record, values)


def add_document(user, step: CaseStep, upload, title: str = "") -> CaseDocument:
    """Attach one more document to a recorded step."""
    return casework.add_document(WORKFLOW, user, step, upload, title)


# ---------------------------------------------------------------- 一线考察识别

OBSERVATION_FIELDS = ("observed_on", "observed_until", "task_kind", "task", "conduct", "rating", "observer",
                      "observer_unit")


def _check_observation(obs: Observation) -> None:
    errors = {}
    today = timezone.localdate()
    if obs.observed_on and obs.observed_on > today:
        errors["observed_on"] = f"考察日期 {obs.observed_on:%Y-%m-%d} 晚于今天"
    if obs.observed_until and obs.observed_on and obs.observed_until < obs.observed_on:
        errors["observed_until"] = "考察截止日期不能早于考察日期"
    for name, label in (("task", "重大任务"), ("conduct", "现实表现"), ("observer", "考察人")):
        if not (getattr(obs, name) or "").strip():
            errors[name] = f"请填写{label}"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_observation(user, cadre: Cadre, **values) -> Observation:
    """Record a frontline observation of a cadre (audited as a creation)."""
    if not scope.can(user, "view", cadre.org_path):
        raise ValidationError({"cadre": "所选干部不存在或不在您的管辖范围内"})
    WORKFLOW.require(user, cadre.org_path, f"{cadre.name}的干部记录")
    obs = Observation(cadre=cadre, recorded_by=user, **{k: v for k, v in values.items() if k in OBSERVATION_FIELDS})
    _check_observation(obs)
    obs.save()
    return obs


@transaction.atomic
def update_observation(user, obs: Observation, **values) -> Observation:
    WORKFLOW.require(user, obs.org_path, "该一线考察识别记录")
    for name, value in values.items():
        if name in OBSERVATION_FIELDS:
            setattr(obs, name, value)
    _check_observation(obs)
    obs.save()
    return obs


@transaction.atomic
def delete_observation(user, obs: Observation) -> None:
    """Delete an observation not attached to any inspection (audited)."""
    WORKFLOW.require(user, obs.org_path, "该一线考察识别记录")
    if SelectionCase.objects.unrestricted().filter(observations=obs).exists():
        raise ValidationError("该记录已附入考察材料，不能删除")
    obs.delete()

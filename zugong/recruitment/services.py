"""Recruitment operations: one function per step and stage transition.

Each is authorized (the user may change records of the case's organization), transactional, validated
(dates in the order of the process, none in the future) and audited: one "流程步骤" entry on the case's
trail holds the changed fields, the step, who did it and the documents. The step is applied first, then
`rules.enforce` judges the case with the rules of that step: an error-severity violation refuses the step
(the transaction rolls back) with the article in the message, unless an authorized administrator records an
exception with a reason. Warnings (and the findings of configured local rules) come back with the result.

Admission (branch meeting, then the higher committee's approval) creates or updates the person's
`members.Membership`: probationary, joined on the day of the branch meeting (dues are owed from that day).
Conversion makes it full, converted on the day the probation ends (party standing counts from then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, rules, scope
from zugong.core.models import Finding
from zugong.members.models import Membership
from zugong.orgs.models import Organization
from zugong.people.models import Person

from . import steps
from .deadlines import probation_end
from .models import Case, CaseContact, Step, StepDocument, TargetGroup
from .rules import recruitment_rules

FULL, PROBATIONARY = Membership.Status.FULL, Membership.Status.PROBATIONARY


@dataclass
class StepRecord:
    """What every step records besides its own values: the date, who did it, a note, a document, and the
    exception reason an authorized administrator may give when a rule refuses the step."""

    on: dt.date
    done_by: str = ""
    done_by_person: Person | None = None
    note: str = ""
    document: object | None = None  # an uploaded file
    document_title: str = ""
    exception_reason: str = ""


@dataclass
class StepResult:
    case: Case
    step: Step
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the common path of every step


def _require(user, path: str, what: str = "该发展党员纪实") -> None:
    if not scope.can(user, "change", path):
        raise PermissionDenied(f"您无权修改{what}")


def _require_person_visible(user, person: Person | None, label: str) -> None:
    if person is not None and not scope.can(user, "view", person.org_path):
        raise ValidationError(f"{label}不存在或不在您的管辖范围内")


def _require_order(case: Case, kind: str) -> None:
    """A step needs an open case (archiving excepted) and the step it follows."""
    definition = steps.BY_KIND[kind]
    if not case.is_active and kind not in steps.AFTER_CLOSE:
        raise ValidationError(f"该发展党员纪实已{case.get_status_display()}，不能再办理后续步骤")
    if definition.after and getattr(case, definition.after) is None:
        previous = next(d for d in steps.STEPS if d.field == definition.after)
        raise ValidationError(f"请先记录“{previous.label}”，再办理“{definition.label}”")


def _check_dates(case: Case) -> None:
    values = {name: getattr(case, name) for name in steps.LABELS}
    problems = steps.date_problems(values, timezone.localdate())
    if problems:
        errors: dict[str, list[str]] = {}
        for name, message in problems:
            errors.setdefault(name, []).append(message)
        raise ValidationError(errors)


def _save_step(user, case: Case, kind: str, record: StepRecord,
               uploaded: list[StepDocument]) -> tuple[Step, list[dict]]:
    """Create (or, for a step done once, correct) the timeline row of a step and attach its document."""
    definition = steps.BY_KIND[kind]
    values = {"number": definition.number, "on": record.on, "done_by": record.done_by.strip(),
              "done_by_person": record.done_by_person, "note": record.note.strip(), "recorded_by": user}
    step = None if definition.recurring else Step.objects.unrestricted().filter(case=case, kind=kind).first()
    if step is None:
        step = Step.objects.create(case=case, kind=kind, **values)
    else:
        for name, value in values.items():
            setattr(step, name, value)
        step.save()
    changes = [{"field": "step", "label": "流程步骤", "old": None,
                "new": f"{definition.number or ''} {definition.label}（{record.on:%Y-%m-%d}）".strip()}]
    if step.done_by_label:
        changes.append({"field": "done_by", "label": "经办人", "old": None, "new": step.done_by_label})
    if step.note:
        changes.append({"field": "note", "label": "情况说明", "old": None, "new": step.note})
    if record.document is not None:
        title = record.document_title.strip() or getattr(record.document, "name", "材料")
        uploaded.append(StepDocument.objects.create(step=step, title=title[:100], file=record.document,
                                                    uploaded_by=user))
        changes.append({"field": "document", "label": "上传材料", "old": None, "new": title})
    return step, changes


def _local_warnings(case: Case, touched: set[str], as_of: dt.date, selected: list[rules.Rule]) -> list[str]:
    """Configured local rules (公示 days, lead times) that this step breaks: shown, not enforced."""
    out = []
    for rule in selected:
        if not rule.local or not touched & {rule.event_field, *rule.measures}:
            continue
        for row in rule.violations(Case.objects.unrestricted().filter(pk=case.pk), as_of):
            edition = rule.edition_on(row.get(rule.event_field))
            out.append(f"{rule.describe(row)}（{edition.citation}）")
    return out


def _not_yet_excepted(case: Case, rule_codes: list[str], as_of: dt.date) -> list[str]:
    """The rules to enforce: those an administrator already excepted for this case stay excepted as long as
    the facts are the same (a correction of a note needs no second exception; new dates do)."""
    excepted = dict(Finding.objects.unrestricted().filter(
        model="recruitment.case", object_id=case.pk, rule__in=rule_codes, resolved_at__isnull=True,
        excepted_at__isnull=False).values_list("rule", "detail"))
    if not excepted:
        return rule_codes
    same = {rule.code for rule, row in rules.check_record(list(excepted), case, as_of)
            if rule.describe(row)[:300] == excepted[rule.code]}
    return [code for code in rule_codes if code not in same]


def _step(user, case: Case, kind: str, record: StepRecord, values: dict, rule_codes: list[str],
          extra_changes: list[dict] | None = None, after=None) -> StepResult:
    """Apply a step's values to the case, record the step, run `after`, audit, then let the rules judge.

    A refused step leaves nothing behind: the transaction rolls back and the case object gets its values
    back, so the caller can show the form again with the case as it was."""
    _require(user, case.org_path)
    _require_order(case, kind)
    _require_person_visible(user, record.done_by_person, "经办人")
    as_of = timezone.localdate()
    selected = recruitment_rules()
    before = {name: getattr(case, name) for name in (*values, "stage")}
    uploaded: list[StepDocument] = []
    try:
        with transaction.atomic():
            for name, value in values.items():
                setattr(case, name, value)
            _check_dates(case)
            changes = audit.diff(case)
            case._audit_skip = True
            case.save()
            step, step_changes = _save_step(user, case, kind, record, uploaded)
            if after is not None:
                after(case)
            audit.record(case, "step", changes + step_changes + (extra_changes or []),
                         note=f"流程步骤：{steps.BY_KIND[kind].label}")
            found = rules.enforce(_not_yet_excepted(case, rule_codes, as_of), case, user=user, as_of=as_of,
                                  exception_reason=record.exception_reason)
            # The branch's findings follow the step at once (opened, resolved), not at the next scan.
            rules.scan(case.org_path, as_of, selected)
    except Exception:
        for name, value in before.items():
            setattr(case, name, value)
        for document in uploaded:  # the rows are rolled back; their files go too
            document.file.delete(save=False)
        raise
    finally:
        case._audit_skip = False
    case._audit_mark_clean()
    warnings = [f"{r.describe(row)}（{r.edition_on(row.get(r.event_field)).citation}）" for r, row in found]
    return StepResult(case, step, warnings + _local_warnings(case, set(values), as_of, selected))


# ---------------------------------------------------------------- stage 1: application and talk


def open_case(user, *, person: Person, organization: Organization, record: StepRecord,
              target_group: str = TargetGroup.OTHER) -> StepResult:
    """Step 1 (递交入党申请书): open the case of a person who applied to a branch."""
    _require(user, organization.path, f"“{organization.name}”的发展党员纪实")
    _require_person_visible(user, person, "人员")
    if organization.kind != Organization.Kind.BRANCH or not organization.is_active:
        raise ValidationError({"organization": "入党申请应向党支部提出，请选择一个未撤销的党支部"})
    if Case.objects.unrestricted().filter(person=person, status=Case.Status.ACTIVE).exists():
        raise ValidationError({"person": f"{person.name}已有进行中的发展党员纪实"})
    membership = Membership.objects.unrestricted().filter(person=person, status__in=[FULL, PROBATIONARY]).first()
    if membership is not None:
        raise ValidationError({"person": f"{person.name}已是{membership.get_status_display()}"})
    case = Case(person=person, organization=organization, target_group=target_group, applied_on=record.on)
    _check_dates(case)
    with transaction.atomic():
        case.save()  # audited as a creation with every value
        return _step(user, case, "application", record, {}, ["recruitment.applicant_age"])


def record_talk(user, case: Case, record: StepRecord) -> StepResult:
    """Step 2 (党组织派人谈话): within one month of the application."""
    return _step(user, case, "talk", record, {"talked_on": record.on}, ["recruitment.talk_within_month"])


# ---------------------------------------------------------------- stage 2: activists


def designate_activist(user, case: Case, record: StepRecord) -> StepResult:
    """Step 3 (推荐和确定入党积极分子): the case enters stage 2."""
    return _step(user, case, "activist", record, {"activist_on": record.on}, [])


def _designate(user, case: Case, kind: str, role: str, people: list[tuple[Person, dt.date | None]],
               record: StepRecord, rule_codes: list[str]) -> StepResult:
    """Replace the sponsors or introducers of a case (positions 1, 2 …) and let the rules judge them."""
    label = CaseContact.Role(role).label
    if not people:
        raise ValidationError(f"请至少选择一名{label}")
    chosen = [p.pk for p, _ in people]
    if len(set(chosen)) != len(chosen):
        raise ValidationError(f"同一人不能重复担任{label}")
    if case.person_id in chosen:
        raise ValidationError(f"本人不能担任自己的{label}")
    for person, _until in people:
        _require_person_visible(user, person, label)

    def replace(case):
        CaseContact.objects.unrestricted().filter(case=case, role=role).delete()
        CaseContact.objects.bulk_create([
            CaseContact(case=case, role=role, position=i, person=person, designated_on=record.on,
                        discipline_until=until)
            for i, (person, until) in enumerate(people, start=1)
        ])

    previous = CaseContact.objects.unrestricted().filter(case=case, role=role).select_related("person")
    old = "、".join(c.person.name for c in previous) or None
    changes = [{"field": role, "label": label, "old": old, "new": "、".join(p.name for p, _ in people)}]
    return _step(user, case, kind, record, {}, rule_codes, changes, after=replace)


def designate_sponsors(user, case: Case, sponsors: list[Person], record: StepRecord) -> StepResult:
    """Step 5 (指定培养联系人): one or two full members."""
    return _designate(user, case, "sponsors", CaseContact.Role.SPONSOR, [(p, None) for p in sponsors], record,
                      ["recruitment.sponsors"])


# ---------------------------------------------------------------- stage 3: candidates


def designate_candidate(user, case: Case, record: StepRecord, *, publicity_start: dt.date | None = None,
                        publicity_end: dt.date | None = None) -> StepResult:
    """Step 7 (确定发展对象): after one year or more as an activist; the case enters stage 3."""
    values = {"candidate_on": record.on, "candidate_publicity_start": publicity_start,
              "candidate_publicity_end": publicity_end}
    return _step(user, case, "candidate", record, values, ["recruitment.activist_one_year"])


def designate_introducers(user, case: Case, introducers: list[tuple[Person, dt.date | None]],
                          record: StepRecord) -> StepResult:
    """Step 9 (确定入党介绍人): two full members not under 留党察看 (pairs of person and, when under
    discipline, the day their rights are restored)."""
    return _designate(user, case, "introducers", CaseContact.Role.INTRODUCER, introducers, record,
                      ["recruitment.introducers"])


def conclude_review(user, case: Case, record: StepRecord, *, passed: bool) -> StepResult:
    """Step 10 (进行政治审查): the written conclusion; a failed review bars admission."""
    return _step(user, case, "review", record, {"review_concluded_on": record.on, "review_passed": passed}, [])


def record_training(user, case: Case, record: StepRecord, *, end: dt.date,
                    hours: Decimal | None = None) -> StepResult:
    """Step 11 (开展集中培训): from `record.on` to `end`, with the credit hours."""
    return _step(user, case, "training", record,
                 {"training_start": record.on, "training_end": end, "training_hours": hours}, [])


# ---------------------------------------------------------------- stage 4: admission


def committee_review(user, case: Case, record: StepRecord) -> StepResult:
    """Step 12 (支部委员会审查): the case enters stage 4."""
    return _step(user, case, "committee_review", record, {"committee_review_on": record.on}, [])


def prereview(user, case: Case, record: StepRecord, *, publicity_start: dt.date | None = None,
              publicity_end: dt.date | None = None) -> StepResult:
    """Step 13 (上级党委预审), with the 拟接收预备党员 notice that follows it."""
    values = {"prereview_on": record.on, "admission_publicity_start": publicity_start,
              "admission_publicity_end": publicity_end}
    return _step(user, case, "prereview", record, values, [])


def _check_votes(expected, present, yes, no, abstain, prefix: str = "") -> None:
    errors = {}
    if present > expected:
        errors[f"{prefix}present_voters"] = f"实到会人数 {present} 多于应到会人数 {expected}"
    cast = yes + (no or 0) + (abstain or 0)
    if cast > present:
        errors[f"{prefix}yes_votes"] = f"赞成、反对、弃权票合计 {cast}，多于实到会人数 {present}"
    if errors:
        raise ValidationError(errors)


def hold_branch_meeting(user, case: Case, record: StepRecord, *, expected: int, present: int, yes: int,
                        no: int | None = None, abstain: int | None = None) -> StepResult:
    """Step 15 (支部大会讨论): quorum and majority on the expected voting full members; political review,
    training and introducers must be in order before admission."""
    _check_votes(expected, present, yes, no, abstain)
    values = {"branch_meeting_on": record.on, "expected_voters": expected, "present_voters": present,
              "yes_votes": yes, "no_votes": no, "abstain_votes": abstain}
    return _step(user, case, "branch_meeting", record, values, [
        "recruitment.political_review", "recruitment.training", "recruitment.introducers",
        "recruitment.admission_quorum", "recruitment.admission_majority",
    ])


def _admit(case: Case) -> None:
    """The person becomes a probationary member, joined on the day of the branch meeting."""
    membership = Membership.objects.unrestricted().filter(person=case.person).first()
    if membership is not None and membership.status == FULL:
        raise ValidationError(f"{case.person.name}已是正式党员")
    membership = membership or Membership(person=case.person)
    membership.organization = case.organization
    membership.status, membership.joined_on, membership.converted_on = PROBATIONARY, case.branch_meeting_on, None
    membership.save()


def approve_admission(user, case: Case, record: StepRecord, *, special_reason: str = "") -> StepResult:
    """Step 17 (上级党委审批): within three months of the branch meeting (six with a recorded special
    reason). The person becomes a probationary member; the case enters stage 5."""
    values = {"approved_on": record.on, "approval_special_reason": special_reason.strip()}
    return _step(user, case, "approval", record, values,
                 ["recruitment.approval_within_3_months", "recruitment.dues_from_admission"], after=_admit)


# ---------------------------------------------------------------- stage 5: probation and conversion


def record_oath(user, case: Case, record: StepRecord) -> StepResult:
    """Step 20 (入党宣誓)."""
    return _step(user, case, "oath", record, {"oath_on": record.on}, [])


def apply_for_conversion(user, case: Case, record: StepRecord) -> StepResult:
    """Step 22 (提出转正申请)."""
    return _step(user, case, "conversion_application", record, {"conversion_applied_on": record.on}, [])


def extend_probation(user, case: Case, record: StepRecord, *, months: int) -> StepResult:
    """The branch meeting extends the probation once, by six to twelve months."""
    if case.probation_extended_on and case.probation_extended_on != record.on:
        raise ValidationError("预备期只能延长一次")
    if case.conversion_meeting_on:
        raise ValidationError("支部大会已讨论转正，不能再延长预备期")
    values = {"probation_extended_on": record.on, "probation_extended_months": months}
    return _step(user, case, "extension", record, values, ["recruitment.probation_extension"])


def hold_conversion_meeting(user, case: Case, record: StepRecord, *, expected: int, present: int, yes: int,
                            no: int | None = None, abstain: int | None = None) -> StepResult:
    """Step 23 (支部大会讨论转正): once the probation has ended; same quorum and majority as admission."""
    _check_votes(expected, present, yes, no, abstain, "conversion_")
    values = {"conversion_meeting_on": record.on, "conversion_expected_voters": expected,
              "conversion_present_voters": present, "conversion_yes_votes": yes, "conversion_no_votes": no,
              "conversion_abstain_votes": abstain}
    return _step(user, case, "conversion_meeting", record, values, [
        "recruitment.conversion_on_time", "recruitment.conversion_quorum", "recruitment.conversion_majority",
    ])


def _convert(case: Case) -> None:
    """The member becomes a full member, converted on the day the probation ended."""
    membership = Membership.objects.unrestricted().filter(person=case.person).first()
    if membership is None:
        membership = Membership(person=case.person, organization=case.organization, joined_on=case.branch_meeting_on)
    membership.status, membership.converted_on = FULL, case.converted_on
    membership.save()


def approve_conversion(user, case: Case, record: StepRecord) -> StepResult:
    """Step 24 (上级党委审批转正): within three months of the meeting. 转正时间 is the day the probation ends;
    the membership becomes full."""
    values = {"conversion_approved_on": record.on, "converted_on": probation_end(case),
              "status": Case.Status.CONVERTED}
    return _step(user, case, "conversion_approval", record, values,
                 ["recruitment.conversion_approval_within_3_months"], after=_convert)


def record_step(user, case: Case, kind: str, record: StepRecord) -> StepResult:
    """The steps recorded only as a dated row: filings, interviews, placement, assessments, archiving."""
    if kind not in steps.PLAIN:
        raise ValueError(f"{kind} is not a plain step")
    return _step(user, case, kind, record, {}, [])


def terminate(user, case: Case, record: StepRecord, *, reason: str) -> StepResult:
    """End the case (the applicant withdraws, is no longer considered, or loses probationary status). A
    probationary membership ends with it."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止原因"})

    def end_membership(case):
        membership = Membership.objects.unrestricted().filter(person=case.person, status=PROBATIONARY).first()
        if membership is not None:
            membership.status = Membership.Status.CANCELLED
            membership.save()

    values = {"status": Case.Status.TERMINATED, "terminated_on": record.on, "termination_reason": reason.strip()}
    return _step(user, case, "termination", record, values, [], after=end_membership)


def add_document(user, step: Step, upload, title: str = "") -> StepDocument:
    """Attach one more document to a recorded step."""
    case = step.case
    _require(user, case.org_path)
    with transaction.atomic():
        title = (title.strip() or getattr(upload, "name", "材料"))[:100]
        document = StepDocument.objects.create(step=step, title=title, file=upload, uploaded_by=user)
        audit.record(case, "step", [{"field": "document", "label": "上传材料", "old": None,
                                     "new": f"{step.get_kind_display()}：{title}"}])
    return document

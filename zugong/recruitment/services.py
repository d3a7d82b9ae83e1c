"""Recruitment operations: one function per step and stage transition.

Each checks its own values and records the step through `zugong.core.casework.services.record_step`:
authorized, transactional, validated (dates in the order of the process, none in the future) and audited
(one "流程步骤" entry on the case's trail); then the rules the step declares (steps.py) judge the case: an
error-severity violation refuses the step (the transaction rolls back) with the article in the message,
unless an authorized administrator records an exception with a reason. Warnings (and the findings of
configured local rules) come back with the result.

Admission (branch meeting, then the higher committee's approval) creates or updates the person's
`members.Membership`: probationary, joined on the day of the branch meeting (dues are owed from that day).
Conversion makes it full, converted on the day the probation ends (party standing counts from then).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Subquery

from zugong.core.casework import services as casework
from zugong.core.casework.services import StepRecord, StepResult, require_visible
from zugong.members import history as member_history
from zugong.members.models import Membership
from zugong.orgs.models import Organization
from zugong.people.models import Person

from .deadlines import probation_end
from .models import Case, CaseContact, Step, StepDocument, TargetGroup
from .steps import PLAIN, WORKFLOW

__all__ = ["StepRecord", "StepResult"]  # with the operations below

FULL, PROBATIONARY = Membership.Status.FULL, Membership.Status.PROBATIONARY


def _step(user, case: Case, kind: str, record: StepRecord, values: dict | None = None, **options) -> StepResult:
    """Record a step of the recruitment procedure (`zugong.core.casework.services.record_step`)."""
    return casework.record_step(WORKFLOW, user, case, kind, record, values, **options)


# ---------------------------------------------------------------- stage 1: application and talk


def open_case(user, *, person: Person, organization: Organization, record: StepRecord,
              target_group: str = TargetGroup.OTHER) -> StepResult:
    """Step 1 (递交入党申请书): open the case of a person who applied to a branch."""
    WORKFLOW.require(user, organization.path, f"“{organization.name}”的发展党员纪实")
    require_visible(user, person, "人员")
    if organization.kind != Organization.Kind.BRANCH or not organization.is_active:
        raise ValidationError({"organization": "入党申请应向党支部提出，请选择一个未撤销的党支部"})
    if Case.objects.unrestricted().filter(person=person, status=Case.Status.ACTIVE).exists():
        raise ValidationError({"person": f"{person.name}已有进行中的发展党员纪实"})
    membership = Membership.objects.unrestricted().filter(person=person, status__in=[FULL, PROBATIONARY]).first()
    if membership is not None:
        raise ValidationError({"person": f"{person.name}已是{membership.get_status_display()}"})
    case = Case(person=person, organization=organization, target_group=target_group, applied_on=record.on)
    WORKFLOW.check_dates(case)
    with transaction.atomic():
        case.save()  # audited as a creation with every value
        return _step(user, case, "application", record)


def record_talk(user, case: Case, record: StepRecord) -> StepResult:
    """Step 2 (党组织派人谈话): within one month of the application."""
    return _step(user, case, "talk", record, {"talked_on": record.on})


# ---------------------------------------------------------------- stage 2: activists


def designate_activist(user, case: Case, record: StepRecord) -> StepResult:
    """Step 3 (推荐和确定入党积极分子): the case enters stage 2."""
    return _step(user, case, "activist", record, {"activist_on": record.on})


def _designate(user, case: Case, kind: str, role: str, people: list[tuple[Person, dt.date | None]],
               record: StepRecord) -> StepResult:
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
        require_visible(user, person, label)

    previous = CaseContact.objects.unrestricted().filter(case=case, role=role).select_related("person")
    old = "、".join(c.person.name for c in previous) or None

    def replace(case, op):
        CaseContact.objects.unrestricted().filter(case=case, role=role).delete()
        CaseContact.objects.bulk_create([
            CaseContact(case=case, role=role, position=i, person=person, designated_on=record.on,
                        discipline_until=until)
            for i, (person, until) in enumerate(people, start=1)
        ])
        op.fact(label, "、".join(p.name for p, _ in people), old=old, field=role)

    return _step(user, case, kind, record, after=replace)


def contacts(case: Case, role: str):
    """The sponsors or introducers of a case, in order (reached through the case, which the caller may see)."""
    return CaseContact.objects.unrestricted().filter(case=case, role=role).select_related("person")


# A case's contacts, reached through the (scoped) case: prefetch_related(CONTACTS).
CONTACTS = Prefetch("contacts", queryset=CaseContact.objects.unrestricted().select_related("person"))


def with_membership(contacts):
    """Contacts annotated with their membership as it stands (`is_full`, `member_status`), wherever it is kept:
    a sponsor's or introducer's standing is a fact of the case, not of the viewer's subtree."""
    full = Membership.objects.unrestricted().filter(person=OuterRef("person"), status=FULL)
    status = Membership.objects.unrestricted().filter(person=OuterRef("person")).values("status")[:1]
    return contacts.select_related("person").annotate(is_full=Exists(full), member_status=Subquery(status))


def full_members(people):
    """The people who are full members (wherever their membership is kept)."""
    return people.filter(Exists(Membership.objects.unrestricted().filter(person=OuterRef("pk"), status=FULL)))


def designate_sponsors(user, case: Case, sponsors: list[Person], record: StepRecord) -> StepResult:
    """Step 5 (指定培养联系人): one or two full members."""
    return _designate(user, case, "sponsors", CaseContact.Role.SPONSOR, [(p, None) for p in sponsors], record)


# ---------------------------------------------------------------- stage 3: candidates


def designate_candidate(user, case: Case, record: StepRecord, *, public_notice_start: dt.date | None = None,
                        public_notice_end: dt.date | None = None) -> StepResult:
    """Step 7 (确定发展对象): after one year or more as an activist; the case enters stage 3."""
    values = {"candidate_on": record.on, "candidate_public_notice_start": public_notice_start,
              "candidate_public_notice_end": public_notice_end}
    return _step(user, case, "candidate", record, values)


def designate_introducers(user, case: Case, introducers: list[tuple[Person, dt.date | None]],
                          record: StepRecord) -> StepResult:
    """Step 9 (确定入党介绍人): two full members not under 留党察看 (pairs of person and, when under
    discipline, the day their rights are restored)."""
    return _designate(user, case, "introducers", CaseContact.Role.INTRODUCER, introducers, record)


def conclude_review(user, case: Case, record: StepRecord, *, passed: bool) -> StepResult:
    """Step 10 (进行政治审查): the written conclusion; a failed review bars admission."""
    return _step(user, case, "review", record, {"review_concluded_on": record.on, "review_passed": passed})


def record_training(user, case: Case, record: StepRecord, *, end: dt.date,
                    hours: Decimal | None = None) -> StepResult:
    """Step 11 (开展集中培训): from `record.on` to `end`, with the credit hours."""
    return _step(user, case, "training", record,
                 {"training_start": record.on, "training_end": end, "training_hours": hours})


# ---------------------------------------------------------------- stage 4: admission


def committee_review(user, case: Case, record: StepRecord) -> StepResult:
    """Step 12 (支部委员会审查): the case enters stage 4."""
    return _step(user, case, "committee_review", record, {"committee_review_on": record.on})


def prereview(user, case: Case, record: StepRecord, *, public_notice_start: dt.date | None = None,
              public_notice_end: dt.date | None = None) -> StepResult:
    """Step 13 (上级党委预审), with the 拟接收预备党员 notice that follows it."""
    values = {"prereview_on": record.on, "admission_public_notice_start": public_notice_start,
              "admission_public_notice_end": public_notice_end}
    return _step(user, case, "prereview", record, values)


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
    return _step(user, case, "branch_meeting", record, values)


def _admit(case: Case, op=None) -> None:
    """The person becomes a probationary member, joined on the day of the branch meeting."""
    membership = Membership.objects.unrestricted().filter(person=case.person).first()
    if membership is not None and membership.status == FULL:
        raise ValidationError(f"{case.person.name}已是正式党员")
    membership = membership or Membership(person=case.person)
    membership.organization = case.organization
    membership.status, membership.joined_on, membership.converted_on = PROBATIONARY, case.branch_meeting_on, None
    membership.save()
    member_history.keep(membership, case.branch_meeting_on)  # probationary from the branch meeting


def approving_organizations(organization: Organization):
    """The 党委 and 党总支 above a branch, the choices of who approved its admission (step 17). Unrestricted:
    they lie above the subtree of the branch's own users, who must still name them (a 党总支 chosen is judged by
    the rule recruitment.approving_committee)."""
    step = Organization.steplen
    above = [organization.path[:i] for i in range(step, len(organization.path), step)]
    return Organization.objects.unrestricted().filter(
        path__in=above, kind__in=[Organization.Kind.COMMITTEE, Organization.Kind.GENERAL_BRANCH])


def approving_committee(organization: Organization) -> Organization | None:
    """The nearest 党委 above a branch: who normally approves its admissions (a 党总支 may not)."""
    return (approving_organizations(organization).filter(kind=Organization.Kind.COMMITTEE)
            .order_by("-depth").first())


def approve_admission(user, case: Case, record: StepRecord, *, special_reason: str = "",
                      approving_organization: Organization | None = None) -> StepResult:
    """Step 17 (上级党委审批): within three months of the branch meeting (six with a recorded special
    reason), after the talk of a committee member or 组织员 (step 16), by a 基层党委 with the power to approve
    (by default the nearest 党委 above the branch). The person becomes a probationary member; the case enters
    stage 5."""
    approving_organization = approving_organization or approving_committee(case.organization)
    values = {"approved_on": record.on, "approval_special_reason": special_reason.strip(),
              "approving_organization": approving_organization}
    return _step(user, case, "approval", record, values, after=_admit)


# ---------------------------------------------------------------- stage 5: probation and conversion


def record_oath(user, case: Case, record: StepRecord) -> StepResult:
    """Step 20 (入党宣誓)."""
    return _step(user, case, "oath", record, {"oath_on": record.on})


def apply_for_conversion(user, case: Case, record: StepRecord) -> StepResult:
    """Step 22 (提出转正申请)."""
    return _step(user, case, "conversion_application", record, {"conversion_applied_on": record.on})


def extend_probation(user, case: Case, record: StepRecord, *, months: int) -> StepResult:
    """The branch meeting extends the probation once, by six to twelve months."""
    if case.probation_extended_on and case.probation_extended_on != record.on:
        raise ValidationError("预备期只能延长一次")
    if case.conversion_meeting_on:
        raise ValidationError("支部大会已讨论转正，不能再延长预备期")
    values = {"probation_extended_on": record.on, "probation_extended_months": months}
    return _step(user, case, "extension", record, values)


def hold_conversion_meeting(user, case: Case, record: StepRecord, *, expected: int, present: int, yes: int,
                            no: int | None = None, abstain: int | None = None) -> StepResult:
    """Step 23 (支部大会讨论转正): once the probation has ended; same quorum and majority as admission."""
    _check_votes(expected, present, yes, no, abstain, "conversion_")
    values = {"conversion_meeting_on": record.on, "conversion_expected_voters": expected,
              "conversion_present_voters": present, "conversion_yes_votes": yes, "conversion_no_votes": no,
              "conversion_abstain_votes": abstain}
    return _step(user, case, "conversion_meeting", record, values)


def _convert(case: Case, op=None) -> None:
    """The member becomes a full member, converted on the day the probation ended."""
    membership = Membership.objects.unrestricted().filter(person=case.person).first()
    if membership is None:
        membership = Membership(person=case.person, organization=case.organization, joined_on=case.branch_meeting_on)
    membership.status, membership.converted_on = FULL, case.converted_on
    membership.save()
    member_history.keep(membership, case.converted_on)  # full from the day the probation ended


def approve_conversion(user, case: Case, record: StepRecord) -> StepResult:
    """Step 24 (上级党委审批转正): within three months of the meeting. 转正时间 is the day the probation ends;
    the membership becomes full."""
    values = {"conversion_approved_on": record.on, "converted_on": probation_end(case),
              "status": Case.Status.CONVERTED}
    return _step(user, case, "conversion_approval", record, values, after=_convert)


def record_step(user, case: Case, kind: str, record: StepRecord) -> StepResult:
    """The steps recorded only as a dated row: filings, interviews, placement, inspections, archiving."""
    if kind not in PLAIN:
        raise ValueError(f"{kind} is not a plain step")
    return _step(user, case, kind, record)


def terminate(user, case: Case, record: StepRecord, *, reason: str) -> StepResult:
    """End the case (the applicant withdraws, is no longer considered, or loses probationary status). A
    probationary membership ends with it."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止原因"})

    def end_membership(case, op):
        membership = Membership.objects.unrestricted().filter(person=case.person, status=PROBATIONARY).first()
        if membership is not None:
            membership.status = Membership.Status.CANCELLED
            membership.save()
            member_history.keep(membership, record.on)  # cancelled from the day the case ended

    values = {"status": Case.Status.TERMINATED, "terminated_on": record.on, "termination_reason": reason.strip()}
    return _step(user, case, "termination", record, values, after=end_membership)


def add_document(user, step: Step, upload, title: str = "") -> StepDocument:
    """Attach one more document to a recorded step."""
    return casework.add_document(WORKFLOW, user, step, upload, title)

"""Recording organizational life: meetings with their absences, study hours, democratic appraisal.

Transactional and audited. A meeting's roster (who was expected) comes from the members' records as they
stood on the day it was held, the transfers received since telling who has come and gone: the branch's
members for branch-wide kinds, the committee members for a committee meeting, the group's members for a
party group meeting (groups as recorded today: see `members_on`; the committee as it was that day, from the
post history `members.PostSpan`). The secretary marks only who was absent (with a reason or none); expected
and present follow from the roster. A committee meeting with fewer than half of the committee present is
refused (支部工作条例 第十二条: 半数以上, which includes exactly half) unless an administrator records an
exception.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from zugong.core import audit, history, rules, scope
from zugong.members.models import Membership, PostSpan, TransferRequest
from zugong.orgs.models import Organization

from .models import Absence, Appraisal, AppraisalResult, Grade, Meeting, MeetingAttachment

MEETING_RULES = ["branchlife.committee_quorum"]
MEETING_FIELDS = ("kind", "held_on", "place", "host", "host_person", "recorder", "topic", "guests", "minutes",
                  "credit_hours")


def _require(user, action: str, org: Organization, what: str = "该党组织") -> None:
    if not scope.can(user, action, org.path):
        raise PermissionDenied(f"您无权登记{what}的组织生活")


def roster(org: Organization, kind: str, on: dt.date | None = None):
    """The memberships a meeting of `kind` held by `org` on `on` concerns (unscoped: call after authorizing).

    Without a day: today's members. With a day, where each member was on that day follows from the
    transfers received after it (`members_on`); see there for what is known of a member's standing then.
    """
    qs = Membership.objects.unrestricted().select_related("person")
    if kind == Meeting.Kind.TALK and org.kind != Organization.Kind.PARTY_GROUP:
        return qs.none()
    if org.kind == Organization.Kind.PARTY_GROUP:
        here = Q(party_group=org)
    elif kind == Meeting.Kind.COMMITTEE:
        here = Q(organization=org, status=Membership.Status.FULL) & ~Q(committee_post="")
    else:
        here = Q(organization=org)
    if on is None:
        qs = qs.active().filter(here)
    elif kind == Meeting.Kind.COMMITTEE and org.kind != Organization.Kind.PARTY_GROUP:
        # The committee on the day: the members who held a post in it that day (the post history).
        qs = qs.filter(Exists(PostSpan.objects.unrestricted().filter(
            history.held_on(on), organization=org, membership=OuterRef("pk"))))
    else:
        branch_wide = org.kind != Organization.Kind.PARTY_GROUP and kind != Meeting.Kind.COMMITTEE
        qs = qs.filter(members_on(org, on, here, with_leavers=branch_wide))
    return qs.order_by("person__stroke_key", "person__name")


def _received_after(on: dt.date):
    """The transfers received after the day `on`."""
    return TransferRequest.objects.unrestricted().filter(
        status=TransferRequest.Status.RECEIVED, received_on__gt=on
    )


def members_on(org: Organization, on: dt.date, here: Q, *, with_leavers: bool = True) -> Q:
    """A filter on memberships: those that were members of `org` on the day `on` and match `here` (today's
    organization, party group or committee post). Building it runs one query (the members who left).

    A member's branch changes only by a received transfer (members.TransferRequest), so on a past day a member
    was in the issuing branch of the first transfer received after that day (a transfer received on the day
    itself counts as done), or in today's branch when none was received since. Hence:

    - members who stayed: today in `org` (per `here`), no transfer received after the day, in the province on
      the day (`transferred_out_on` empty or later, for records that carry the date without a request) and
      in good standing today;
    - members who left (`with_leavers`): the first transfer received after the day was issued by `org`,
      within the province or out of it. That covers A→B→A: the member counts in A once, as on the day. They
      count whatever their standing today: a transfer is only issued for a member in good standing (the
      request records 预备/正式), which says more about the day than their record in another branch does.

    We keep no history of status or party groups here, so for members who stayed they are today's (a member
    stopped or expelled since the day drops out of past rosters). A transfer clears the group and records it
    not, so a member who moved after the day is left out of party group rosters (`with_leavers` False). The
    committee roster of a past day does not come from here: `roster` reads the post history (PostSpan).
    """
    moved = _received_after(on).filter(membership=OuterRef("pk"))
    stayed = (
        here
        & ~Exists(moved)
        & Q(status__in=Membership.ACTIVE_STATUSES)
        & (Q(transferred_out_on__isnull=True) | Q(transferred_out_on__gt=on))
    )
    if not with_leavers:
        return stayed & Q(joined_on__lte=on)
    # Those `org` issued a transfer for after the day that was their first one after it. One query, by the
    # issuing branch's index, of at most the branch's departures since; taken as a list of ids so that the
    # roster's OR stays two index lookups (branch, primary key) rather than a scan of every membership.
    same_day_before = Q(received_on=OuterRef("received_on"), pk__lt=OuterRef("pk"))
    earlier = _received_after(on).filter(
        Q(received_on__lt=OuterRef("received_on")) | same_day_before, membership=OuterRef("membership")
    )
    left = list(
        _received_after(on)
        .filter(from_org=org, membership__isnull=False)
        .filter(~Exists(earlier))
        .order_by()
        .values_list("membership_id", flat=True)
    )
    return (stayed | Q(pk__in=left)) & Q(joined_on__lte=on)


def check_kind(org: Organization, kind: str) -> None:
    if org.kind == Organization.Kind.PARTY_GROUP and kind != Meeting.Kind.GROUP:
        raise ValidationError({"kind": f"“{org.name}”是党小组，只能登记党小组会；其他会议请在所在党支部登记"})
    if kind == Meeting.Kind.GROUP and org.kind != Organization.Kind.PARTY_GROUP:
        raise ValidationError({"kind": "党小组会请选择召开会议的党小组登记"})
    if not org.is_active:
        raise ValidationError({"organization": f"“{org.name}”已撤销，不能登记组织生活"})


def _apply_attendance(meeting: Meeting, org: Organization, absences: dict[int, str] | None,
                      expected: int | None, present: int | None) -> list[Absence]:
    """Set expected/present from the roster and the absences (or from the counts given when there is no
    roster), and build the absence rows."""
    members = {m.pk: m for m in roster(org, meeting.kind, meeting.held_on)}
    absences = absences or {}
    strangers = set(absences) - set(members)
    if strangers:
        raise ValidationError({"absences": "缺席人员应是本次会议应到的党员"})
    if members:
        meeting.expected = len(members)
        meeting.present = len(members) - len(absences)
    else:
        if expected is None or present is None:
            raise ValidationError({"expected": "没有应到党员名单，请填写应到人数和实到人数"})
        meeting.expected, meeting.present = expected, present
    if meeting.present > meeting.expected:
        raise ValidationError({"present": f"实到人数（{meeting.present}）不能多于应到人数（{meeting.expected}）"})
    return [
        Absence(membership=members[pk], org_path=meeting.org_path, held_on=meeting.held_on, kind=meeting.kind,
                reason=(reason or "").strip()[:100], credit_hours=meeting.credit_hours or 0)
        for pk, reason in sorted(absences.items())
    ]


def _validate(meeting: Meeting) -> None:
    if meeting.held_on and meeting.held_on > timezone.localdate():
        raise ValidationError({"held_on": "会议日期不能晚于今天（尚未召开的会议不能登记）"})
    if meeting.kind == Meeting.Kind.LECTURE and not (meeting.host or meeting.host_person_id):
        raise ValidationError({"host": "请填写讲课人"})
    meeting.full_clean(exclude=["org_path", "organization"])


@transaction.atomic
def record_meeting(user, org: Organization, *, absences: dict[int, str] | None = None, expected: int | None = None,
                   present: int | None = None, files=(), exception_reason: str = "", **fields) -> Meeting:
    """Record a held meeting with its absences; returns it (refused when it breaks the quorum rule)."""
    _require(user, "change", org)
    check_kind(org, fields.get("kind", ""))
    meeting = Meeting(organization=org, org_path=org.path, recorded_by=user,
                      **{k: v for k, v in fields.items() if k in MEETING_FIELDS})
    rows = _apply_attendance(meeting, org, absences, expected, present)
    _validate(meeting)
    meeting.save()
    _save_absences(meeting, rows)
    for f in files:
        add_attachment(user, meeting, f)
    rules.enforce(MEETING_RULES, meeting, user=user, exception_reason=exception_reason)
    return meeting


def _save_absences(meeting: Meeting, rows: list[Absence]) -> None:
    for row in rows:
        row.meeting = meeting
    with audit.operation(None, "create", note=f"{meeting} 缺席登记") as op:
        op.created(Absence.objects.bulk_create(rows))


@transaction.atomic
def update_meeting(user, meeting: Meeting, *, absences: dict[int, str] | None = None, expected: int | None = None,
                   present: int | None = None, exception_reason: str = "", **fields) -> Meeting:
    """Edit a meeting record and replace its absences."""
    org = meeting.organization
    _require(user, "change", org)
    for name, value in fields.items():
        if name in MEETING_FIELDS and name != "kind":
            setattr(meeting, name, value)
    rows = _apply_attendance(meeting, org, absences, expected, present)
    meeting.absences_recorded = True
    _validate(meeting)
    meeting.save()
    old = list(Absence.objects.unrestricted().filter(meeting=meeting))
    for a in old:
        a.delete()  # audited one by one (a handful)
    _save_absences(meeting, rows)
    rules.enforce(MEETING_RULES, meeting, user=user, exception_reason=exception_reason)
    return meeting


@transaction.atomic
def delete_meeting(user, meeting: Meeting) -> None:
    _require(user, "manage", meeting.organization, "删除该党组织")
    for a in list(Absence.objects.unrestricted().filter(meeting=meeting)):
        a.delete()
    for f in list(MeetingAttachment.objects.unrestricted().filter(meeting=meeting)):
        f.delete()
    meeting.delete()


def add_attachment(user, meeting: Meeting, upload, name: str = "") -> MeetingAttachment:
    _require(user, "change", meeting.organization)
    att = MeetingAttachment(meeting=meeting, org_path=meeting.org_path, name=(name or upload.name)[:100])
    att.file.save(upload.name, upload, save=False)
    att.save()
    return att


# ---------------------------------------------------------------- study hours


STUDY_SOURCE = "branchlife.studyrecord"  # the ledger lines of study hours recorded for a member by branch life


@transaction.atomic
def record_study(user, membership: Membership, *, on: dt.date, kind: str, title: str, hours, provider: str = ""):
    """Record study hours (学时) a member earned outside the branch's meetings: a line of the training ledger
    (`training.ledger.post`, credited by its rules), so the 32 学时 rule reads them with everything else."""
    from zugong.training import ledger  # the one ledger of credited hours
    from zugong.training.models import CreditKind

    org = membership.organization
    _require(user, "change", org, "该党员")
    if on and on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    if kind not in CreditKind.values:
        raise ValidationError({"kind": "请选择学时类型"})
    if hours is None or hours <= 0:
        raise ValidationError({"hours": "学时应大于 0"})
    with audit.operation(membership, "update", note=f"登记学习培训学时：{title}") as op:
        line = ledger.Line(person_id=membership.person_id, on=on, kind=kind, quantity=hours, unit="hour",
                           label=title, provider=provider or "")
        return ledger.post(op, STUDY_SOURCE, [line], user=user)[0]


# ---------------------------------------------------------------- democratic appraisal

MAX_CORRECTION_DAYS = 366  # 限期改正 lasts at most a year (党员教育管理工作条例 第三十条)


@transaction.atomic
def open_appraisal(user, org: Organization, year: int, meeting: Meeting | None = None, **fields) -> Appraisal:
    _require(user, "change", org)
    if org.kind != Organization.Kind.BRANCH:
        raise ValidationError({"organization": "民主评议党员由党支部组织开展"})
    if Appraisal.objects.unrestricted().filter(organization=org, year=year).exists():
        raise ValidationError({"year": f"{year}年度的民主评议党员已经登记"})
    appraisal = Appraisal(organization=org, org_path=org.path, year=year, meeting=meeting, **fields)
    appraisal.full_clean(exclude=["org_path"])
    appraisal.save()
    return appraisal


def _check_result(result: AppraisalResult, appraisal: Appraisal) -> None:
    errors = {}
    if appraisal.voters_present is not None and result.votes > appraisal.voters_present:
        errors["votes_excellent"] = f"测评票数合计（{result.votes}）多于实参加测评人数（{appraisal.voters_present}）"
    if result.followup and result.grade != Grade.UNQUALIFIED:
        errors["followup"] = "只有评定为不合格的党员才需要处置"
    if result.followup == AppraisalResult.Followup.CORRECT:
        base = appraisal.decided_on or timezone.localdate()
        if not result.followup_until:
            errors["followup_until"] = "限期改正请填写截止日期"
        elif (result.followup_until - base).days > MAX_CORRECTION_DAYS:
            errors["followup_until"] = "限期改正的期限不超过 1 年（《中国共产党党员教育管理工作条例》第三十条）"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_result(user, appraisal: Appraisal, membership: Membership, **fields) -> AppraisalResult:
    """Record (or correct) one member's self-grade, votes, grade and follow-up."""
    _require(user, "change", appraisal.organization)
    if membership.organization_id != appraisal.organization_id:
        raise ValidationError({"membership": "该党员不在本支部"})
    result = AppraisalResult.objects.unrestricted().filter(appraisal=appraisal, membership=membership).first()
    if result is None:
        result = AppraisalResult(appraisal=appraisal, membership=membership, org_path=appraisal.org_path)
    for name, value in fields.items():
        setattr(result, name, value)
    _check_result(result, appraisal)
    result.full_clean(exclude=["org_path", "appraisal", "membership"])
    result.save()
    return result

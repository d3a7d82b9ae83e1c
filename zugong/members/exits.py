"""出党、死亡 and 党内表彰: the typed end of a membership (`Exit`) and awards (`Award`), the facts the annual
statistics count (tables 1, 10, 11 and 14). Each write is one audited, transactional service; bad input is a
`ValidationError` in Chinese naming the field."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope
from zugong.orgs.models import Organization

from . import history as member_history
from .models import Award, Exit, Membership

S = Membership.Status
# The status an exit leaves: a cancelled probationary membership, a death, every other way out of the party.
EXIT_STATUS = {Exit.Kind.CANCELLED: S.CANCELLED, Exit.Kind.DIED: S.DECEASED}
ENDED_STATUSES = (S.LEFT, S.DECEASED, S.CANCELLED)


def _choice(value: str, choices, field: str, label: str, *, blank: bool = True) -> str:
    value = (value or "").strip()
    if not value and blank:
        return ""
    codes = dict(choices)
    if value in codes:
        return value
    by_label = {v: k for k, v in codes.items()}
    if value in by_label:
        return by_label[value]
    raise ValidationError({field: f"“{value}”不是有效的{label}"})


def check_exit(membership: Membership, kind: str, decided_on: dt.date | None) -> None:
    """Refuse an exit that cannot be (the import checks every row with this before writing any)."""
    name = membership.person.name
    if not membership.is_present:
        raise ValidationError(f"{name}的组织关系已转出本省，不能办理出党或死亡登记")
    if membership.status in ENDED_STATUSES:
        raise ValidationError(f"{name}的党籍状态为“{membership.get_status_display()}”，不能再办理出党或死亡登记")
    if kind == Exit.Kind.CANCELLED and membership.status != S.PROBATIONARY:
        raise ValidationError({"kind": f"{name}不是预备党员，不能取消预备党员资格"})
    if decided_on is None:
        raise ValidationError({"decided_on": "请填写出党日期"})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "出党日期不能晚于今天"})
    if decided_on < membership.joined_on:
        raise ValidationError({"decided_on": f"出党日期不能早于入党时间 {membership.joined_on:%Y-%m-%d}"})


@transaction.atomic
def record_exit(user, membership: Membership, *, kind: str, decided_on: dt.date,
                organization: Organization | None = None, approved_by: str = "", document_no: str = "",
                misconduct: str = "", manifestation: str = "", rank_level: str = "", note: str = "") -> Exit:
    """Record 出党 or death: the `Exit` row, the membership's status (取消预备党员资格 for `cancelled`, 已去世 for
    `died`, 已出党 otherwise) and the dated status history from `decided_on` (`members.history.keep`). A
    committee post the member held ends that day. `organization`: the party organization that decided or
    reported the exit (counted by it in the statistics), the member's branch or a committee above it."""
    if not scope.can(user, "change", membership.org_path):
        raise PermissionDenied("您无权为该党员办理出党或死亡登记")
    membership = Membership.objects.unrestricted().select_for_update().get(pk=membership.pk)
    kind = _choice(kind, Exit.Kind.choices, "kind", "出党方式", blank=False)
    check_exit(membership, kind, decided_on)
    organization = organization or membership.organization
    if not membership.org_path.startswith(organization.path):
        raise ValidationError({"organization": f"“{organization.name}”不是该党员所在党支部或其上级党组织"})
    exit_ = Exit(
        membership=membership, organization=organization, org_path=organization.path, kind=kind,
        decided_on=decided_on, approved_by=approved_by.strip(), document_no=document_no.strip(),
        misconduct=_choice(misconduct, Exit.MISCONDUCT, "misconduct", "违纪行为"),
        manifestation=_choice(manifestation, Exit.MANIFESTATIONS, "manifestation", "具体表现"),
        rank_level=_choice(rank_level, Exit.RANKS, "rank_level", "出党时职级"),
        note=note.strip(), recorded_by=user,
    )
    exit_.full_clean(exclude=["org_path", "recorded_by"], validate_unique=False)
    from .services import write_post

    with audit.operation(membership, "update", note=exit_.get_kind_display()) as op:
        if membership.committee_post:
            write_post(membership, "", decided_on)
        membership.status = EXIT_STATUS.get(kind, S.LEFT)
        membership.save()
        member_history.keep(membership, on=decided_on)
        exit_.save()
        op.fact(exit_.get_kind_display(), f"{decided_on:%Y-%m-%d}" + (f"，{exit_.document_no}" if exit_.document_no
                                                                       else ""))
    return exit_


@transaction.atomic
def record_award(user, *, kind: str, level: str, organization: Organization | None = None,
                 membership: Membership | None = None, awarded_on: dt.date, conferred_by: str = "",
                 document_no: str = "", posthumous: bool = False) -> Award:
    """Record a 党内表彰: 优秀共产党员 / 优秀党务工作者 (a member; scoped by the member's branch) or 先进基层党组织
    (an organization, no member)."""
    kind = _choice(kind, Award.Kind.choices, "kind", "表彰类别", blank=False)
    level = _choice(level, Award.Level.choices, "level", "表彰层级", blank=False)
    if kind == Award.Kind.ORGANIZATION:
        if membership is not None:
            raise ValidationError({"membership": "先进基层党组织的表彰不填党员"})
        if organization is None:
            raise ValidationError({"organization": "请选择受表彰的党组织"})
    else:
        if membership is None:
            raise ValidationError({"membership": f"{Award.Kind(kind).label}的表彰请选择党员"})
        if membership.status not in Membership.ACTIVE_STATUSES and not (
                posthumous and membership.status == S.DECEASED):
            raise ValidationError({"membership": f"{membership.person.name}的党籍状态为"
                                                 f"“{membership.get_status_display()}”，不能表彰"})
        organization = membership.organization
    if not scope.can(user, "change", organization.path):
        raise PermissionDenied(f"您无权登记“{organization.name}”的表彰")
    if awarded_on is None:
        raise ValidationError({"awarded_on": "请填写表彰日期"})
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": "表彰日期不能晚于今天"})
    award = Award(kind=kind, level=level, organization=organization, org_path=organization.path,
                  membership=membership, awarded_on=awarded_on, conferred_by=conferred_by.strip(),
                  document_no=document_no.strip(), posthumous=posthumous, recorded_by=user)
    award.full_clean(exclude=["org_path", "recorded_by"], validate_unique=False)
    with audit.operation(award, "create"):
        award.save()
    return award

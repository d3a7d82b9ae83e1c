"""在职党员到社区报到: the operations on registrations, community activities and service hours.

Every change is one `audit.operation`. Who may do what:
- a registration is made by the member's branch or by the community (who may **change** either side);
- only the community side (who may change the community's organization) confirms or declines it;
- either side ends it (the member moved, left the community …);
- the community creates its activities and enters their attendance; service hours on an item or other service
  are recorded by either side.

What counts as a community's party organization (社区党组织, decided here: `orgs.Organization` has no
"community" kind, but it has the sector 社区 and the division code): an active 党委, 党总支 or 党支部 of the sector
社区 that is the community's own organization — its division code is a village-level (12-digit) code, or it has
no division code and its name says 社区 — and not a branch under its community's 党委/党总支 (same division
code), nor a 街道党工委 (a township-level committee of the sector 社区).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.core import audit, scope
from zugong.orgs.models import Organization

from .models import CommunityActivity, CommunityRegistration, ServiceHours

Status = CommunityRegistration.Status
LIVE = (Status.PENDING, Status.CONFIRMED)
COMMUNITY_KINDS = (Organization.Kind.COMMITTEE, Organization.Kind.GENERAL_BRANCH, Organization.Kind.BRANCH)
MAX_HOURS = Decimal("24")


# ---------------------------------------------------------------- who may, what is a community


def community_problem(org: Organization | None) -> str:
    """Why `org` is not a community's party organization (Chinese), or "" when it is one."""
    if org is None:
        return "请选择报到社区党组织"
    if not org.is_active:
        return f"“{org.name}”已撤销"
    if org.kind not in COMMUNITY_KINDS:
        return f"“{org.name}”是{org.get_kind_display()}，报到社区应为社区党委、党总支或党支部"
    if org.sector != "community":
        return f"“{org.name}”不是社区党组织（所在领域为“{org.get_sector_display() or '未填写'}”）"
    code = (org.division_code or "").strip()
    if code and len(code) != 12:
        return f"“{org.name}”是街道（乡镇）一级党组织，请选择党员居住地所在社区的党组织"
    if not code and ("街道" in org.name and "社区" not in org.name):
        return f"“{org.name}”是街道一级党组织，请选择党员居住地所在社区的党组织"
    if not code and "社区" not in org.name:
        return f"“{org.name}”未登记社区的行政区划代码，名称中也没有“社区”，不能确定是社区党组织"
    if code and org.depth > 1:
        parent = Organization.objects.unrestricted().filter(path=org.path[:-scope.STEPLEN]).first()
        if parent is not None and parent.sector == "community" and parent.division_code == code:
            return f"“{org.name}”是“{parent.name}”下属的党组织，请选择社区党组织“{parent.name}”"
    return ""


def is_community(org: Organization | None) -> bool:
    return not community_problem(org)


def may_register(user) -> bool:
    return bool(scope.scope_paths(user, "change"))


def may_change_community(user, registration: CommunityRegistration) -> bool:
    return scope.can(user, "change", registration.community.path)


def may_change_either(user, registration: CommunityRegistration) -> bool:
    return any(scope.can(user, "change", p) for p in (registration.community.path, registration.branch.path))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _not_future(day: dt.date | None, field: str, label: str) -> dt.date:
    if day is None:
        raise ValidationError({field: f"请填写{label}"})
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} {day:%Y-%m-%d} 晚于今天"})
    return day


def _hours(value, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value)).normalize() if value not in (None, "") else None
    except InvalidOperation:
        raise ValidationError({field: f"服务时长“{value}”不是数字"}) from None
    if hours is None:
        raise ValidationError({field: "请填写服务时长（小时）"})
    if hours <= 0:
        raise ValidationError({field: "服务时长应大于 0 小时"})
    if hours > MAX_HOURS:
        raise ValidationError({field: f"服务时长 {hours} 小时超过一天（24 小时）"})
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError({field: f"服务时长 {hours} 最多保留一位小数"})
    return hours.quantize(Decimal("0.1"))


def _locked(registration: CommunityRegistration) -> CommunityRegistration:
    return (CommunityRegistration.objects.unrestricted().select_for_update(of=("self",))
            .select_related("community", "branch", "membership__person").get(pk=registration.pk))


def _state(registration: CommunityRegistration, *allowed: str) -> None:
    if registration.status not in allowed:
        raise ValidationError(f"该报到记录当前为“{registration.get_status_display()}”，不能办理此操作")


def _actor(user) -> str:
    return (getattr(user, "display_name", "") or getattr(user, "username", "") or "")[:60]


# ---------------------------------------------------------------- registrations


def check_registration(membership, community, registered_on, *, exclude_pk=None) -> dict:
    """The problems of a new registration, by field (Chinese); {} when it may be made. Used by the service and
    the importer (which checks many rows before writing any)."""
    errors: dict[str, str] = {}
    if membership is None:
        errors["membership"] = "请选择党员"
    elif membership.transferred_out_on or membership.status not in membership.ACTIVE_STATUSES:
        standing = "组织关系已转出本省" if membership.transferred_out_on else membership.get_status_display()
        errors["membership"] = f"{membership.person.name}（{standing}）不是现有党员，不能到社区报到"
    else:
        live = (CommunityRegistration.objects.unrestricted().filter(membership=membership, status__in=LIVE)
                .exclude(pk=exclude_pk).select_related("community").first())
        if live is not None:
            errors["membership"] = (f"{membership.person.name}已于 {live.registered_on:%Y-%m-%d} 向"
                                    f"“{live.community.name}”报到（{live.get_status_display()}），"
                                    "同一时间只能在一个社区报到；如已搬家，请先结束原报到")
    problem = community_problem(community)
    if problem:
        errors["community"] = problem
    if registered_on is None:
        errors["registered_on"] = "请填写报到日期"
    elif registered_on > timezone.localdate():
        errors["registered_on"] = f"报到日期 {registered_on:%Y-%m-%d} 晚于今天"
    return errors


@transaction.atomic
def register(user, membership, community, registered_on: dt.date, residence: str = "",
             skills: str = "") -> CommunityRegistration:
    """A member registers with the community where they live (待社区确认). Made by the member's branch or by
    the community; the branch is the membership's organization."""
    if membership is not None and community is not None:
        _require(scope.can(user, "change", membership.org_path) or scope.can(user, "change", community.path),
                 "只有党员所在党支部或报到社区的党组织可以登记到社区报到")
    errors = check_registration(membership, community, registered_on)
    if errors:
        raise ValidationError(errors)
    registration = CommunityRegistration(
        community=community, branch=membership.organization, membership=membership, registered_on=registered_on,
        residence=(residence or "").strip()[:100], skills=(skills or "").strip()[:200])
    try:
        with audit.operation(registration, "create", note="在职党员到社区报到") as op:
            registration.save()
            op.fact("党员", membership.person.name)
    except IntegrityError:  # two requests at once: the constraint keeps one live registration
        raise ValidationError({"membership": f"{membership.person.name}已有未结束的社区报到"}) from None
    return registration


@transaction.atomic
def confirm(user, registration: CommunityRegistration, on: dt.date | None = None) -> CommunityRegistration:
    """The community confirms the member's registration (已报到)."""
    registration = _locked(registration)
    _require(may_change_community(user, registration), "只有报到社区的党组织可以确认报到")
    _state(registration, Status.PENDING)
    on = _not_future(on or timezone.localdate(), "on", "确认日期")
    if on < registration.registered_on:
        raise ValidationError({"on": f"确认日期 {on:%Y-%m-%d} 早于报到日期 {registration.registered_on:%Y-%m-%d}"})
    with audit.operation(registration, "社区确认报到"):
        registration.status = Status.CONFIRMED
        registration.confirmed_on = on
        registration.confirmed_by = _actor(user)
        registration.save()
    return registration


@transaction.atomic
def decline(user, registration: CommunityRegistration, on: dt.date | None, reason: str) -> CommunityRegistration:
    """The community sends the registration back (社区退回: not living here, wrong community …) with a reason."""
    registration = _locked(registration)
    _require(may_change_community(user, registration), "只有报到社区的党组织可以退回报到")
    _state(registration, Status.PENDING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因"})
    on = _not_future(on or timezone.localdate(), "on", "退回日期")
    with audit.operation(registration, "社区退回报到", note=reason):
        registration.status = Status.DECLINED
        registration.decline_reason = reason[:200]
        registration.ended_on = max(on, registration.registered_on)
        registration.save()
    return registration


@transaction.atomic
def end(user, registration: CommunityRegistration, on: dt.date | None, reason: str) -> CommunityRegistration:
    """Either side ends a registration (搬家、组织关系转走 …); the member may then register elsewhere."""
    registration = _locked(registration)
    _require(may_change_either(user, registration), "只有报到社区或党员所在党支部可以结束报到")
    _state(registration, *LIVE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写结束原因"})
    on = _not_future(on or timezone.localdate(), "on", "结束日期")
    if on < registration.registered_on:
        raise ValidationError({"on": f"结束日期 {on:%Y-%m-%d} 早于报到日期 {registration.registered_on:%Y-%m-%d}"})
    with audit.operation(registration, "结束社区报到", note=reason):
        registration.status = Status.ENDED
        registration.ended_on = on
        registration.save()
    return registration


# ---------------------------------------------------------------- activities and hours


@transaction.atomic
def create_activity(user, community, held_on: dt.date, title: str, kind: str = "", hours=Decimal("2.0"),
                    task=None, note: str = "") -> CommunityActivity:
    """An activity the community organizes for its registered members, optionally on a 办实事 item."""
    problem = community_problem(community)
    if problem:
        raise ValidationError({"organization": problem})
    _require(scope.can(user, "change", community.path), "只有社区党组织可以组织社区活动")
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写活动名称"
    if held_on is None:
        errors["held_on"] = "请填写活动日期"
    elif held_on > timezone.localdate():
        errors["held_on"] = f"活动日期 {held_on:%Y-%m-%d} 晚于今天；活动结束后再登记"
    if errors:
        raise ValidationError(errors)
    activity = CommunityActivity(organization=community, held_on=held_on, title=title[:100],
                                 kind=(kind or "").strip()[:40], hours=_hours(hours), task=task, note=note or "")
    with audit.operation(activity, "create"):
        activity.save()
    return activity


@transaction.atomic
def record_attendance(user, activity: CommunityActivity, registrations) -> list[ServiceHours]:
    """The registered members who took part in an activity: each gets the activity's hours (one row per member
    and activity; those already entered are left as they are). Written in bulk, one audited operation."""
    _require(scope.can(user, "change", activity.org_path), "只有组织活动的社区党组织可以登记参加人员")
    try:
        ids = {r.pk if hasattr(r, "pk") else int(r) for r in registrations}
    except (TypeError, ValueError):
        raise ValidationError({"registrations": "所选报到记录无效"}) from None
    if not ids:
        raise ValidationError({"registrations": "请选择参加活动的报到党员"})
    found = {r.pk: r for r in CommunityRegistration.objects.unrestricted().filter(pk__in=ids)
             .select_related("membership__person")}
    bad = []
    for pk in sorted(ids):
        r = found.get(pk)
        if r is None or r.community_id != activity.organization_id:
            bad.append(f"{r.membership.person.name}未在本社区报到" if r else f"报到记录 {pk} 不存在")
        elif r.status != Status.CONFIRMED and not (r.status == Status.ENDED and r.ended_on
                                                    and r.ended_on >= activity.held_on):
            bad.append(f"{r.membership.person.name}的报到为“{r.get_status_display()}”")
        elif r.registered_on > activity.held_on:
            bad.append(f"{r.membership.person.name}于 {r.registered_on:%Y-%m-%d} 报到，晚于活动日期")
    if bad:
        raise ValidationError({"registrations": "；".join(bad)})
    done = set(ServiceHours.objects.unrestricted().filter(activity=activity, registration_id__in=ids)
               .values_list("registration_id", flat=True))
    rows = [ServiceHours(registration_id=pk, served_on=activity.held_on, hours=activity.hours, activity=activity,
                         task_id=activity.task_id, note=activity.title[:200])
            for pk in sorted(ids - done)]
    with audit.operation(activity, "登记活动参加人员") as op:
        created = ServiceHours.objects.bulk_create(rows)
        op.created(created)
        op.fact("登记参加人数", len(created))
    return created


@transaction.atomic
def record_hours(user, registration: CommunityRegistration, served_on: dt.date, hours, note: str = "",
                 task=None) -> ServiceHours:
    """Service hours of one registered member outside an activity: on a 办实事 item (`task`, a ServiceTask)
    or other service in the community."""
    registration = _locked(registration)
    _require(may_change_either(user, registration), "只有报到社区或党员所在党支部可以登记服务时长")
    served_on = _not_future(served_on, "served_on", "服务日期")
    if registration.status == Status.CONFIRMED:
        pass
    elif registration.status == Status.ENDED and registration.confirmed_on and registration.ended_on \
            and served_on <= registration.ended_on:
        pass
    else:
        raise ValidationError(f"该报到记录为“{registration.get_status_display()}”，不能登记服务时长")
    if served_on < registration.registered_on:
        raise ValidationError({"served_on": f"服务日期 {served_on:%Y-%m-%d} 早于报到日期 "
                                            f"{registration.registered_on:%Y-%m-%d}"})
    note = (note or "").strip()
    if not note and task is None:
        raise ValidationError({"note": "请填写服务内容"})
    row = ServiceHours(registration=registration, served_on=served_on, hours=_hours(hours), task=task,
                       note=(note or str(task))[:200])
    with audit.operation(row, "create"):
        row.save()
    return row

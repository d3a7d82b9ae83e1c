"""Organization operations: create, rename/edit, move, merge, dissolve. Authorized, transactional, audited."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from zugong.core import audit, scope

from .models import Organization, Unit


def _require(user, action: str, org: Organization) -> None:
    if not scope.can(user, action, org.path):
        raise PermissionDenied(f"您无权对“{org.name}”执行此操作")


def by_code(code: str, exclude_pk=None) -> Organization | None:
    """The organization holding `code`, wherever it lies. Codes are unique nationwide, so the uniqueness check
    and a transfer's receiving branch (named by its exact code in the letter, usually outside the issuing
    side's scope) look beyond the user's subtrees; callers show only what the user may see."""
    return Organization.objects.unrestricted().filter(code=code).exclude(pk=exclude_pk).first()


def code_clash(user, code: str, exclude_pk=None) -> str | None:
    """Why `code` cannot be used (organization codes are unique nationwide), or None when it is free; the
    holder is named only if the user may see it."""
    clash = by_code(code, exclude_pk)
    if clash is None:
        return None
    holder = f"“{clash.name}”" if scope.can(user, "view", clash.path) else "您管辖范围以外的组织"
    return f"组织代码 {code} 已被{holder}使用"


def _check_code_free(user, code: str, exclude_pk=None) -> None:
    message = code_clash(user, code, exclude_pk)
    if message:
        raise ValidationError({"code": message})


@transaction.atomic
def create(user, parent: Organization, **fields) -> Organization:
    """Add an organization under `parent`."""
    _require(user, "manage", parent)
    if not parent.is_active:
        raise ValidationError(f"上级组织“{parent.name}”已撤销，不能在其下新建组织")
    if parent.kind == Organization.Kind.PARTY_GROUP:
        raise ValidationError("党小组下不能再设组织")
    _check_code_free(user, fields.get("code", ""))
    org = Organization(**fields)
    org.full_clean(exclude=["path", "depth", "numchild"])
    with scope.bypass():
        return Organization.objects.add_child(parent, instance=org)


@transaction.atomic
def update(user, org: Organization, **fields) -> Organization:
    """Edit an organization's attributes (rename included); the audit entry holds the field diff."""
    _require(user, "manage", org)
    if "code" in fields:
        _check_code_free(user, fields["code"], exclude_pk=org.pk)
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save()
    return org


# A unit's details the annual statistics count (tables 25–31), edited on the unit's page.
UNIT_FIELDS = (
    "name", "credit_code", "entity_type", "coverage", "joint_organization", "employees", "employee_members",
    "tech_staff", "large", "legal_rep_member", "legal_rep_secretary", "liaison", "full_time_worker",
)


@transaction.atomic
def update_unit(user, unit: Unit, **fields) -> Unit:
    """Edit a unit's statistics details; the joint branch its members are in must be a joint branch the user
    can see; the counts must agree (members and technical staff among the employees)."""
    if not scope.can(user, "change", unit.org_path):
        raise PermissionDenied(f"您无权修改单位“{unit.name}”的信息")
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValidationError(f"不能在此修改：{'、'.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(unit, name, value)
    joint = unit.joint_organization
    if joint is not None:
        if not scope.can(user, "view", joint.path):
            raise ValidationError({"joint_organization": "所选联合党支部不在您的管辖范围内"})
        if not joint.is_joint:
            raise ValidationError({"joint_organization": f"“{joint.name}”不是联合党支部"})
    errors = {}
    if unit.employees is not None:
        if unit.employee_members is not None and unit.employee_members > unit.employees:
            errors["employee_members"] = "在岗职工中党员数不能大于在岗职工数"
        if unit.tech_staff is not None and unit.tech_staff > unit.employees:
            errors["tech_staff"] = "专业技术人员数不能大于在岗职工数"
    if errors:
        raise ValidationError(errors)
    unit.full_clean(validate_unique=False)
    with audit.operation(unit, "update"):
        unit.save()
    return unit


@transaction.atomic
def move(user, org: Organization, new_parent: Organization, note: str = "") -> Organization:
    """Attach an organization (with its whole subtree and people) to another parent."""
    _require(user, "manage", org)
    _require(user, "manage", new_parent)
    if org.depth == 1:
        raise ValidationError("根组织不能调整隶属关系")
    if new_parent.path.startswith(org.path):
        raise ValidationError("不能把组织调整到它自己或它的下级组织之下")
    if not new_parent.is_active:
        raise ValidationError(f"“{new_parent.name}”已撤销，不能作为上级组织")
    with scope.bypass(), audit.operation(org, "move", note=note) as op:
        old_parent = Organization.objects.get_parent(org)
        if old_parent and old_parent.pk == new_parent.pk:
            raise ValidationError(f"“{org.name}”已经隶属于“{new_parent.name}”")
        old_path = org.path
        Organization.objects.move(org, new_parent, "last-child")
        org.refresh_from_db()
        scope.follow_move(old_path, org.path)
        op.fact("上级组织", new_parent, old=old_parent)
    return org


def _reassign_people(source: Organization, target: Organization) -> int:
    """Move the records attached directly to `source` onto `target`."""
    moved = scope.follow_merge(source, target).get("people.Person", 0)
    recount(source, target)
    return moved


def recount(*orgs: Organization) -> None:
    """Recompute the direct head count of organizations from the people table."""
    Person = apps.get_model("people", "Person")
    for org in orgs:
        n = Person.objects.unrestricted().filter(organization=org).count()
        Organization.objects.unrestricted().filter(pk=org.pk).update(direct_people=n)


@transaction.atomic
def merge(user, source: Organization, target: Organization, on: dt.date, note: str = "") -> Organization:
    """Merge `source` into `target`: its sub-organizations and people pass to `target`; it is kept, dissolved."""
    _require(user, "manage", source)
    _require(user, "manage", target)
    if source.pk == target.pk:
        raise ValidationError("不能把组织并入它自己")
    if target.path.startswith(source.path):
        raise ValidationError("不能并入自己的下级组织")
    if not (source.is_active and target.is_active):
        raise ValidationError("已撤销的组织不能合并")
    with audit.operation(source, "merge") as op:
        with scope.bypass():
            children = list(Organization.objects.get_children(source))
            for child in children:
                old_path = child.path
                Organization.objects.move(child, target, "last-child")
                child.refresh_from_db()
                scope.follow_move(old_path, child.path)
            source.refresh_from_db()
            target.refresh_from_db()
            moved = _reassign_people(source, target)
        source.status, source.dissolved_on, source.merged_into = Organization.Status.DISSOLVED, on, target
        source.save(update_fields=["status", "dissolved_on", "merged_into", "updated_at"])
        detail = f"下级组织 {len(children)} 个、人员 {moved} 人转入“{target.name}”"
        op.note = f"{detail}。{note}".strip("。") + "。"  # with the source's diff (状态, 并入组织 …)
        op.fact("并入的组织", source, on=target, note=detail)
    return target


@transaction.atomic
def dissolve(user, org: Organization, receiver: Organization | None, on: dt.date, note: str = "") -> Organization:
    """Dissolve an organization; its people pass to `receiver`. It is kept, with its history, as dissolved."""
    _require(user, "manage", org)
    if not org.is_active:
        raise ValidationError(f"“{org.name}”已经撤销")
    if org.depth == 1:
        raise ValidationError("根组织不能撤销")
    with scope.bypass():
        active_children = Organization.objects.get_children(org).filter(status=Organization.Status.ACTIVE).count()
        if active_children:
            raise ValidationError(f"“{org.name}”还有 {active_children} 个未撤销的下级组织，请先调整或撤销")
        has_people = org.direct_people > 0 or apps.get_model("people", "Person").objects.unrestricted().filter(
            organization=org
        ).exists()
    moved = 0
    if has_people:
        if receiver is None:
            raise ValidationError({"receiver": "该组织还有人员，请选择接收人员的组织"})
        _require(user, "manage", receiver)
        if receiver.pk == org.pk or not receiver.is_active:
            raise ValidationError({"receiver": "接收组织必须是另一个未撤销的组织"})
        with scope.bypass():
            moved = _reassign_people(org, receiver)
    note = (f"人员 {moved} 人转入“{receiver.name}”。" if moved else "") + note
    with audit.operation(org, "dissolve", note=note):
        org.status, org.dissolved_on = Organization.Status.DISSOLVED, on
        org.save(update_fields=["status", "dissolved_on", "updated_at"])  # its diff: in the dissolve entry
    return org


def subtree_counts(parent: Organization) -> dict[str, dict]:
    """People and active branches in the subtree of each child of `parent`, keyed by child path: one query."""
    width = len(parent.path) + Organization.steplen
    rows = (
        Organization.objects.unrestricted()
        .filter(path__subtree=parent.path, depth__gt=parent.depth)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(
            people=Sum("direct_people"),
            branches=Count("pk", filter=Q(kind=Organization.Kind.BRANCH, status=Organization.Status.ACTIVE)),
        )
        .order_by()
    )
    return {r["prefix"]: r for r in rows}


def node_counts(org: Organization) -> dict:
    """People and active branches in the whole subtree of `org` (itself included)."""
    return (
        Organization.objects.unrestricted()
        .filter(path__subtree=org.path)
        .aggregate(
            people=Sum("direct_people"),
            branches=Count("pk", filter=Q(kind=Organization.Kind.BRANCH, status=Organization.Status.ACTIVE)),
        )
    )

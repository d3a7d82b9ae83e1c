"""Operations every kind of configuration shares: who may edit it, its dates, the edition that wins where
several are in force, and issuing a new edition (a copy of one the user can see). Transactional callers,
permission-checked, audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from .. import audit, scope


def can_edit(user, path: str) -> bool:
    """Configuration (checklists, identification standards, local rules …) is edited by the department admins
    of the issuing organization or above; a national default (no issuing organization) by those of a root."""
    if not path:
        return any(len(p) == 4 for p in scope.scope_paths(user, "admin"))
    return scope.can(user, "admin", path)


def require_config_admin(user, path: str, message: str = "只有组织部门管理员可以修改评分标准和认定标准") -> None:
    if not can_edit(user, path):
        raise PermissionDenied(message)


def check_dates(config) -> None:
    if config.effective_to and config.effective_to <= config.effective_from:
        raise ValidationError({"effective_to": "失效日期应晚于生效日期"})


def refuse_tie(config, noun: str) -> None:
    """Where several editions are in force for an organization, the nearest issuer wins, then the latest
    effective date (`scoring.precedence`, `weakorgs.screening.indicator_set_for`). Two active editions of one
    issuer (and sector) taking effect on the same day cannot be ordered: refuse the second."""
    if not config.active:
        return
    same = type(config).objects.unrestricted().filter(org_path=config.organization.path, active=True,
                                                      effective_from=config.effective_from)
    if hasattr(config, "sector"):
        same = same.filter(sector=config.sector)
    other = same.exclude(pk=config.pk).first() if config.pk else same.first()
    if other:
        raise ValidationError({"effective_from": (
            f"“{config.organization.name}”已有同一天（{config.effective_from:%Y-%m-%d}）生效的{noun}“{other}”，"
            f"无法确定以哪个为准；请改用其他生效日期，或先停用原{noun}")})


def require_issuer_admin(user, organization, noun: str) -> None:
    """A new edition is issued by an organization the user administers (组织部门管理员 of it or above)."""
    if not scope.can(user, "admin", organization.path):
        raise PermissionDenied(f"只有“{organization.name}”或其上级的组织部门管理员可以为其制定{noun}")


def require_copyable(user, source, noun: str) -> None:
    if source is not None and not type(source).objects.visible_to(user).filter(pk=source.pk).exists():
        raise PermissionDenied(f"所复制的{noun}不存在或您无权查看")


def issue_edition(user, config, copy_from, *, noun: str, check, rows: str, row_errors, row_name) -> list:
    """The steps every kind of configuration shares when a new one is issued: the user administers the
    issuing organization and can see the source; the new one passes `check` (as an edit would) and so does
    every row copied (`row_errors`); then it is saved and the source's `rows` (items, situations) are copied
    to it, inserted at once and audited as created. Returns the copies."""
    require_issuer_admin(user, config.organization, noun)
    require_copyable(user, copy_from, noun)
    check(config)
    related = getattr(copy_from, rows) if copy_from else None
    copies = list(related.unrestricted().order_by("order", "pk")) if copy_from else []
    wrong = next(((r, e) for r in copies for e in row_errors(r).values()), None)
    if wrong:
        raise ValidationError({"copy_from": f"所复制的{row_name(wrong[0])}有误：{wrong[1]}；请先修改原{noun}"})
    with audit.operation(config, "create", note=f"复制自“{copy_from}”" if copy_from else "") as op:
        config.save()
        for row in copies:
            row.pk = None
            row._state.adding = True
            setattr(row, related.field.name, config)
            row.org_path = config.org_path
        if copies:
            type(copies[0]).objects.bulk_create(copies, batch_size=500)
            op.created(copies)
    return copies



"""The scoped, audited configuration row: issued by an organization for its subtree.

A configuration row (a local rule, a checklist and its items, an identification standard and its indicators,
a dispatch program, a team composition standard) carries the path of the organization that issued it, kept by
`save` (a row of a parent configuration, such as a checklist's item, takes its parent's path; a row issued by
no organization — a national default — has the empty path and applies everywhere). Every save and delete is
in the audit log (`AuditedModel`). `ConfigQuerySet.visible_to` filters in SQL: a user sees what was issued
inside their scope and what was issued above it (which applies to them), never a sibling's.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .. import scope
from ..audit import AuditedModel
from ..scope import ScopedQuerySet


def ancestor_paths(path: str, steplen: int = 4) -> list[str]:
    """The paths of an organization and of all its ancestors."""
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


class ConfigQuerySet(ScopedQuerySet):
    """Configuration issued by an organization applies to its subtree: a user sees the configuration issued
    inside their scope, the configuration issued above it (which applies to them) and the national defaults
    (issued by no organization), never a sibling's."""

    def visible_to(self, user, action: str = "view"):
        qs = self._chain()
        qs._scope_checked = True
        paths = scope.scope_paths(user, action)
        if not paths:
            return qs.none()
        above = {"", *(a for p in paths for a in ancestor_paths(p))}
        field = self.model.scope_field
        return qs.filter(scope.subtree_q(field, paths) | Q(**{f"{field}__in": above}))

    def applying_to(self, path: str):
        """Configuration issued by the organization at `path`, one of its ancestors, or no organization."""
        return self.filter(**{f"{self.model.scope_field}__in": ["", *ancestor_paths(path)]})


class ConfigManager(models.Manager.from_queryset(ConfigQuerySet)):
    pass


class ConfigModel(AuditedModel):
    """Base of every configuration row: scoped by the issuing organization's path (kept by `save`, following
    the organization when it moves), audited, filtered in SQL. A subclass has an `organization` foreign key
    (null for a national default), or names its parent configuration in `config_parent`."""

    scope_field = "org_path"
    scope_follows_org = True
    audit_exclude = ("org_path", "created_at", "updated_at")
    config_parent: str | None = None

    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)

    objects = ConfigManager()

    class Meta:
        abstract = True

    def issuing_path(self) -> str:
        if self.config_parent:
            return getattr(self, self.config_parent).org_path
        return self.organization.path if self.organization_id else ""

    def save(self, *args, **kwargs):
        self.org_path = self.issuing_path()
        super().save(*args, **kwargs)

"""The scoped, audited configuration row: issued by an organization for its subtree.

A configuration row (a local rule, a checklist and its items, an identification standard and its indicators,
a dispatch program, a team composition standard) carries the path of the organization that issued it, kept by
`save` (a row of a parent configuration, such as a checklist's item, takes its parent's path; a row issued by
no organization — a national default — has the empty path and applies everywhere). Every save and delete is
in the audit log (`AuditedModel`). The scope strategy `zugong.core.scope.Issued` filters in SQL: a user sees what
was issued inside their scope and what was issued above it (which applies to them), never a sibling's.
"""

from __future__ import annotations

from django.db import models

from .. import scope
from ..audit import AuditedModel
from ..scope import Issued, ScopedManager, ScopedModel, ScopedQuerySet


class ConfigQuerySet(ScopedQuerySet):
    """Configuration rows: visible as their `Issued` strategy says (issued inside the user's scope, above it, or
    nationally); `applying_to` picks those that govern one organization."""

    def applying_to(self, path: str):
        """Configuration issued by the organization at `path`, one of its ancestors, or no organization."""
        above = ["", *(path[:i] for i in range(scope.STEPLEN, len(path) + 1, scope.STEPLEN))]
        return self.filter(**{f"{self.model.scope_field}__in": above})


class ConfigModel(ScopedModel, AuditedModel):
    """Base of every configuration row: a scoped record whose strategy is `Issued` — by the issuing
    `organization` (null for a national default), or, for a row of a parent configuration, `Issued(parent=…)`
    declared by the subclass. Audited, filtered in SQL, follows the organization when it moves."""

    scope = Issued("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)

    objects = ScopedManager.from_queryset(ConfigQuerySet)()

    class Meta:
        abstract = True

    def issuing_path(self) -> str:
        """The path of the organization that issued the row (its parent's, for a row of a parent)."""
        self.scope.fill(self)
        return self.org_path

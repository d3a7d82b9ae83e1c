"""Scope: every user sees only the organization subtrees granted to them.

One mechanism serves pages, lists, exports, pickers, search and the API: a scoped model's manager is a
`ScopedQuerySet`, and `.visible_to(user, action)` filters it by the materialized path of the owning
organization (`scope_field`). It fails closed: while a request is being served, evaluating a queryset of a
scoped model that went through neither `visible_to` nor an explicit `unrestricted()` raises `ScopeError`.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable

from django.db import models
from django.db.models import Q

_guard: ContextVar[bool] = ContextVar("zugong_scope_guard", default=False)


class ScopeError(RuntimeError):
    """An unscoped query of a scoped model was evaluated while serving a request."""


class Role(models.TextChoices):
    DEPT_ADMIN = "dept_admin", "组织部管理员"
    ORG_ADMIN = "org_admin", "党组织管理员"
    SECRETARY = "secretary", "支部书记"
    READONLY = "readonly", "只读"


ROLE_RANK = {Role.READONLY: 1, Role.SECRETARY: 2, Role.ORG_ADMIN: 3, Role.DEPT_ADMIN: 4}

# The least role an action needs.
ACTION_RANK = {
    "view": 1,  # see records
    "change": 2,  # edit people and records
    "manage": 3,  # organization operations, imports, user accounts
    "admin": 4,  # department-wide powers (rule exceptions, audit verification)
}


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    kept: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def grants_of(user) -> list[tuple[str, str]]:
    """(path, role) pairs the user holds; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_zugong_grants", None)
    if cached is None:
        cached = [(g.organization.path, g.role) for g in user.grants.select_related("organization")]
        user._zugong_grants = cached
    return cached


def scope_paths(user, action: str = "view") -> list[str]:
    """The subtree paths in which the user may perform the action."""
    need = ACTION_RANK[action]
    return _minimal(p for p, role in grants_of(user) if ROLE_RANK.get(role, 0) >= need)


def role_rank(user, path: str) -> int:
    """The user's highest role rank that covers the organization at `path`."""
    return max((ROLE_RANK.get(r, 0) for p, r in grants_of(user) if path.startswith(p)), default=0)


def can(user, action: str, path: str) -> bool:
    """Whether the user may perform the action on a record whose organization path is `path`."""
    return role_rank(user, path) >= ACTION_RANK[action]


PATH_MAX = 255


@models.CharField.register_lookup
class Subtree(models.Lookup):
    """`path_field__subtree=path`: the rows of the subtree rooted at `path` (itself included).

    Written as a range, `path <= x <= path + 'ZZZ…'`, not as LIKE 'path%': paths use only 0-9 and A-Z, so
    the two are the same set, but a range is served by any btree index on both databases (SQLite's LIKE is
    case-insensitive and PostgreSQL's LIKE needs a pattern-ops index and estimates rows badly), and a
    composite index such as (org_path, stroke_key) serves the filter and the ordering together.
    """

    lookup_name = "subtree"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not isinstance(self.rhs, str):
            raise TypeError("__subtree takes a path string")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = self.rhs + "Z" * max(PATH_MAX - len(self.rhs), 0)
        return f"({lhs} >= %s AND {lhs} <= %s)", [*lhs_params, self.rhs, *lhs_params, upper]


def subtree_q(field: str, paths: Iterable[str]) -> Q:
    """A Q matching rows whose `field` lies in any of the subtrees (an index range per subtree)."""
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__subtree": p})
    return q


@contextmanager
def guard():
    """Fail closed: within this block, unscoped queries of scoped models raise."""
    token = _guard.set(True)
    try:
        yield
    finally:
        _guard.reset(token)


@contextmanager
def bypass():
    """For services after they authorized the operation: internal queries (tree maintenance) may run."""
    token = _guard.set(False)
    try:
        yield
    finally:
        _guard.reset(token)


def guard_active() -> bool:
    return _guard.get()


class ScopedQuerySet(models.QuerySet):
    """A queryset that must be scoped before it is evaluated inside a request.

    `visible_to` does not add its filter at once: it keeps the user's subtree paths pending, `subtree(path)`
    narrows them, and the one resulting filter is added when the queryset is evaluated or used as a
    subquery. So a list of one county for a province admin carries one path range, not the province's and
    the county's (SQLite serves only the first range of a column from an index).
    """

    _scope_checked = False
    _scope_pending: tuple[str, ...] | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scope_checked = self._scope_checked
        clone._scope_pending = self._scope_pending
        return clone

    def visible_to(self, user, action: str = "view"):
        """Rows of the subtrees in which `user` may perform `action`; nothing for a user with no grant."""
        qs = self._chain()
        qs._scope_checked = True
        paths = scope_paths(user, action)
        if not paths:
            return qs.none()
        qs._scope_pending = tuple(paths) if qs._scope_pending is None else _intersect(qs._scope_pending, paths)
        return qs

    def subtree(self, path: str):
        """Only the subtree rooted at `path` (intersected with the pending scope, if any)."""
        qs = self._chain()
        if qs._scope_pending is not None:
            qs._scope_pending = _intersect(qs._scope_pending, [path])
            return qs
        return qs.filter(**{f"{self.model.scope_field}__subtree": path})

    within = subtree

    def unrestricted(self):
        """Explicitly all rows: for system work (uniqueness checks, scans), never for showing to a user."""
        qs = self._chain()
        qs._scope_checked = True
        return qs

    def _check_scope(self):
        if _guard.get() and not self._scope_checked:
            raise ScopeError(
                f"{self.model._meta.label}: unscoped query while serving a request; "
                "use .visible_to(request.user) (or .unrestricted() for system work)."
            )
        self._apply_scope()

    def _apply_scope(self):
        pending = self._scope_pending
        if pending is None:
            return
        self._scope_pending = None
        if pending:
            self.query.add_q(subtree_q(self.model.scope_field, pending))
        else:
            self.query.set_empty()

    def resolve_expression(self, *args, **kwargs):  # used as a subquery
        self._check_scope()
        return super().resolve_expression(*args, **kwargs)

    def _combinator_query(self, combinator, *other_qs, all=False):
        for other in (self, *other_qs):
            if isinstance(other, ScopedQuerySet):
                other._check_scope()
        return super()._combinator_query(combinator, *other_qs, all=all)

    def __and__(self, other):
        self._apply_both(other)
        return super().__and__(other)

    def __or__(self, other):
        self._apply_both(other)
        return super().__or__(other)

    def _apply_both(self, other):
        self._check_scope()
        if isinstance(other, ScopedQuerySet):
            other._check_scope()

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self):
        self._check_scope()
        return super().count()

    def exists(self):
        self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def delete(self):
        self._check_scope()
        return super().delete()

    def explain(self, *args, **kwargs):
        self._check_scope()
        return super().explain(*args, **kwargs)


def _intersect(scope: Iterable[str], paths: Iterable[str]) -> tuple[str, ...]:
    """The subtrees common to two sets of subtrees (paths are prefixes of their descendants)."""
    out = []
    for a in scope:
        for b in paths:
            if b.startswith(a):
                out.append(b)
            elif a.startswith(b):
                out.append(a)
    return tuple(_minimal(out))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Default manager of scoped models."""

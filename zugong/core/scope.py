"""Scope: every user sees only the organization subtrees granted to them.

One mechanism serves pages, lists, exports, pickers, search and the API: a scoped model's manager is a
`ScopedQuerySet`, and `.visible_to(user, action)` filters it by the materialized path of the owning
organization (`scope_field`). It fails closed: while a request is being served, evaluating a queryset of a
scoped model that went through neither `visible_to` nor an explicit `unrestricted()` raises `ScopeError`.

A scoped record model derives from `ScopedModel` and declares HOW it is scoped, once:

    scope = OwnSubtree("organization")                    # the record belongs to one organization
    scope = EitherSide("from_org", "to_org")              # seen from either of two (or more) organizations
    scope = Inherited("case")                             # placed where its parent record is placed

The strategy keeps the stored path (`org_path`) current on save, tells the queryset which path columns a user's
subtrees are matched against, and rewrites the stored paths set-based when an organization moves or is merged
(`follow_move`, `follow_merge`, called by zugong.orgs.services).
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable

from django.apps import apps
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr

_guard: ContextVar[bool] = ContextVar("zugong_scope_guard", default=False)


class ScopeError(RuntimeError):
    """An unscoped query of a scoped model was evaluated while serving a request."""


class Role(models.TextChoices):
    DEPT_ADMIN = "dept_admin", "组织部管理员"
    ORG_ADMIN = "org_admin", "党组织管理员"
    SECRETARY = "secretary", "支部书记"
    READONLY = "readonly", "只读"


class Duty(models.TextChoices):
    """三员分立: the three system duties, separate from the business roles; an account holds at most one, and an
    account with a duty holds no business role (no ScopeGrant)."""

    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"


def duty_of(user) -> str:
    """The user's system duty (a `Duty` value) or "" for a business user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    return getattr(user, "duty", "") or ""


def has_duty(user, *duties: str) -> bool:
    """Whether the user holds one of the system duties (an active account)."""
    duty = duty_of(user)
    return bool(duty) and duty in duties


ROLE_RANK = {Role.READONLY: 1, Role.SECRETARY: 2, Role.ORG_ADMIN: 3, Role.DEPT_ADMIN: 4}

# The least role an action needs.
ACTION_RANK = {
    "view": 1,  # see records
    "change": 2,  # edit people and records
    "manage": 3,  # organization operations, imports (user accounts are the system duties': 三员分立)
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
STEPLEN = 4  # characters of a tree path per level (treebeard's steplen)


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
        """Rows of the subtrees in which `user` may perform `action`; nothing for a user with no grant.

        A model seen from several sides (`EitherSide`, or `Inherited` from such a parent) gets the rows any
        of whose sides lies in the subtrees, filtered at once (no pending intersection: a row may be in
        scope by one side and in the narrowed subtree by another)."""
        qs = self._chain()
        qs._scope_checked = True
        paths = scope_paths(user, action)
        if not paths:
            return qs.none()
        special = strategy_of(self.model).visible_q(self.model, paths)
        if special is not None:
            return qs.filter(special)
        sides = sides_of(self.model)
        if len(sides) > 1:
            return qs.filter(_sides_q(sides, paths))
        qs._scope_pending = tuple(paths) if qs._scope_pending is None else _intersect(qs._scope_pending, paths)
        return qs

    def subtree(self, path: str):
        """Only the subtree rooted at `path` (intersected with the pending scope, if any)."""
        qs = self._chain()
        sides = sides_of(self.model)
        if len(sides) > 1:
            return qs.filter(_sides_q(sides, [path]))
        if qs._scope_pending is not None:
            qs._scope_pending = _intersect(qs._scope_pending, [path])
            return qs
        return qs.filter(**{f"{sides[0]}__subtree": path})

    within = subtree

    def unrestricted(self):
        """Explicitly all rows: for system work (uniqueness checks, scans), never for showing to a user."""
        qs = self._chain()
        qs._scope_checked = True
        return qs

    def of_records(self, *records):
        """Rows attached to records the caller already holds through `visible_to` (audit entries, findings:
        tables with `model` and `object_id` columns). The record's scope authorizes them; a subtree filter on
        their own path would drop those written before an organization move or on the record's other side.
        Each argument is a record, or a queryset or list of records (a team with its posts and members)."""
        by_model: dict[str, list[str]] = {}
        for r in records:
            if r is None:
                continue
            if isinstance(r, models.Model):
                by_model.setdefault(r._meta.label_lower, []).append(str(r.pk))
            elif isinstance(r, models.QuerySet):
                by_model.setdefault(r.model._meta.label_lower, []).extend(
                    str(pk) for pk in r.order_by().values_list("pk", flat=True))
            else:
                for obj in r:
                    by_model.setdefault(obj._meta.label_lower, []).append(str(obj.pk))
        q = Q()
        for label, ids in by_model.items():
            if ids:
                q |= Q(model=label, object_id__in=ids)
        qs = self.filter(q) if q else self.none()
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
            self.query.add_q(subtree_q(sides_of(self.model)[0], pending))
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



def _scoping_subquery(init):
    """`Subquery(qs)` and `Exists(qs)` (Django) take `qs.query` directly, without resolving the queryset: a
    scope still pending from `visible_to` would be lost and the subquery would see every row. Applied here
    first. (A correlated subquery over an unscoped queryset stays allowed: it reads rows of an outer query that
    is scoped itself, e.g. the dues of the memberships listed.)"""

    def __init__(self, queryset, *args, **kwargs):
        if isinstance(queryset, ScopedQuerySet):
            queryset._apply_scope()
        init(self, queryset, *args, **kwargs)

    return __init__


models.Subquery.__init__ = _scoping_subquery(models.Subquery.__init__)

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


def scope_prefetches(qs, user, action: str = "view"):
    """The `Prefetch(..., queryset=...)` lookups of `qs` over scoped models, scoped for the same user: a page
    or API that prefetches a record's rows needs no unscoped queryset (children of a visible record share its
    path, or its sides, so the filter keeps them all)."""
    lookups, changed = [], False
    for lookup in qs._prefetch_related_lookups:
        inner = getattr(lookup, "queryset", None)
        if isinstance(inner, ScopedQuerySet) and not inner._scope_checked:
            lookup = copy.copy(lookup)
            lookup.queryset = inner.visible_to(user, action)
            changed = True
        lookups.append(lookup)
    if not changed:
        return qs
    qs = qs._chain()
    qs._prefetch_related_lookups = tuple(lookups)
    return qs


def _sides_q(sides: Iterable[str], paths: Iterable[str]) -> Q:
    paths = list(paths)
    q = Q()
    for field in sides:
        q |= subtree_q(field, paths)
    return q


# ---------------------------------------------------------------- strategies


def _path_attr(model) -> str:
    """The attribute that holds a model's organization path (`path` for organizations, else `org_path`)."""
    return getattr(model, "scope_field", "org_path")


class Strategy:
    """How a scoped model is placed in the organization tree. Stateless: every method takes the model.

    `field` is the stored path column (`org_path`). `sides(model)` are the path lookups a user's subtrees are
    matched against (one for most models). `fill(obj)` keeps the stored path current before a save.
    `follows_moves`: the stored path is rewritten when its organization moves (`repath`) or is merged
    (`reassign`)."""

    field = "org_path"
    follows_moves = True
    relations: tuple[str, ...] = ()

    def sides(self, model) -> tuple[str, ...]:
        return (self.field,)

    def visible_q(self, model, paths: list[str]) -> Q | None:
        """The filter of the rows seen from `paths`, where a strategy sees more than the subtrees of its
        sides (configuration also applies below its issuer); None: the subtrees of the sides."""
        return None

    def owner(self, model) -> str | None:
        """The organization foreign key that passes to the target when its organization is merged."""
        return None

    def fill(self, obj, update_fields=None):
        """Set the stored path from the first relation that is set (a no-op when nothing changed)."""
        for rel in self.relations:
            field = obj._meta.get_field(rel)
            value = getattr(obj, field.attname)
            if value is None:
                continue
            loaded = getattr(obj, "_scope_loaded", {}).get(field.attname, _UNSET)
            if field.is_cached(obj) or loaded != value or not getattr(obj, self.field):
                parent = getattr(obj, rel)
                setattr(obj, self.field, getattr(parent, _path_attr(type(parent))))
                if update_fields is not None and (field.attname in update_fields or rel in update_fields):
                    update_fields = [*update_fields, self.field]
            return update_fields
        return update_fields

    def side_paths(self, obj) -> list[str]:
        """The organization paths of one record's sides (the stored side first); empty sides left out."""
        out = []
        for name in self.sides(type(obj)):
            value = obj
            for part in name.split("__"):
                value = getattr(value, part, None)
                if value is None:
                    break
            if value:
                out.append(value)
        return out

    def repath(self, model, old: str, new: str) -> int:
        """Set-based: the rows of the moved subtree `old` now lie under `new`."""
        f = self.field
        return model.objects.unrestricted().filter(**{f"{f}__subtree": old}).update(
            **{f: Concat(Value(new), Substr(f, len(old) + 1))}
        )

    def reassign(self, model, source, target) -> int:
        """Set-based: the rows placed directly on `source` pass to `target` (merge); the number of rows."""
        qs = model.objects.unrestricted().filter(**{self.field: source.path})
        owner = self.owner(model)
        return qs.update(**{owner: target, self.field: target.path} if owner else {self.field: target.path})

    def _related(self, model, rel):
        return model._meta.get_field(rel).related_model


_UNSET = object()


class OwnSubtree(Strategy):
    """The record belongs to one organization (`relation`, a foreign key to Organization): a user sees it
    when that organization lies in one of the user's subtrees. `org_path` is copied from it on save."""

    def __init__(self, relation: str = "organization"):
        self.relations = (relation,)

    def owner(self, model):
        return self.relations[0]

    def __repr__(self):
        return f"OwnSubtree({self.relations[0]!r})"


class EitherSide(Strategy):
    """The record concerns two (or more) organizations and users of either side see it: a transfer's issuing
    and receiving organization, a dispatch's sending and host side.

    Each argument is a foreign key to an organization (or to another scoped row such as a unit). `org_path`
    stores the path of the first one that is set (it places audit entries and findings). Visibility matches
    every side: a required first side by its stored `org_path`, the others by their live path through the
    foreign key, so a host organization that moves carries its records along without a rewrite."""

    def __init__(self, *relations: str):
        if len(relations) < 2:
            raise ValueError("EitherSide needs two sides or more")
        self.relations = relations

    def _first_required(self, model) -> bool:
        return not model._meta.get_field(self.relations[0]).null

    def sides(self, model):
        out = []
        for i, rel in enumerate(self.relations):
            if i == 0 and self._first_required(model):
                out.append(self.field)
            else:
                out.append(f"{rel}__{_path_attr(self._related(model, rel))}")
        return tuple(out)

    def owner(self, model):
        return self.relations[0] if self._first_required(model) else None

    def __repr__(self):
        return f"EitherSide{self.relations!r}"


class Inherited(Strategy):
    """The record is part of a parent record (`relation`, a foreign key to a scoped model): it is placed
    where the parent is (`org_path` copied from the parent's on save) and seen by whoever sees the parent
    (a parent seen from several sides passes its other sides down, joined through the foreign key).

    `stored=False` keeps no column of its own: the parent's path is read through the join (small child
    tables such as a case's steps); nothing to copy on save, nothing to rewrite on a move."""

    def __init__(self, relation: str, stored: bool = True):
        self.relations = (relation,)
        self.stored = stored
        if not stored:
            self.follows_moves = False

    def sides(self, model):
        rel = self.relations[0]
        parent = self._related(model, rel)
        own = _path_attr(parent)
        return tuple(self.field if s == own and self.stored else f"{rel}__{s}" for s in sides_of(parent))

    def fill(self, obj, update_fields=None):
        return super().fill(obj, update_fields) if self.stored else update_fields

    def __repr__(self):
        return f"Inherited({self.relations[0]!r})"


class Placed(Strategy):
    """The creating service sets `org_path` (there is no relation to copy it from, e.g. a unit attached to an
    organization by path); it follows organization moves and merges like every stored path."""

    def __repr__(self):
        return "Placed()"


class Issued(Strategy):
    """The record is configuration issued by an organization (`relation`, nullable: none is a national
    default with the empty path) or part of a parent configuration (`parent=`, whose path it takes). It applies
    to the issuer's subtree, so a user sees what was issued inside their scope, what was issued above it (it
    applies to them) and the national defaults — never a sibling's."""

    def __init__(self, relation: str = "organization", *, parent: str | None = None):
        self.relations = (parent or relation,)
        self.parent = parent

    def fill(self, obj, update_fields=None):
        rel = self.relations[0]
        value = getattr(obj, obj._meta.get_field(rel).attname)
        if value is None and self.parent is None:
            setattr(obj, self.field, "")  # a national default
            return update_fields
        return super().fill(obj, update_fields)

    def visible_q(self, model, paths):
        above = {"", *(p[:i] for p in paths for i in range(STEPLEN, len(p) + 1, STEPLEN))}
        return subtree_q(self.field, paths) | Q(**{f"{self.field}__in": above})

    def __repr__(self):
        return f"Issued({self.relations[0]!r})"


class TreeNode(Strategy):
    """The record is an organization: its own materialized tree `path` (maintained by the tree, not here)."""

    field = "path"
    follows_moves = False

    def __repr__(self):
        return "TreeNode()"


class _Declared(Strategy):
    """Models not yet on ScopedModel: one column (`scope_field`); the organization foreign key passes on merge."""

    def __init__(self, field: str):
        self.field = field

    def owner(self, model):
        return "organization" if any(f.name == "organization" for f in model._meta.fields) else None


def strategy_of(model) -> Strategy:
    """The scope strategy a model declares (`scope = ...`), or one read from its `scope_field`."""
    declared = getattr(model, "scope", None)
    if isinstance(declared, Strategy):
        return declared
    return _Declared(getattr(model, "scope_field", "org_path"))


_sides_cache: dict = {}


def sides_of(model) -> tuple[str, ...]:
    """The path lookups a user's subtrees are matched against for `model` (cached per model)."""
    found = _sides_cache.get(model)
    if found is None:
        found = _sides_cache[model] = strategy_of(model).sides(model)
    return found


def side_paths(obj) -> list[str]:
    """The organization paths from which one record is seen (its stored path first)."""
    return strategy_of(type(obj)).side_paths(obj)


def following_models() -> list:
    """Models whose stored organization path must follow the organization when it moves or is merged."""
    return [m for m in apps.get_models() if getattr(m, "scope_follows_org", False)
            and strategy_of(m).follows_moves]


def follow_move(old: str, new: str) -> None:
    """An organization subtree moved from `old` to `new`: rewrite every stored path under it (set-based)."""
    for model in following_models():
        strategy_of(model).repath(model, old, new)


def follow_merge(source, target) -> dict[str, int]:
    """`source` is merged into `target`: the rows placed directly on it pass to `target` (by model label)."""
    return {model._meta.label: strategy_of(model).reassign(model, source, target) for model in following_models()}


class ScopedModel(models.Model):
    """The base of every scoped record: declare `scope = OwnSubtree(...)`, `EitherSide(...)` or
    `Inherited(...)` and a `org_path` CharField; the base keeps the path current on save, gives the model a
    `ScopedManager` (override `objects` with `ScopedManager.from_queryset(...)()` for domain filters), and
    makes organization moves and merges carry its rows along."""

    scope: Strategy  # declared by every concrete subclass
    scope_field = "org_path"
    scope_follows_org = True

    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def _scope_attnames(cls) -> tuple[str, ...]:
        found = _attnames.get(cls)
        if found is None:
            found = _attnames[cls] = tuple(cls._meta.get_field(r).attname for r in cls.scope.relations)
        return found

    @classmethod
    def from_db(cls, db, field_names, values):
        # Remember the relations' ids as loaded, so a save copies the path only when one of them changed.
        instance = super().from_db(db, field_names, values)
        instance._scope_loaded = {a: values[field_names.index(a)] for a in cls._scope_attnames() if a in field_names}
        return instance

    def save(self, *args, **kwargs):
        update_fields = self.scope.fill(self, kwargs.get("update_fields"))
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
        self._scope_loaded = {a: getattr(self, a) for a in self._scope_attnames()}


_attnames: dict = {}

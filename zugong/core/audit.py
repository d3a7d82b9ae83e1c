"""Audit: every create, update and delete of a domain record, with who, when, from where and the field diff.

Domain models inherit `AuditedModel`; a save or delete outside any operation is logged by signals, one entry.
A service that changes several rows, or does more than a field change (move, merge, dissolve, import, a
step), wraps its work in `operation(subject, action, note)`: the rows' saves and deletes inside are collected
and written, on success, as one operation (one chained entry per changed row plus the operation's entry on the
subject, all sharing an operation id); bulk writes are named with `op.created(rows)`, other facts with
`op.fact(label, new, old)`. Nobody builds a change dict by hand. Entries are append-only and hash-chained:
each hash covers the entry and the previous hash, so `zugong audit verify` finds an entry edited, inserted or
removed behind the application's back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterable

from django.db import models, transaction
from django.utils import timezone

_actor: ContextVar["Actor | None"] = ContextVar("zugong_actor", default=None)


@dataclass
class Actor:
    """Who is acting: a request's user (resolved lazily) or a named system process."""

    request: Any = None
    user: Any = None
    name: str = ""
    ip: str | None = None

    def resolve(self) -> tuple[int | None, str, str | None]:
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.pk, user.get_username(), self.ip
        return None, self.name or "系统", self.ip


@contextmanager
def acting_as(user=None, *, request=None, name: str = "", ip: str | None = None):
    """Attribute the audit entries written inside the block."""
    token = _actor.set(Actor(request=request, user=user, name=name, ip=ip))
    try:
        yield
    finally:
        _actor.reset(token)


# Processes that act without a user sign their entries with a name users read (`acting_as(name=…)`).
SEED_ACTOR = "系统（演示数据初始化）"
TEAMS_BUILD_ACTOR = "系统（由干部任职生成领导班子）"
# Entries written before the names were Chinese keep their name (it is part of the hash); shown as users read it.
_ACTOR_NAMES = {"zugong seed": SEED_ACTOR, "zugong teams build": TEAMS_BUILD_ACTOR}


def actor_shown(name: str) -> str:
    """An entry's actor as users read it (a process's old command name in Chinese)."""
    return _ACTOR_NAMES.get(name, name)


def current_actor() -> tuple[int | None, str, str | None]:
    actor = _actor.get()
    return actor.resolve() if actor else (None, "系统", None)


# ---------------------------------------------------------------- hashing


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry, prev_hash: str) -> str:
    """The hash of an entry's content chained to the previous hash."""
    payload = {
        "timestamp": _ts(entry.timestamp),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "ip": entry.ip,
        "action": entry.action,
        "model": entry.model,
        "object_id": str(entry.object_id),
        "object_repr": entry.object_repr,
        "org_path": entry.org_path,
        "changes": entry.changes,
        "note": entry.note,
    }
    if entry.operation:  # entries written before operations existed hash as they always did
        payload["operation"] = entry.operation
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- writing


def _display(field: models.Field, value) -> Any:
    """A JSON-safe, human-readable form of a field value."""
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return _value(value)


def _value(value) -> Any:
    """A JSON-safe, human-readable form of a fact's value: 是/否 for booleans, a choice by its label, ISO dates,
    a record's name, a list as 甲、乙 and a mapping as 键：值；… (never Python's True, None or brackets)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, models.Choices):  # a TextChoices/IntegerChoices member: its label, not its code
        return str(value.label)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, dict):
        return "；".join(f"{k}：{'（空）' if _value(v) is None else _value(v)}" for k, v in value.items()) or None
    if isinstance(value, (list, tuple, set, frozenset)):
        return "、".join(str(v) for v in map(_value, value) if v is not None) or None
    return str(value)


def shown(value) -> Any:
    """A logged value as users read it: 是/否 also for booleans logged before they were written so."""
    return {True: "是", False: "否"}.get(value, value) if isinstance(value, bool) else _value(value)


def shown_changes(model_label: str, changes: list[dict]) -> list[dict]:
    """An entry's changes as users read them. Values are written readable (`_display`, `_value`); this also
    reads entries written before that: booleans as 是/否 and a choice field's stored code by its label."""
    from django.apps import apps

    try:
        model = apps.get_model(model_label) if model_label else None
    except (LookupError, ValueError):
        model = None
    out = []
    for c in changes:
        labels = {}
        if model is not None:
            try:
                field = model._meta.get_field(c.get("field", ""))
            except Exception:  # a fact's name, not a field
                field = None
            if field is not None and getattr(field, "choices", None):
                labels = {str(k): str(v) for k, v in field.flatchoices}
        old, new = (shown(labels.get(str(v), v) if isinstance(v, (str, int)) and not isinstance(v, bool) else v)
                    for v in (c.get("old"), c.get("new")))
        out.append({**c, "old": old, "new": new})
    return out


def change(label: str, new, old=None, field: str = "") -> dict:
    """One line of an entry's changes: a labelled old → new (the shape every entry's `changes` holds)."""
    return {"field": field or label, "label": str(label), "old": _value(old), "new": _value(new)}


def _new_entries(items: Iterable[dict]) -> list:
    from .models import AuditEntry

    actor_id, actor_name, ip = current_actor()
    now = timezone.now()
    return [
        AuditEntry(
            timestamp=now,
            actor_id=actor_id,
            actor_name=actor_name,
            ip=ip,
            action=item["action"],
            model=item["model"],
            object_id=str(item["object_id"]),
            object_repr=str(item["object_repr"])[:255],
            org_path=item.get("org_path", ""),
            changes=item.get("changes", []),
            note=item.get("note", ""),
            operation=item.get("operation", ""),
        )
        for item in items
    ]


def _append(entries: list) -> list:
    """Chain and insert entries under the chain-head lock."""
    from .models import AuditChainHead, AuditEntry

    if not entries:
        return entries
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash
        for e in entries:
            e.prev_hash = prev
            e.hash = prev = entry_hash(e, prev)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries, batch_size=2000)  # ids come back (RETURNING) on both DBs
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev, last_id=entries[-1].id or 0)
    return entries


def _item(obj, action: str, changes: list | None = None, note: str = "", org_path: str | None = None,
          operation: str = "") -> dict:
    return {"action": action, "model": obj._meta.label_lower, "object_id": obj.pk, "object_repr": str(obj),
            "org_path": org_path if org_path is not None else audit_path(obj), "changes": changes or [],
            "note": note, "operation": operation}


# ---------------------------------------------------------------- listeners

# Who wants to know what changed (the rules, to re-judge at once: `core.rules.flush`): `changed(obj, in_operation)`
# for each row saved, deleted or named created (old values still loaded), `done()` when an outermost operation has
# written its entries (inside its transaction).
_listeners: list[tuple] = []


def listen(*, changed, done) -> None:
    _listeners.append((changed, done))


def _changed(obj) -> None:
    inside = _operation.get() is not None
    for changed, _ in _listeners:
        changed(obj, inside)


def _done() -> None:
    for _, done in _listeners:
        done()


# ---------------------------------------------------------------- operations


_operation: ContextVar["Operation | None"] = ContextVar("zugong_audit_operation", default=None)


class Operation:
    """What one service call changes, collected while it runs and logged when it succeeds.

    Rows saved or deleted inside the block (AuditedModel signals), rows written in bulk (`created`) and the
    operation's own facts (`fact`) become chained entries that share one operation id: one entry per changed
    row (create/update/delete with its field diff, so every record's log tab stays complete), and one entry on
    the subject saying what was done (`action`, the facts, `note`). The subject's own field diff is folded
    into that entry (one entry: "step 谈话日期 … 流程步骤 …"), its creation too when `action` is create; with
    `fold=False` the subject's diff stays an entry of its own (a transfer: the membership's update is logged at
    the receiving side, the transfer at the issuing side).
    """

    def __init__(self, subject, action: str, note: str = "", org_path: str | None = None, fold: bool = True,
                 parent: "Operation | None" = None):
        self.subject, self.action, self.note, self.org_path = subject, action, note, org_path
        self.fold = fold
        self.id = parent.id if parent else uuid.uuid4().hex
        self._facts: list[dict] = []
        self._others: dict[int, list] = {}  # id(obj) → [obj, facts, note]: entries on other records
        # Shared with the outermost operation: the rows' events and the operations' own entries, in order.
        self._events: list = parent._events if parent else []
        self._heads: list = parent._heads if parent else []

    # -- what a service says
    def fact(self, label: str, new, old=None, *, field: str = "", on=None, note: str | None = None) -> None:
        """A fact of the operation beyond a field diff (挂牌督办, a rule exception, 复制评分项目 12 项): one
        line of the subject's entry, or (`on`) of this operation's entry on another record, with its note."""
        line = change(label, new, old, field)
        if on is None or on is self.subject:
            self._facts.append(line)
            return
        other = self._others.setdefault(id(on), [on, [], ""])
        other[1].append(line)
        if note is not None:
            other[2] = note

    def form_changes(self, form) -> None:
        """Facts for the fields a bound, valid form changed (configuration rows that are not AuditedModels)."""
        for name in form.changed_data:
            label = form.fields[name].label or name
            self.fact(label, form.cleaned_data[name], form.initial.get(name), field=name)

    def created(self, objs: Iterable, note: str | None = None) -> None:
        """Rows written in bulk (bulk_create, imports): each gets its creation entry in this operation."""
        for obj in objs:
            self._events.append((obj, "create", snapshot(obj), note, self))
            _changed(obj)

    # -- collected by the signals
    def _saved(self, obj, created: bool) -> None:
        if created:
            self._events.append((obj, "create", snapshot(obj), None, self))
        else:
            changes = diff(obj)
            if changes:
                self._events.append((obj, "update", changes, None, self))

    def _deleted(self, obj) -> None:
        self._events.append((obj, "delete", _deletion(obj), None, self))

    # -- writing
    def _head_items(self) -> list[dict]:
        items = []
        for obj, facts, note in self._others.values():
            items.append(_item(obj, self.action, facts, note if note else self.note, operation=self.id))
        if self.subject is not None:
            item = _item(self.subject, self.action, list(self._facts), self.note, self.org_path, self.id)
            create = {"create"} if self.action == "create" else set()
            item["absorbs"] = create | {"update"} if self.fold else create
            items.append(item)
        return items

    def _items(self) -> list[dict]:
        """One entry per changed row (saved twice: first old → last new), then the operations' own entries."""
        heads = [h for op in self._heads for h in op._head_items()]
        subjects: dict[tuple, list[dict]] = {}
        for h in heads:
            h["diff"] = []
            subjects.setdefault((h["model"], str(h["object_id"])), []).append(h)
        rows: dict[tuple, dict] = {}
        order: list[dict] = []
        for obj, action, changes, note, op in self._events:
            key = (obj._meta.label_lower, str(obj.pk))
            head = next((h for h in subjects.get(key, ()) if action in h.get("absorbs", ())), None)
            if head is not None:  # the subject's own diff: in the operation's entry
                head["diff"] = _merge(head["diff"], changes)
                continue
            last = rows.get(key)
            if last is not None and action == "update" and last["action"] in ("create", "update"):
                last["changes"] = _merge(last["changes"], changes)
                continue
            row_note = note if note is not None else ("" if key in subjects else op.note)
            rows[key] = item = _item(obj, action, changes, row_note, operation=self.id)
            order.append(item)
        for h in heads:
            h["changes"] = h.pop("diff") + h["changes"]
            h.pop("absorbs", None)
        kept = [i for i in order if i["changes"] or i["action"] != "update"]
        said = [h for h in heads if h["changes"] or h["note"] or h["action"] not in ("create", "update")]
        return kept + said


def _merge(first: list[dict], then: list[dict]) -> list[dict]:
    """Two diffs of one row as one: each field's first old value and last new value (dropped when equal)."""
    out = {c["field"]: dict(c) for c in first}
    for c in then:
        if c["field"] in out:
            out[c["field"]]["new"] = c["new"]
        else:
            out[c["field"]] = dict(c)
    return [c for c in out.values() if c["old"] != c["new"]]


@contextmanager
def operation(subject, action: str, note: str = "", *, org_path: str | None = None, fold: bool = True):
    """The one way a service audits what it changes: one transaction, one operation in the log.

        with audit.operation(lst, "update", note=reason) as op:
            lst.status = S.DRAFT
            lst.save()                      # collected: its diff lands in the operation's entry
            op.fact("退回", "草稿", old="已报审")

    Saves and deletes of AuditedModels inside the block are collected instead of logged one by one; bulk
    writes are named with `op.created(rows)`; facts with `op.fact(...)`; `op.note` and `op.subject` may be
    set inside the block (when known only there).
    On success the entries are appended to the chain in the same transaction; on an exception nothing is
    logged (and the transaction rolls back). `subject` may be None (an import touching many records);
    `org_path` places the subject's entry elsewhere than the subject's own path (e.g. the issuing side);
    `fold=False` keeps the subject's own field diff out of the operation's entry (see `Operation`).
    Nested operations join the outer one (same id, written when the outer one succeeds).
    """
    parent = _operation.get()
    op = Operation(subject, action, note, org_path, fold, parent)
    marks = (len(op._events), len(op._heads))
    token = _operation.set(op)
    try:
        with transaction.atomic():
            yield op
            op._heads.append(op)
            if parent is None:
                _append(_new_entries(op._items()))
                _done()
    except BaseException:
        del op._events[marks[0]:]
        del op._heads[marks[1]:]
        raise
    finally:
        _operation.reset(token)


def _log_one(obj, action: str, changes: list | None = None, note: str = "", org_path: str | None = None):
    """A single record's save or delete outside any operation: one entry, as it always was."""
    return _append(_new_entries([_item(obj, action, changes, note, org_path)]))[0]


def audit_path(obj) -> str:
    return getattr(obj, getattr(obj, "scope_field", "org_path"), "") or ""


def _tracked_fields(obj) -> list[models.Field]:
    skip = set(getattr(obj, "audit_exclude", ())) | {"id"}
    return [f for f in obj._meta.concrete_fields if f.name not in skip and not f.primary_key]


def _field_display(obj, field: models.Field, value) -> Any:
    """A record's field value as the log shows it: the record's own `audit_display`, else `_display`."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    hook = getattr(obj, "audit_display", None)
    custom = hook(field.name, value) if hook is not None else None
    return _value(custom) if custom is not None else _display(field, value)


def _fk_display(field, value):
    if value is None:
        return None
    try:
        return str(field.related_model._base_manager.get(pk=value))
    except field.related_model.DoesNotExist:
        return str(value)


def snapshot(obj) -> list[dict]:
    """All non-empty tracked values of a record, as a creation diff."""
    out = []
    for f in _tracked_fields(obj):
        value = getattr(obj, f.attname)
        if f.is_relation:
            new = str(getattr(obj, f.name)) if value is not None else None
        else:
            new = _field_display(obj, f, value)
        if new is not None:
            out.append({"field": f.name, "label": str(f.verbose_name), "old": None, "new": new})
    return out


def diff(obj) -> list[dict]:
    """Field-level changes of a record since it was loaded."""
    loaded = getattr(obj, "_audit_loaded", None)
    if loaded is None:
        return snapshot(obj)
    out = []
    for f in _tracked_fields(obj):
        old, new = loaded.get(f.attname), getattr(obj, f.attname)
        if f.is_relation:
            if old == new:
                continue
            out.append(
                {"field": f.name, "label": str(f.verbose_name), "old": _fk_display(f, old), "new": _fk_display(f, new)}
            )
            continue
        old_d = _field_display(obj, f, f.to_python(old) if old is not None else None)
        new_d = _field_display(obj, f, new)
        if old_d != new_d:
            out.append({"field": f.name, "label": str(f.verbose_name), "old": old_d, "new": new_d})
    return out


class AuditedModel(models.Model):
    """A domain record whose every save and delete lands in the audit log."""

    audit_exclude: tuple[str, ...] = ("created_at", "updated_at")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = dict(zip(field_names, values))
        return instance

    def audit_display(self, field: str, value) -> Any:
        """How the log shows this record's `field` holding `value` (a JSON list of dicts, a code whose label only
        the record knows); None: the generic way (choices by label, 是/否, lists and mappings spelled out)."""
        return None

    def validate_unique(self, exclude=None):
        # Uniqueness is global, not per scope: the check must see every row (the services word the message).
        from .scope import bypass

        with bypass():
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        from .scope import bypass

        with bypass():
            super().validate_constraints(exclude)

    def _audit_mark_clean(self):
        self._audit_loaded = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}


def _deletion(obj) -> list[dict]:
    return [{**c, "old": c["new"], "new": None} for c in snapshot(obj)]


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _changed(instance)
    op = _operation.get()
    if op is not None:
        op._saved(instance, created)
    elif created:
        _log_one(instance, "create", snapshot(instance))
    else:
        changes = diff(instance)
        if changes:
            _log_one(instance, "update", changes)
    instance._audit_mark_clean()


def _on_delete(sender, instance, **kwargs):
    _changed(instance)
    op = _operation.get()
    if op is not None:
        op._deleted(instance)
    else:
        _log_one(instance, "delete", _deletion(instance))


def connect_signals():
    """Log saves and deletes of every AuditedModel subclass."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-del-{model._meta.label}")


# ---------------------------------------------------------------- verifying


@dataclass
class Broken:
    entry_id: int
    reason: str


def verify(chunk: int = 5000) -> tuple[int, Broken | None]:
    """Walk the chain in order; return the number of entries checked and the first broken one."""
    from .models import AuditChainHead, AuditEntry

    prev = "0" * 64
    checked = 0
    last_id = 0
    qs = AuditEntry.objects.unrestricted().order_by("id")
    for entry in qs.iterator(chunk_size=chunk):
        if entry.prev_hash != prev:
            return checked, Broken(entry.id, "与前一条记录的链接断开（前一条被删除、插入或修改）")
        if entry_hash(entry, prev) != entry.hash:
            return checked, Broken(entry.id, "内容与其哈希值不符（记录被修改）")
        prev = entry.hash
        last_id = entry.id
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if (head.last_hash if head else "0" * 64) != prev:
        return checked, Broken(last_id, "链尾与记录的最新哈希不符（末尾记录被删除）")
    return checked, None

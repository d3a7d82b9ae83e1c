"""Audit: every create, update and delete of a domain record, with who, when, from where and the field diff.

Domain models inherit `AuditedModel`; a save or delete outside any operation is logged by signals, one entry.
A service that changes several rows, or does more than a field change (move, merge, dissolve, import, a
step), wraps its work in `operation(subject, action, note)`: the rows' saves and deletes inside are collected
and written, on success, as one operation (one chained entry per changed row plus the operation's entry on the
subject, all sharing an operation id); bulk writes are named with `op.created(rows)`, other facts with
`op.fact(label, new, old)`. Nobody builds a change dict by hand. Entries are append-only and chained with an
HMAC-SHA256 whose key lives outside the database (`core.keys`, name "audit"): each hash covers the entry and the
previous hash, so `zugong audit verify` finds an entry edited, inserted or removed behind the application's back,
even by someone who can write the database and recompute hashes (without the key they cannot). Security events
(logins, denials, exports, account changes, a full ID number viewed) go into the same chain
(`security_event`, or `operation` on an account: `category` security). `anchor()` gives the head to keep off the
box, `archive()` moves entries past the retention period to a file and leaves the chain verifiable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from . import keys

_actor: ContextVar["Actor | None"] = ContextVar("zugong_actor", default=None)


@dataclass
class Actor:
    """Who is acting: a request's user (resolved lazily) or a named system process."""

    request: Any = None
    user: Any = None
    name: str = ""
    ip: str | None = None

    def user_agent(self) -> str:
        meta = getattr(self.request, "META", None) or {}
        return (meta.get("HTTP_USER_AGENT") or "")[:255]

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

KEY_NAME = "audit"  # `core.keys`: $ZUGONG_VAR/keys/audit/<kid>.key or ZUGONG_KEY_AUDIT
ZERO = "0" * 64  # the previous hash of the very first entry


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry, prev_hash: str, key: bytes | None = None) -> str:
    """The hash of an entry's content chained to the previous hash: HMAC-SHA256 with the audit key version the
    entry names (`key_id`; `key` when the caller has it at hand). An entry written before the chain was keyed
    (`key_id` null) keeps its plain SHA-256 (its content as it was hashed then)."""
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
    if entry.key_id is None:
        if entry.operation:  # entries written before operations existed hash as they always did
            payload["operation"] = entry.operation
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()
    payload.update(operation=entry.operation or "", category=entry.category or "",
                   user_agent=entry.user_agent or "", key_id=entry.key_id)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    if key is None:
        key = keys.get(KEY_NAME, entry.key_id)
    return hmac.new(key, (prev_hash + text).encode("utf-8"), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- security events

# Actions that are security events wherever they are written (`security_event`, or an `operation` by the pages
# that write them: exports, the full ID number, the account pages), and the records whose every entry is one
# (user accounts and their grants: role, scope, duty, password, disable, unlock — whatever the action's name).
SECURITY_ACTIONS = frozenset({
    "login", "login_failed", "logout", "lockout", "unlock", "denied", "password", "export", "grant",
    "查看完整身份证号", "key_seal", "key_rotate", "archive", "更换个人信息密钥", "重新加密个人信息",
})
SECURITY_MODELS = frozenset({settings.AUTH_USER_MODEL.lower(), "accounts.scopegrant"})
SECURITY = "security"


def category_of(action: str, model: str) -> str:
    """An entry's category: "security" (the security log shows it) or "" (a change of business data)."""
    return SECURITY if action in SECURITY_ACTIONS or model in SECURITY_MODELS else ""


def security_entries():
    """Every security event, for the security log: the security auditor reads the whole system's (no subtree
    scope: these events belong to no organization); the page checks the duty."""
    from .models import AuditEntry

    return AuditEntry.objects.unrestricted().filter(category=SECURITY)


def security_event(action: str, *, request=None, user=None, username: str = "", note: str = "",
                   changes: list | None = None, target: str = ""):
    """A security event without a record of its own (a login, a failed login, a denied request) as a chained
    entry: who (the signed-in `user`, else the request's user, else the `username` tried), the client's address
    and user agent, `target` (what was tried: a path; default the account name), the `note` and `changes`
    (`change(...)` lines)."""
    from .middleware import client_ip
    from .models import AuditEntry

    actor_id, actor_name, ip = current_actor()
    agent = _actor.get().user_agent() if _actor.get() else ""
    if request is not None:
        ip = client_ip(request)
        agent = (request.META.get("HTTP_USER_AGENT") or "")[:255]
        if user is None and getattr(getattr(request, "user", None), "is_authenticated", False):
            user = request.user
    if user is not None and getattr(user, "pk", None) is not None:
        actor_id, actor_name = user.pk, user.get_username()
    elif username:
        actor_id, actor_name = None, username
    elif request is not None:
        actor_id, actor_name = None, "匿名用户"
    entry = AuditEntry(
        timestamp=timezone.now(), actor_id=actor_id, actor_name=actor_name[:150], ip=ip, action=action,
        model="", object_id="", object_repr=(target or username or actor_name)[:255], org_path="",
        changes=changes or [], note=note, category=SECURITY, user_agent=agent,
    )
    return _append([entry])[0]


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
    actor = _actor.get()
    agent = actor.user_agent() if actor else ""
    now = timezone.now()
    out = []
    for item in items:
        category = category_of(item["action"], item["model"])
        out.append(AuditEntry(
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
            category=category,
            user_agent=agent if category else "",
        ))
    return out


def _chain_event(model, action: str, changes: list, note: str):
    actor_id, actor_name, ip = current_actor()
    return model(timestamp=timezone.now(), actor_id=actor_id, actor_name=actor_name, ip=ip, action=action,
                 model="", object_id="", object_repr="操作日志", org_path="", changes=changes, note=note,
                 operation="", category=SECURITY, user_agent="")


def _lead(model, head, kid: int) -> list:
    """The chain's own entries due before the next one: the seal of the entries written before the chain was
    keyed (once), or the record of a new key (the first write after `keys.rotate`)."""
    if not head.key_id:
        if head.last_hash == ZERO:
            return []
        count = model._base_manager.count()
        return [_chain_event(model, "key_seal", [
            change("此前记录条数", count, field="count"), change("此前链尾记录ID", head.last_id, field="last_id"),
            change("此前链尾哈希", head.last_hash, field="boundary_hash"), change("密钥版本", kid, field="key_id"),
        ], "此前的记录以 SHA-256 相互链接；自本条起以审计密钥（HMAC-SHA256）链接，本条封存此前的链尾")]
    if kid < head.key_id:
        raise keys.KeyMissing(f"审计密钥第 {head.key_id} 版不存在（当前只找到第 {kid} 版），请从备份中恢复密钥文件")
    if kid != head.key_id:
        return [_chain_event(model, "key_rotate", [change("密钥版本", kid, head.key_id, field="key_id")],
                             "审计密钥已更换，自本条起以新密钥链接")]
    return []


def _append(entries: list, *, sync: bool = False) -> list:
    """Chain and insert entries under the chain-head lock, with the current audit key (`sync`: also when there
    are none, to write a due seal or key record)."""
    from .models import AuditChainHead, AuditEntry

    if not entries and not sync:
        return entries
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        kid, key = keys.current(KEY_NAME)  # read under the lock: a rotation is recorded before its key is used
        rows = _lead(AuditEntry, head, kid) + entries
        if not rows:
            return entries
        prev = head.last_hash
        for e in rows:
            e.key_id = kid
            e.prev_hash = prev
            e.hash = prev = entry_hash(e, prev, key)
        if len(rows) == 1:
            rows[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(rows, batch_size=2000)  # ids come back (RETURNING) on both DBs
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev, last_id=rows[-1].id or 0, key_id=kid)
    return entries


def seal_legacy(entry_model, head_model) -> None:
    """Seal the entries written before the chain was keyed (migration `0011_audit_keyed`): one keyed entry that
    chains to their last hash, so none of them can be changed without breaking it (see `verify`)."""
    head = head_model.objects.filter(pk=1).first()
    if head is None or head.key_id or head.last_hash == ZERO:
        return
    kid, key = keys.current(KEY_NAME)
    with acting_as(name="系统（升级：启用审计密钥）"):
        (seal,) = _lead(entry_model, head, kid)
    seal.key_id, seal.prev_hash = kid, head.last_hash
    seal.hash = entry_hash(seal, head.last_hash, key)
    seal.save(force_insert=True)
    head_model.objects.filter(pk=1).update(last_hash=seal.hash, last_id=seal.id, key_id=kid)


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


class AuditFileError(ValueError):
    """An anchor or archive file that cannot be read (the message says which and why, in Chinese)."""


_FIELDS = ("id", "timestamp", "actor_id", "actor_name", "ip", "action", "model", "object_id", "object_repr",
           "org_path", "changes", "note", "operation", "category", "user_agent", "key_id", "prev_hash", "hash")


def _to_json(entry) -> dict:
    row = {f: getattr(entry, f) for f in _FIELDS}
    row["timestamp"] = _ts(entry.timestamp)
    return row


def _from_json(row: dict, where: str):
    from .models import AuditEntry

    try:
        values = {f: row[f] for f in _FIELDS}
        values["timestamp"] = dt.datetime.fromisoformat(values["timestamp"].replace("Z", "+00:00"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AuditFileError(f"{where}：不是操作日志归档记录（{exc}）") from None
    return AuditEntry(**values)


@dataclass
class ArchiveFile:
    path: str
    sha256: str
    entries: list


def read_archive(path) -> ArchiveFile:
    """An archive file (`archive`): its entries and the SHA-256 of its bytes."""
    try:
        data = open(path, "rb").read()
    except OSError as exc:
        raise AuditFileError(f"归档文件 {path} 无法读取：{exc.strerror}") from None
    entries = []
    for n, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except ValueError:
                raise AuditFileError(f"归档文件 {path} 第 {n} 行：不是 JSON") from None
            entries.append(_from_json(row, f"归档文件 {path} 第 {n} 行"))
    return ArchiveFile(str(path), hashlib.sha256(data).hexdigest(), entries)


def read_anchor(path) -> dict:
    """An anchor file (`anchor`): the head's id, hash, time and key version."""
    try:
        anchor = json.loads(open(path, encoding="utf-8").read())
        int(anchor["id"]), str(anchor["hash"])
    except OSError as exc:
        raise AuditFileError(f"锚点文件 {path} 无法读取：{exc.strerror}") from None
    except (ValueError, KeyError, TypeError):
        raise AuditFileError(f"锚点文件 {path} 不是操作日志锚点（应含 id 和 hash）") from None
    return anchor


def verify(chunk: int = 5000, *, archives: Iterable = (), anchor: dict | None = None) -> tuple[int, Broken | None]:
    """Walk the chain in order (the archived segments given, then the live entries); return the number of entries
    checked and the first broken one.

    Each entry must link to the one before and match its hash: HMAC-SHA256 with the key version it names, or, for
    the entries written before the chain was keyed, plain SHA-256 — only before the keyed entry that seals them
    (`key_seal`), so a chain recomputed without the key is caught. The key version changes only at a `key_rotate`
    entry. A chain that starts after the first entry must start where a keyed `archive` entry says the archived
    entries ended; each archive file given must be the one that entry names (its SHA-256). With `anchor` (`anchor`):
    the anchored entry must be there unchanged, so a truncation or rewrite up to it is caught even with the key."""
    from .models import AuditChainHead, AuditEntry

    files = [a if isinstance(a, ArchiveFile) else read_archive(a) for a in archives]
    archived = sorted({e.id: e for f in files for e in f.entries}.values(), key=lambda e: e.id)
    live = AuditEntry.objects.unrestricted().order_by("id")
    if archived:
        live = live.filter(id__gt=archived[-1].id)
    ring: dict[int, bytes] = {}
    boundaries: set[str] = set()  # where archived entries ended (keyed `archive` entries)
    archive_sums: set[str] = set()
    prev = start = None
    first_id = last_id = 0
    checked = legacy = 0
    kid = None
    anchor_seen = False

    def stream():
        yield from archived
        yield from live.iterator(chunk_size=chunk)

    for entry in stream():
        if prev is None:
            start, first_id = entry.prev_hash, entry.id
        elif entry.prev_hash != prev:
            return checked, Broken(entry.id, "与前一条记录的链接断开（前一条被删除、插入或修改）")
        if entry.key_id is None:
            if kid is not None:
                return checked, Broken(entry.id, "启用审计密钥后出现未加密钥的记录（记录被伪造或整条链被重算）")
            expected = entry_hash(entry, entry.prev_hash)
            legacy += 1
        else:
            if kid is None and legacy and entry.action != "key_seal":
                return checked, Broken(entry.id, "未加密钥的记录之后缺少密钥封存记录（链被改动）")
            if kid is not None and entry.key_id != kid and not (entry.action == "key_rotate" and entry.key_id > kid):
                return checked, Broken(entry.id, f"密钥版本由第 {kid} 版变为第 {entry.key_id} 版，但没有更换密钥的记录")
            if entry.key_id not in ring:
                try:
                    ring[entry.key_id] = keys.get(KEY_NAME, entry.key_id)
                except keys.KeyMissing:
                    return checked, Broken(entry.id, f"审计密钥第 {entry.key_id} 版缺失，无法校验（请从备份中恢复密钥文件）")
            expected = entry_hash(entry, entry.prev_hash, ring[entry.key_id])
            kid = entry.key_id
        if expected != entry.hash:
            return checked, Broken(entry.id, "内容与其哈希值不符（记录被修改）")
        if entry.action == "archive" and entry.key_id is not None:
            facts = {c.get("field"): c.get("new") for c in entry.changes}
            boundaries.add(str(facts.get("boundary_hash")))
            archive_sums.add(str(facts.get("file_sha256")))
        if anchor is not None and entry.id == int(anchor["id"]):
            if entry.hash != anchor["hash"] or (anchor.get("key_id") is not None and entry.key_id != anchor["key_id"]):
                return checked, Broken(entry.id, "与锚点记录不符（锚点及其之前的记录被重写）")
            anchor_seen = True
        prev = entry.hash
        last_id = entry.id
        checked += 1
    if legacy and kid is None:
        return checked, Broken(last_id, "未加密钥的记录之后缺少密钥封存记录（封存后的记录被删除，或整条链被重算）")
    if start is not None and start != ZERO and start not in boundaries:
        return checked, Broken(first_id, "链首之前的记录被删除（链中没有相应的归档记录）")
    for f in files:
        if f.sha256 not in archive_sums:
            return checked, Broken(f.entries[0].id if f.entries else 0,
                                   f"归档文件 {os.path.basename(f.path)} 与链中归档记录的校验值不符（文件被修改或不是本链的归档）")
    head = AuditChainHead.objects.filter(pk=1).first()
    if (head.last_hash if head else ZERO) != (prev or ZERO):
        return checked, Broken(last_id, "链尾与记录的最新哈希不符（末尾记录被删除）")
    if anchor is not None and not anchor_seen:
        aid = int(anchor["id"])
        if prev is not None and aid < first_id:
            reason = "锚点记录已归档：请用 --archive 同时提供包含它的归档文件"
        elif aid > last_id:
            reason = f"链中缺少锚点记录 ID {aid}（锚点之后链被截断）"
        else:
            reason = f"锚点记录 ID {aid} 被删除"
        return checked, Broken(aid, reason)
    return checked, None


# ---------------------------------------------------------------- key rotation and anchoring


def rotate_key() -> int:
    """A new audit key (`keys.rotate`), recorded in the chain (`key_rotate`, chained with the new key) before any
    entry uses it: the chain head stays locked while the key changes. Returns the new key version."""
    from .models import AuditChainHead

    with transaction.atomic():
        AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        kid = keys.rotate(KEY_NAME)
        _append([], sync=True)
    return kid



def anchor() -> dict:
    """The chain's newest entry (id, hash, time, key version) to keep off the box: `verify(anchor=…)` later
    proves the chain still holds it unchanged."""
    from .models import AuditEntry

    last = AuditEntry.objects.unrestricted().order_by("-id").first()
    if last is None:
        raise AuditFileError("操作日志为空，没有可锚定的记录")
    return {"id": last.id, "hash": last.hash, "timestamp": _ts(last.timestamp), "key_id": last.key_id,
            "anchored_at": _ts(timezone.now())}


# ---------------------------------------------------------------- retention and archiving

MIN_RETENTION_DAYS = 180  # 《中华人民共和国网络安全法》第二十一条：网络日志留存不少于六个月


def retention_days() -> int:
    """How long entries stay in the database (`ZUGONG_AUDIT_RETENTION_DAYS`, default and least 180 days)."""
    days = int(getattr(settings, "ZUGONG_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"操作日志保留期限 ZUGONG_AUDIT_RETENTION_DAYS 设为 {days} 天，不得少于 {MIN_RETENTION_DAYS} 天"
            "（《中华人民共和国网络安全法》第二十一条：网络日志留存不少于六个月）")
    return days


def check_retention(app_configs=None, **kwargs):
    """System check (`zugong check`, every command): a retention shorter than 180 days is refused."""
    from django.core.checks import Error

    try:
        retention_days()
    except (ImproperlyConfigured, ValueError) as exc:
        return [Error(str(exc), id="zugong.E001")]
    return []


class ArchiveRefused(ValueError):
    """An archive that may not be made (the message says why, in Chinese)."""


def archive(before: dt.date, out) -> dict:
    """Move the entries older than `before` (the chain's prefix up to the first entry of that day or later) into
    `out` (JSON lines: every field, hashes and key versions) and delete them; a keyed `archive` entry records
    how many, the last archived hash (where the live chain now starts) and the file's SHA-256. Refused for a day
    inside the retention period, or when `out` exists."""
    from .models import AuditChainHead, AuditEntry

    days = retention_days()
    latest = timezone.localdate() - dt.timedelta(days=days)
    if before > latest:
        raise ArchiveRefused(f"截止日期 {before:%Y-%m-%d} 晚于 {latest:%Y-%m-%d}：操作日志至少保留 {days} 天，"
                             f"只能归档 {latest:%Y-%m-%d} 之前的记录")
    if os.path.exists(out):
        raise ArchiveRefused(f"归档文件 {out} 已存在，请另选文件名")
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    entries = AuditEntry.objects.unrestricted().order_by("id")
    young = entries.filter(timestamp__gte=cutoff).values_list("id", flat=True).first()
    old = entries if young is None else entries.filter(id__lt=young)
    first = old.values_list("id", flat=True).first()
    if first is None:
        raise ArchiveRefused(f"没有 {before:%Y-%m-%d} 之前的记录可归档")
    digest, count, last = hashlib.sha256(), 0, None
    tmp = f"{out}.part"
    try:
        with open(tmp, "wb") as fh:
            os.chmod(tmp, 0o600)
            for entry in old.iterator(chunk_size=5000):  # written entries never change: read without the lock
                line = (json.dumps(_to_json(entry), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
                fh.write(line)
                digest.update(line)
                count, last = count + 1, entry
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            if entries.values_list("id", flat=True).first() != first:
                raise ArchiveRefused("归档期间操作日志已被另一次归档改动，请重新执行")
            with connection.cursor() as cur:
                cur.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id <= %s", [last.id])
                if cur.rowcount != count:
                    raise ArchiveRefused("归档期间操作日志发生变化，请重新执行")
            facts = [
                change("归档条数", count, field="count"), change("起始记录ID", first, field="first_id"),
                change("截止记录ID", last.id, field="last_id"), change("截止日期", before, field="before"),
                change("边界哈希", last.hash, field="boundary_hash"),
                change("归档文件", os.path.basename(str(out)), field="file"),
                change("文件SHA-256", digest.hexdigest(), field="file_sha256"),
            ]
            entry = _chain_event(AuditEntry, "archive", facts, f"{before:%Y-%m-%d} 之前的操作日志已归档至文件并从数据库移除")
            _append([entry])
    except BaseException:
        for path in (tmp, out):  # `out` did not exist before (refused above): nothing of someone else's is removed
            if os.path.exists(path):
                os.remove(path)
        raise
    return {"count": count, "first_id": first, "last_id": last.id, "sha256": digest.hexdigest(),
            "boundary_hash": last.hash}

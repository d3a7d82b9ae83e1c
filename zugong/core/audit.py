"""Audit: every create, update and delete of a domain record, with who, when, from where and the field diff.

Domain models inherit `AuditedModel`; their saves and deletes are logged by signals. Operations that are
more than a field change (move, merge, dissolve, import) call `record()` themselves. Entries are append-only
and hash-chained: each hash covers the entry and the previous hash, so `zugong audit verify` finds an entry
edited, inserted or removed behind the application's back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- writing


def _display(field: models.Field, value) -> Any:
    """A JSON-safe, human-readable form of a field value."""
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, bool, str)):
        return value
    return str(value)


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


def record(obj, action: str, changes: list | None = None, note: str = "", org_path: str | None = None):
    """Log one operation on one record."""
    return _append(
        _new_entries(
            [
                {
                    "action": action,
                    "model": obj._meta.label_lower,
                    "object_id": obj.pk,
                    "object_repr": str(obj),
                    "org_path": org_path if org_path is not None else audit_path(obj),
                    "changes": changes or [],
                    "note": note,
                }
            ]
        )
    )[0]


def record_many(objs: Iterable, action: str, note: str = "") -> int:
    """Log the creation (or another action) of many records at once, e.g. after a bulk import."""
    items = [
        {
            "action": action,
            "model": o._meta.label_lower,
            "object_id": o.pk,
            "object_repr": str(o),
            "org_path": audit_path(o),
            "changes": snapshot(o) if action == "create" else [],
            "note": note,
        }
        for o in objs
    ]
    return len(_append(_new_entries(items)))


def record_items(items: Iterable[dict]) -> int:
    """Log several operations at once (one chain lock, one insert). Each item is a dict with the keys
    `_new_entries` reads: action, model, object_id, object_repr, org_path, changes, note."""
    return len(_append(_new_entries(list(items))))


def item(obj, action: str, changes: list | None = None, note: str = "") -> dict:
    """An item for `record_items` describing one operation on one record."""
    return {"action": action, "model": obj._meta.label_lower, "object_id": obj.pk, "object_repr": str(obj),
            "org_path": audit_path(obj), "changes": changes or [], "note": note}


def audit_path(obj) -> str:
    return getattr(obj, getattr(obj, "scope_field", "org_path"), "") or ""


def _tracked_fields(obj) -> list[models.Field]:
    skip = set(getattr(obj, "audit_exclude", ())) | {"id"}
    return [f for f in obj._meta.concrete_fields if f.name not in skip and not f.primary_key]


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
            new = _display(f, value)
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
        old_d, new_d = _display(f, f.to_python(old) if old is not None else None), _display(f, new)
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


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw or getattr(instance, "_audit_skip", False):
        return
    if created:
        record(instance, "create", snapshot(instance))
    else:
        changes = diff(instance)
        if changes:
            record(instance, "update", changes)
    instance._audit_mark_clean()


def _on_delete(sender, instance, **kwargs):
    if getattr(instance, "_audit_skip", False):
        return
    record(instance, "delete", [{**c, "old": c["new"], "new": None} for c in snapshot(instance)])


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

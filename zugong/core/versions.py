"""No lost updates: the version a record was read at, carried by every edit form and every API PATCH.

A record's **version token** is computed from the values of its tracked fields (those the audit log tracks:
every concrete field but the primary key and the model's `audit_exclude`; for a model outside the audit, every
concrete field but the primary key and the automatic timestamps). It is one keyed digest (HMAC with the
project's secret key) of 4 bytes per field, so a token tells which fields changed since it was computed without
carrying any value (no personal data in the page or the header). No column, no migration: any write — a form,
the API, a service, an import, a `queryset.update()` — changes the token of the rows it changed.

- An edit form (`core.forms.VersionedFormMixin`) carries the token of the record it was opened on in the hidden
  field `record_version`; a save whose record has changed since is refused before anything is written
  (`check`), with, for each field changed meanwhile, the value now stored, who set it and when (the audit log)
  and the value the user submitted. The refused form then carries the current token and the current values of
  the fields its user had not touched, so saving again keeps the other user's change.
- The API (`core.api.ScopedViewSetMixin`) sends the token as the `ETag` of a detail response and requires it in
  `If-Match` on PATCH/PUT: missing → 428, stale → 412 with the same conflicts.
- The check is repeated when the record is saved (`guard`, a pre_save receiver), after locking the row
  (`select_for_update`) inside the service's transaction, so two saves that passed their form's check at the
  same moment cannot both be written: the second is refused (`Stale`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import scope

PREFIX = "v1-"
DIGEST = 4  # bytes per field
SALT = "zugong.core.versions"

STALE = "保存未成功：您打开本页后，该记录已被他人修改。为免覆盖他人的修改，本次提交没有保存。"
MISSING = "保存未成功：提交中缺少记录版本，无法确认该记录在您打开本页后未被他人修改。请重新打开本页后再修改。"
AGAIN = "请核对标出的各项后再保存（表单已更新为最新版本；您未改动的项已换成现值）。"


def tracked_fields(model) -> list[models.Field]:
    """The fields a record's version covers."""
    if hasattr(model, "audit_exclude"):
        skip = set(model.audit_exclude)
    else:
        skip = {f.name for f in model._meta.concrete_fields
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in skip]


def canon(value) -> str:
    """One text per value, the same for a stored value and the same value as a form cleaned it."""
    if value is None or value == "":
        return ""
    if isinstance(value, models.Model):
        return canon(value.pk)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.timezone.utc) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def _digest(record, field: models.Field, value) -> bytes:
    text = f"{record._meta.label_lower}:{record.pk}:{field.name}:{canon(value)}"
    return salted_hmac(SALT, text, algorithm="sha256").digest()[:DIGEST]


def digests(record) -> dict[str, bytes]:
    return {f.name: _digest(record, f, f.value_from_object(record)) for f in tracked_fields(type(record))}


def token(record) -> str:
    """The version of the record as it is in memory (read it fresh with `current` to know the stored one)."""
    raw = b"".join(digests(record).values())
    return PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def parse(text: str | None, model) -> dict[str, bytes] | None:
    """The per-field digests of a token, or None when it is not a token of this model's shape."""
    text = (text or "").strip()
    if not text.startswith(PREFIX):
        return None
    body = text[len(PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        return None
    names = [f.name for f in tracked_fields(model)]
    if len(raw) != DIGEST * len(names):
        return None
    return {name: raw[i * DIGEST:(i + 1) * DIGEST] for i, name in enumerate(names)}


def current(record, lock: bool = False):
    """The record as stored now (a fresh read, whatever the request's scope: the caller already has it);
    locked for the rest of the transaction with `lock` inside one. None when it was deleted."""
    qs = type(record)._base_manager.filter(pk=record.pk)
    if lock and transaction.get_connection().in_atomic_block:
        qs = qs.select_for_update()
    with scope.bypass():
        return qs.first()


# ---------------------------------------------------------------- conflicts


@dataclass
class Conflict:
    field: str
    label: str
    current: Any          # the value stored now, as users read it
    changed_by: str = ""  # who set it and when, if the audit log tells
    changed_at: dt.datetime | None = None
    submitted: Any = None  # what the user sent, as users read it
    has_submitted: bool = False

    def as_dict(self) -> dict:
        return {"field": self.field, "label": self.label, "current": self.current, "changed_by": self.changed_by,
                "changed_at": self.changed_at.isoformat() if self.changed_at else None,
                "submitted": self.submitted if self.has_submitted else None}

    def text(self) -> str:
        shown = "（空）" if self.current in (None, "") else f"“{self.current}”"
        who = ""
        if self.changed_by:
            when = timezone.localtime(self.changed_at).strftime("%Y-%m-%d %H:%M") if self.changed_at else ""
            who = f"已由 {self.changed_by} 于 {when} 改为" if when else f"已由 {self.changed_by} 改为"
        else:
            who = "已被改为"
        line = f"{self.label}：{who}{shown}"
        if self.has_submitted:
            mine = "（空）" if self.submitted in (None, "") else f"“{self.submitted}”"
            line += f"；您提交的是{mine}"
        return line + "。"


def shown(record, field: models.Field, value) -> Any:
    """A value of `field` as users read it (choices by label, a related record by name, 是/否)."""
    from . import audit

    if value is None or value == "":
        return None
    if isinstance(value, models.Model):
        return str(value)
    if field.is_relation:
        return audit._fk_display(field, value)
    return audit._field_display(record, field, value)


def last_changes(record, names: Iterable[str]) -> dict[str, tuple[str, dt.datetime]]:
    """Who last changed each of `names` on the record, and when, as the audit log tells."""
    from . import audit
    from .models import AuditEntry

    wanted, found = set(names), {}
    with scope.bypass():
        entries = (AuditEntry.objects.unrestricted()
                   .filter(model=record._meta.label_lower, object_id=str(record.pk)).order_by("-id")[:200])
        for entry in entries:
            for change in entry.changes or []:
                name = change.get("field")
                if name in wanted and name not in found:
                    found[name] = (audit.actor_shown(entry.actor_name), entry.timestamp)
            if len(found) == len(wanted):
                break
    return found


def conflicts(stored, read: dict[str, bytes] | None, submitted: dict | None = None) -> list[Conflict]:
    """The fields of `stored` (the record as stored now) that differ from the version read (all of them when the
    read version is unknown), with who changed them and what the user submitted (`submitted`: field → value)."""
    submitted = submitted or {}
    now = digests(stored)
    fields = {f.name: f for f in tracked_fields(type(stored))}
    changed = [name for name in now if read is None or read.get(name) != now[name]]
    if read is None:  # no version to compare: show what the user would overwrite
        changed = [n for n in changed if n in submitted and _digest(stored, fields[n], submitted[n]) != now[n]]
    who = last_changes(stored, changed)
    out = []
    for name in changed:
        field = fields[name]
        by, at = who.get(name, ("", None))
        c = Conflict(field=name, label=str(field.verbose_name), current=shown(stored, field,
                     field.value_from_object(stored)), changed_by=by, changed_at=at)
        if name in submitted:
            c.has_submitted, c.submitted = True, shown(stored, field, submitted[name])
        out.append(c)
    return out


class Stale(ValidationError):
    """A save refused because the record changed since the version it was read at."""

    def __init__(self, found: list[Conflict], message: str = STALE):
        self.conflicts = found
        lines = [message, *(c.text() for c in found)]
        super().__init__(lines)


def unchanged_by_user(stored, read: dict[str, bytes], name: str, value) -> bool:
    """Whether the user submitted for `name` the value they had read (they did not touch it)."""
    field = {f.name: f for f in tracked_fields(type(stored))}[name]
    return read.get(name) == _digest(stored, field, value)


# ---------------------------------------------------------------- the save-time guard


def expect(record, read_token: str) -> None:
    """Have the next save of this very object check (locked, in its transaction) that the stored record is still
    at `read_token` (the form's check passed; another save may have come between it and this one)."""
    record._version_expected = read_token


def guard(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: refuse the save of an object whose form expected a version the record no longer has."""
    expected = getattr(instance, "_version_expected", None)
    if raw or expected is None or instance.pk is None:
        return
    del instance._version_expected
    stored = current(instance, lock=True)
    if stored is None:
        raise ValidationError("保存未成功：该记录已被他人删除。")
    if token(stored) != expected:
        mine = {f.name: f.value_from_object(instance) for f in tracked_fields(type(instance))}
        raise Stale(conflicts(stored, parse(expected, type(instance)), mine))


def connect() -> None:
    models.signals.pre_save.connect(guard, dispatch_uid="zugong.core.versions.guard")

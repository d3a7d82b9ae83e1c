"""Personal data at rest: ID numbers and phone numbers encrypted with a key outside the database, found again
through keyed hashes, and masked for display.

- `seal(value, purpose)` → `"<kid>:<base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)>"`, with the key
  `keys.current("pii")`; the purpose (`"id_number"`, `"phone"`) is the associated data, so a ciphertext copied
  into another kind of column does not decrypt. `unseal(text, purpose)` reads any key id still in the ring
  (`keys.get("pii", kid)`), so `keys.rotate("pii")` needs no downtime; `zugong pii rekey` rewrites old rows.
- `digest(value, purpose)`: HMAC-SHA-256 with its own key (`keys.current("pii-index")`), 128 bits in hex. Exact
  lookups and the ID number's tail search compare digests; `digests()` gives one per index key in the ring so
  rows written before a rotation are still found until `zugong pii rekey` has rehashed them.
- `SealedField`: a model field whose Python value is the plain text and whose column holds the sealed text.
  `exact` and `in` lookups on it are rewritten to its keyed-hash column (`index=`); other lookups (startswith,
  contains, ordering by it) are refused: there is nothing to compare in the column. `pre_save` fills the hash
  columns (the full value and the tails named in `tails=`), also in `bulk_create`; declare them after the field.
- `mask_id`, `mask_phone`: the masked forms lists, pages and the API show by default.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import EmptyResultSet, FieldError
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup

from . import keys

KEY = "pii"
INDEX_KEY = "pii-index"
_TTL = 60.0  # seconds a process trusts its copy of a key ring (a rotation elsewhere is seen after this)

_aeads: dict[int, AESGCM] = {}
_macs: dict[int, "hmac.HMAC"] = {}
_current: dict[str, tuple[float, int]] = {}


def reset() -> None:
    """Forget the cached keys (after a rotation in this process, or when the key directory changed)."""
    _aeads.clear()
    _macs.clear()
    _current.clear()


def _current_kid(name: str) -> int:
    now = time.monotonic()
    cached = _current.get(name)
    if cached is None or now - cached[0] > _TTL:
        kid, _value = keys.current(name)
        cached = _current[name] = (now, kid)
    return cached[1]


def _aead(kid: int) -> AESGCM:
    aead = _aeads.get(kid)
    if aead is None:
        aead = _aeads[kid] = AESGCM(keys.get(KEY, kid))
    return aead


def _mac(kid: int) -> "hmac.HMAC":
    mac = _macs.get(kid)
    if mac is None:
        mac = _macs[kid] = hmac.new(keys.get(INDEX_KEY, kid), digestmod=hashlib.sha256)
    return mac


def seal(value: str, purpose: str) -> str:
    """The encrypted text of `value` (empty stays empty: there is nothing to protect)."""
    if not value:
        return ""
    kid = _current_kid(KEY)
    nonce = os.urandom(12)
    sealed = _aead(kid).encrypt(nonce, value.encode(), purpose.encode())
    return f"{kid}:{base64.urlsafe_b64encode(nonce + sealed).rstrip(b'=').decode()}"


def unseal(text: str, purpose: str) -> str:
    if not text:
        return ""
    kid, _, body = text.partition(":")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return _aead(int(kid)).decrypt(raw[:12], raw[12:], purpose.encode()).decode()


def key_id(text: str) -> int | None:
    """The key id a sealed text was written with."""
    return int(text.partition(":")[0]) if text else None


def digest(value: str, purpose: str, kid: int | None = None) -> str:
    """The keyed hash of `value` for `purpose` (with the current index key unless `kid` is given)."""
    mac = _mac(_current_kid(INDEX_KEY) if kid is None else kid).copy()
    mac.update(purpose.encode() + b"\0" + value.encode())
    return mac.digest()[:16].hex()


def digest_kid() -> int:
    """The index key id new hashes are written with."""
    return _current_kid(INDEX_KEY)


def digests(value: str, purpose: str) -> list[str]:
    """The keyed hashes of `value` under every index key in the ring (current first): what a lookup matches."""
    current = _current_kid(INDEX_KEY)
    kids = [current] + sorted((k for k in keys.ring(INDEX_KEY) if k != current), reverse=True)
    return [digest(value, purpose, k) for k in kids]


def mask_id(number: str) -> str:
    """110101********1234: the area code and the last four characters (the birth date hidden)."""
    if not number:
        return number or ""
    if len(number) >= 15:
        return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
    return "*" * max(0, len(number) - 4) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile number; a fixed-line number keeps its last four digits."""
    if not phone:
        return phone or ""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(0, len(phone) - 4) + phone[-4:]


# ---------------------------------------------------------------- the model field


class _HashLookup(Lookup):
    """`field=value` / `field__in=values` on a sealed field, compared through its keyed-hash column."""

    prepare_rhs = False
    can_use_none_as_rhs = False

    def get_prep_lookup(self):
        return self.rhs

    def _values(self) -> list[str]:
        raise NotImplementedError

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        values = self._values()
        parts, params = [], []
        if "" in values:  # an empty value is stored as it is
            lhs_sql, lhs_params = compiler.compile(self.lhs)
            parts.append(f"{lhs_sql} = %s")
            params += [*lhs_params, ""]
        if any(values):
            if not field.index or not isinstance(self.lhs, Col):
                raise FieldError(f"{field.verbose_name}是加密字段，只能按完整值精确查找")
            hashed = field.model._meta.get_field(field.index)
            found = [d for v in values if v for d in digests(field.normalize(v), field.purpose)]
            sql, hash_params = hashed.get_lookup("in")(Col(self.lhs.alias, hashed), found).as_sql(compiler, connection)
            parts.append(sql)
            params += hash_params
        if not parts:
            raise EmptyResultSet
        return (parts[0] if len(parts) == 1 else f"({' OR '.join(parts)})"), params


class _Exact(_HashLookup):
    lookup_name = "exact"

    def _values(self):
        if not isinstance(self.rhs, str):
            raise FieldError("加密字段只能与文字值比较")
        return [self.rhs]


class _In(_HashLookup):
    lookup_name = "in"

    def _values(self):
        if isinstance(self.rhs, str) or not hasattr(self.rhs, "__iter__") or hasattr(self.rhs, "query"):
            raise FieldError("加密字段的 in 查找只能用文字值的列表")
        return [v for v in self.rhs if isinstance(v, str)]


class SealedField(models.CharField):
    """Plain text in Python, sealed text (`seal`) in the column; `max_length` limits the plain text.

    `purpose`: the kind of data (associated data of the encryption, prefix of its hashes). `index`: the name of
    the keyed-hash column of the whole value (exact lookups); `tails`: `((column, n), …)` keyed hashes of the
    last n characters (a tail search). `normalize`: uppercase and strip (ID numbers end in X)."""

    def __init__(self, *args, purpose: str, index: str = "", tails=(), **kwargs):
        self.purpose, self.index, self.tails = purpose, index, tuple(tuple(t) for t in tails)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        if self.index:
            kwargs["index"] = self.index
        if self.tails:
            kwargs["tails"] = self.tails
        return name, path, args, kwargs

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def rel_db_type(self, connection):  # pragma: no cover - never a foreign key target
        return self.db_type(connection)

    @staticmethod
    def normalize(value: str) -> str:
        return value.strip().upper()

    def from_db_value(self, value, expression, connection):
        return unseal(value, self.purpose) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return seal(value, self.purpose) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _Exact
        if lookup_name == "in":
            return _In
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django answers "Unsupported lookup": a sealed column cannot be compared otherwise

    def index_values(self, value: str) -> dict[str, str | None]:
        """The hash columns' values for a plain value (None for an empty value: no uniqueness among blanks)."""
        value = self.normalize(value or "")
        out: dict[str, str | None] = {}
        if self.index:
            out[self.index] = digest(value, self.purpose) if value else None
        for column, n in self.tails:
            out[column] = digest(value[-n:], f"{self.purpose}/{n}") if len(value) >= n else None
        return out

    def tail_digests(self, tail: str) -> tuple[str, list[str]]:
        """(column, digests) to find rows whose value ends with `tail`: the longest indexed tail not longer
        than it (the caller compares the rest after decrypting the few rows found)."""
        tail = self.normalize(tail)
        usable = [(column, n) for column, n in self.tails if n <= len(tail)]
        if not usable:
            raise ValueError("tail too short")
        column, n = max(usable, key=lambda t: t[1])
        return column, digests(tail[-n:], f"{self.purpose}/{n}")

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        for column, hashed in self.index_values(value).items():
            setattr(model_instance, column, hashed)
        return value


def sealed_fields(model) -> list[SealedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]


def specs_of(model) -> list[tuple]:
    """`seal_table`'s specs for a model's sealed fields."""
    return [(f.column, f.purpose, model._meta.get_field(f.index).column if f.index else None,
             tuple((model._meta.get_field(c).column, n) for c, n in f.tails)) for f in sealed_fields(model)]


def rekey(log=print) -> dict[str, int]:
    """Rewrite every sealed column and keyed hash with the current keys (after `keys.rotate`)."""
    from django.apps import apps
    from django.db import connection, transaction

    reset()
    counts = {}
    for model in apps.get_models():
        specs = specs_of(model)
        if specs:
            with transaction.atomic():
                counts[model._meta.label_lower] = n = seal_table(connection, model._meta.db_table, specs, rekey=True)
            log(f"{model._meta.verbose_name}：{n} 条已按当前密钥重新加密")
    return counts


# ---------------------------------------------------------------- migrating plain columns


def seal_table(connection, table: str, specs, *, batch: int = 2000, reverse: bool = False,
               rekey: bool = False) -> int:
    """Encrypt (or, `reverse`, decrypt) the plain-text columns of `table` in place and fill their hash columns,
    `batch` rows at a time in primary-key order (a data migration; plain SQL, SQLite and PostgreSQL alike).
    `specs`: `[(column, purpose, index_column, ((tail_column, n), …)), …]`. Rows already in the wanted form
    are left alone, so an interrupted run can be repeated. `rekey`: rewrite every row with the current keys
    (after `keys.rotate`). Returns the number of rows changed."""
    q = connection.ops.quote_name
    columns = [c for c, *_ in specs]
    select = f"SELECT id, {', '.join(q(c) for c in columns)} FROM {q(table)} WHERE id > %s ORDER BY id"
    sets = []
    for column, _purpose, index, tails in specs:
        sets.append(column)
        if not reverse:
            sets += ([index] if index else []) + [t for t, _n in tails]
    update = f"UPDATE {q(table)} SET {', '.join(f'{q(c)} = %s' for c in sets)} WHERE id = %s"
    last, changed = 0, 0
    while True:
        with connection.cursor() as cur:
            cur.execute(f"{select} LIMIT {int(batch)}", [last])
            rows = cur.fetchall()
        if not rows:
            return changed
        params = []
        for pk, *values in rows:
            out = []
            todo = False
            for (column, purpose, index, tails), value in zip(specs, values):
                value = value or ""
                sealed = ":" in value
                if reverse:
                    todo |= sealed
                    out.append(unseal(value, purpose) if sealed else value)
                    continue
                todo |= rekey or (bool(value) and not sealed)
                plain = unseal(value, purpose) if sealed else value
                out.append(seal(plain, purpose) if rekey or not sealed else value)
                norm = plain.strip().upper()
                if index:
                    out.append(digest(norm, purpose) if norm else None)
                out += [digest(norm[-n:], f"{purpose}/{n}") if len(norm) >= n else None for _t, n in tails]
            if todo:
                params.append([*out, pk])
            last = pk
        if params:
            with connection.cursor() as cur:
                cur.executemany(update, params)
            changed += len(params)

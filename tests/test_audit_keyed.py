"""The keyed audit chain (issue 12, finding 1): HMAC-SHA256 with a key outside the database."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zugong.core import audit, keys
from zugong.core.models import AuditEntry


def _plain_sha256(row: dict, prev: str) -> str:
    """The unkeyed hash anyone with the source can compute (what the probe used to forge the chain)."""
    payload = {k: row[k] for k in ("actor_id", "actor_name", "ip", "action", "model", "object_id", "object_repr",
                                   "org_path", "note")}
    payload["timestamp"] = audit._ts(row["timestamp"])
    payload["object_id"] = str(row["object_id"])
    payload["changes"] = row["changes"]
    if row["operation"]:
        payload["operation"] = row["operation"]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev + text).encode("utf-8")).hexdigest()


def _forge(edit_id: int, delete_id: int, upto: int | None = None, **extra_sql):
    """With database access: edit one entry, delete the next, recompute the chain from there (up to `upto`, the
    next entry then linked to the new hash), move the head."""
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["冒名者", edit_id])
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [delete_id])
    rows = list(AuditEntry.objects.unrestricted().order_by("id").values())
    start = next(i for i, r in enumerate(rows) if r["id"] == edit_id)
    prev = rows[start - 1]["hash"] if start else "0" * 64
    with connection.cursor() as cur:
        for r in rows[start:]:
            if upto is not None and r["id"] > upto:
                cur.execute("UPDATE core_auditentry SET prev_hash = %s WHERE id = %s", [prev, r["id"]])
                return
            new = _plain_sha256(r, prev)
            sets = ", ".join(["prev_hash = %s", "hash = %s"] + [f"{k} = %s" for k in extra_sql])
            cur.execute(f"UPDATE core_auditentry SET {sets} WHERE id = %s",
                        [prev, new, *extra_sql.values(), r["id"]])
            prev = new
        cur.execute("UPDATE core_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


@pytest.mark.django_db
def test_a_chain_recomputed_with_unkeyed_sha256_is_reported_broken(tree, capsys):
    call_command("audit", "verify")
    ids = list(AuditEntry.objects.unrestricted().order_by("id").values_list("id", flat=True))
    _forge(ids[3], ids[4])
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"ID {ids[3]}" in str(exc.value)


@pytest.mark.django_db
def test_forged_entries_passed_off_as_written_before_the_key_are_reported_broken(tree):
    ids = list(AuditEntry.objects.unrestricted().order_by("id").values_list("id", flat=True))
    _forge(ids[3], ids[4], key_id=None)  # "these are old unkeyed entries": they may not follow keyed ones
    checked, broken = audit.verify()
    assert broken is not None and broken.entry_id == ids[3] and checked == 3
    # Even the whole chain recomputed as unkeyed entries is caught: no keyed entry seals them.
    _forge(ids[0], ids[1], key_id=None)
    checked, broken = audit.verify()
    assert broken is not None and "封存" in broken.reason


@pytest.mark.django_db
def test_entries_are_chained_with_the_key_outside_the_database(tree):
    kid, key = keys.current("audit")
    entry = AuditEntry.objects.unrestricted().order_by("-id").first()
    assert entry.key_id == kid and entry.hash == audit.entry_hash(entry, entry.prev_hash, key)
    row = AuditEntry.objects.unrestricted().filter(pk=entry.pk).values().get()
    assert entry.hash != _plain_sha256(row, entry.prev_hash)
    assert audit.verify() == (AuditEntry.objects.unrestricted().count(), None)


@pytest.fixture
def own_keys(settings, tmp_path):
    """A key directory of the test's own (a copy of the current one), so a rotation stays inside the test."""
    source = Path(settings.VAR_DIR) / "keys"
    keys.current("audit")
    shutil.copytree(source, tmp_path / "keys")
    settings.VAR_DIR = tmp_path
    return tmp_path / "keys" / "audit"


@pytest.mark.django_db
def test_rotate_key_is_recorded_and_both_keys_verify(tree, own_keys, capsys):
    old_kid, _ = keys.current("audit")
    call_command("audit", "rotate-key")
    assert f"第 {old_kid + 1} 版" in capsys.readouterr().out
    rotation = AuditEntry.objects.unrestricted().order_by("-id").first()
    assert rotation.action == "key_rotate" and rotation.key_id == old_kid + 1
    assert rotation.changes[0]["old"] == old_kid and rotation.changes[0]["new"] == old_kid + 1
    assert rotation.category == "security"
    zhangsan = tree.people.zhangsan
    zhangsan.phone = "13900000001"
    zhangsan.save()
    assert AuditEntry.objects.unrestricted().order_by("-id").first().key_id == old_kid + 1
    call_command("audit", "verify")
    # The old key is still needed to verify what it chained.
    (own_keys / f"{old_kid}.key").unlink()
    checked, broken = audit.verify()
    assert broken is not None and f"第 {old_kid} 版缺失" in broken.reason and checked == 0


@pytest.mark.django_db
def test_a_key_that_appears_without_a_rotation_record_gets_one_before_its_first_use(tree, own_keys):
    old_kid, _ = keys.current("audit")
    keys.rotate("audit")  # e.g. `rotate-key` died after writing the key file
    zhangsan = tree.people.zhangsan
    zhangsan.phone = "13900000002"
    zhangsan.save()
    rotation, edit = AuditEntry.objects.unrestricted().order_by("-id")[:2][::-1]
    assert (rotation.action, rotation.key_id, edit.key_id) == ("key_rotate", old_kid + 1, old_kid + 1)
    assert audit.verify()[1] is None
    # A key version that changes without that record is a forgery.
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [rotation.id])
    assert audit.verify()[1] is not None


def _to_legacy():
    """Rewrite the chain as zugong wrote it before the key (plain SHA-256, no key version), head unkeyed."""
    rows = list(AuditEntry.objects.unrestricted().order_by("id").values())
    prev = "0" * 64
    with connection.cursor() as cur:
        for r in rows:
            new = _plain_sha256(r, prev)
            cur.execute("UPDATE core_auditentry SET prev_hash = %s, hash = %s, key_id = NULL, category = '', "
                        "user_agent = '' WHERE id = %s", [prev, new, r["id"]])
            prev = new
        cur.execute("UPDATE core_auditchainhead SET last_hash = %s, last_id = %s, key_id = 0 WHERE id = 1",
                    [prev, rows[-1]["id"]])
    return [r["id"] for r in rows]


@pytest.mark.django_db
def test_entries_written_before_the_key_are_sealed_and_stay_verifiable(tree):
    from zugong.core.models import AuditChainHead

    ids = _to_legacy()
    audit.seal_legacy(AuditEntry, AuditChainHead)  # what migration 0011 does
    seal = AuditEntry.objects.unrestricted().order_by("-id").first()
    facts = {c["field"]: c["new"] for c in seal.changes}
    assert seal.action == "key_seal" and seal.key_id and facts["count"] == len(ids)
    assert facts["boundary_hash"] == seal.prev_hash
    audit.seal_legacy(AuditEntry, AuditChainHead)  # once only
    assert AuditEntry.objects.unrestricted().filter(action="key_seal").count() == 1
    tree.people.lisi.phone = "13900000003"
    tree.people.lisi.save()
    assert audit.verify() == (len(ids) + 2, None)
    # An old entry edited and the old chain recomputed: the seal no longer matches.
    _forge(ids[2], ids[3], upto=ids[-1], key_id=None)
    checked, broken = audit.verify()
    assert broken is not None and broken.entry_id == seal.id and "哈希" in broken.reason


@pytest.mark.django_db
def test_an_unsealed_old_chain_is_sealed_by_the_next_write(tree):
    ids = _to_legacy()
    tree.people.lisi.phone = "13900000004"
    tree.people.lisi.save()
    seal, edit = AuditEntry.objects.unrestricted().order_by("-id")[:2][::-1]
    assert seal.action == "key_seal" and seal.prev_hash == AuditEntry.objects.unrestricted().get(pk=ids[-1]).hash
    assert edit.model == "people.person" and audit.verify() == (len(ids) + 2, None)


# ---------------------------------------------------------------- anchor


def _rechain_with_key(from_id: int):
    """An attacker who has the key too: recompute the keyed chain from an entry on."""
    rows = list(AuditEntry.objects.unrestricted().order_by("id").filter(id__gte=from_id))
    prev = AuditEntry.objects.unrestricted().filter(id__lt=from_id).order_by("-id").first().hash
    with connection.cursor() as cur:
        for e in rows:
            new = audit.entry_hash(e, prev)
            cur.execute("UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, e.id])
            prev = new
        cur.execute("UPDATE core_auditchainhead SET last_hash = %s, last_id = %s WHERE id = 1", [prev, rows[-1].id])


@pytest.mark.django_db
def test_anchor_catches_a_rewrite_made_with_the_key(tree, tmp_path, capsys):
    call_command("audit", "anchor")
    printed = json.loads(capsys.readouterr().out)
    out = tmp_path / "anchor.json"
    call_command("audit", "anchor", "--out", str(out))
    mark = json.loads(out.read_text())
    assert mark == {**printed, "anchored_at": mark["anchored_at"]}
    head = AuditEntry.objects.unrestricted().order_by("-id").first()
    assert (mark["id"], mark["hash"], mark["key_id"]) == (head.id, head.hash, head.key_id)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    tree.people.lisi.phone = "13900000005"
    tree.people.lisi.save()
    call_command("audit", "verify", "--anchor", str(out))
    assert "与锚点" in capsys.readouterr().out
    # An entry before the anchor edited, the chain recomputed with the key: only the anchor sees it.
    victim = AuditEntry.objects.unrestricted().order_by("id")[2]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["冒名者", victim.id])
    _rechain_with_key(victim.id)
    call_command("audit", "verify")
    with pytest.raises(CommandError, match=f"ID {head.id}.*锚点"):
        call_command("audit", "verify", "--anchor", str(out))


@pytest.mark.django_db
def test_anchor_catches_the_chain_cut_back_before_it(tree, tmp_path):
    out = tmp_path / "anchor.json"
    call_command("audit", "anchor", "--out", str(out))
    mark = json.loads(out.read_text())
    keep = AuditEntry.objects.unrestricted().filter(id__lt=mark["id"]).order_by("-id").first()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id >= %s", [mark["id"]])
        cur.execute("UPDATE core_auditchainhead SET last_hash = %s, last_id = %s WHERE id = 1", [keep.hash, keep.id])
    assert audit.verify()[1] is None  # consistent in itself
    with pytest.raises(CommandError, match="截断"):
        call_command("audit", "verify", "--anchor", str(out))


def test_a_bad_anchor_file_is_named_in_chinese(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    with pytest.raises(CommandError, match="不是操作日志锚点"):
        call_command("audit", "verify", "--anchor", str(bad))


@pytest.mark.django_db
def test_an_audited_write_still_costs_the_lock_the_insert_and_the_head_update(tree):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        audit.security_event("login_failed", username="某人")
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert len(statements) == 3, statements
    person = tree.people.lisi
    person.phone = "13900000010"
    with CaptureQueriesContext(connection) as ctx:
        person.save()
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert sum("core_audit" in s for s in statements) == 3, statements

"""Issue 12, finding 14: `zugong backup OUT` and `zugong restore IN` (等保三级 数据备份恢复).

A `tiny` seed is backed up (database snapshot, media, audit anchor, keys with --with-keys) and restored by the
`zugong` command in another process into an empty database of the same engine with its own var/; every table
is then compared (row count and a hash of its rows) and the audit chain verifies. A database that holds data is
refused, in Chinese.
"""

import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zugong.core import backup, keys
from zugong.core.models import AuditChainHead, AuditEntry

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-20"

pytestmark = pytest.mark.django_db(transaction=True)


def _pg_url(name: str) -> str:
    sd = connection.settings_dict
    return f"postgres://{sd['USER']}@{sd['HOST'] or '127.0.0.1'}:{sd['PORT'] or 5432}/{name}"


@pytest.fixture
def target(tmp_path):
    """An empty database of the configured engine (PostgreSQL: created and migrated, so the restore replaces
    what `migrate` wrote; SQLite: a file that does not exist yet), and a var/ of its own."""
    var = tmp_path / "target-var"
    if connection.vendor == "sqlite":
        yield var, f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = connection.settings_dict["NAME"] + "_restore"
    sd = connection.settings_dict
    admin = dict(host=sd["HOST"] or "127.0.0.1", port=sd["PORT"] or 5432, user=sd["USER"], dbname="postgres",
                 autocommit=True)
    with psycopg.connect(**admin) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    url = _pg_url(name)
    zugong(["migrate", "--noinput", "-v0"], var, url)
    yield var, url
    with psycopg.connect(**admin) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def zugong(args, var, url, check=True, code=None):
    env = {**os.environ, "ZUGONG_VAR": str(var), "DATABASE_URL": url, "ZUGONG_TESTING": "1"}
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "zugong", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


FINGERPRINT = ("import json, django; django.setup(); from zugong.core.backup import fingerprint; "
               "print(json.dumps(fingerprint()))")


def test_backup_and_restore_round_trip_every_table(settings, tmp_path, target):
    call_command("seed", "--scale", "tiny", "--as-of", AS_OF, stdout=StringIO())
    # Media (an export's output file), the audit anchor and a key, as a running platform has them.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    export = Path(settings.MEDIA_ROOT) / "jobs" / "out" / "2026" / "11" / "人员.xlsx"
    export.parent.mkdir(parents=True)
    export.write_bytes(b"PK\x03\x04 an export")
    head = AuditChainHead.objects.get(pk=1)
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchor")
    Path(settings.AUDIT_ANCHOR_FILE).write_text(f"{head.last_id} {head.last_hash}\n")
    kid, key = keys.current("ops_test")
    checked = AuditEntry.objects.unrestricted().count()
    before = backup.fingerprint()
    assert before["people_person"][0] > 0 and before["core_auditentry"][0] > 0

    # Without --with-keys the archive holds no keys; with it, it does. Owner-only either way.
    plain = tmp_path / "plain.tar.gz"
    call_command("backup", str(plain), stdout=StringIO())
    with tarfile.open(plain) as tar:
        names = tar.getnames()
    assert not [n for n in names if n.startswith("keys/")]
    assert "audit/anchor" in names and "media/jobs/out/2026/11/人员.xlsx" in names
    out = tmp_path / "full.tar.gz"
    call_command("backup", str(out), "--with-keys", stdout=StringIO())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with tarfile.open(out) as tar:
        assert f"keys/ops_test/{kid}.key" in tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["people_person"] == before["people_person"][0]
    # An existing file is never overwritten.
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(out), stdout=StringIO())

    # Restore in another process, into the empty database, with a var/ of its own.
    var, url = target
    done = zugong(["restore", str(out)], var, url)
    assert "恢复完成" in done.stdout and "行数与备份一致" in done.stdout
    assert f"共校验 {checked} 条记录" in done.stdout and "哈希链完整" in done.stdout, done.stdout
    after = json.loads(zugong([], var, url, code=FINGERPRINT).stdout)
    assert sorted(after) == sorted(before)
    differ = [t for t in before if list(before[t]) != after[t]]
    assert differ == [], differ
    restored = var / "media" / "jobs" / "out" / "2026" / "11" / "人员.xlsx"
    assert restored.read_bytes() == export.read_bytes()
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    assert (var / "keys" / "ops_test" / f"{kid}.key").read_text() == (
        Path(settings.VAR_DIR) / "keys" / "ops_test" / f"{kid}.key").read_text()
    assert (var / "audit" / "anchor").read_text() == Path(settings.AUDIT_ANCHOR_FILE).read_text()
    assert key  # the same key bytes are now on the target

    # A second restore into the (now populated) target, and a restore into the source, are refused.
    again = zugong(["restore", str(out)], var, url, check=False)
    assert again.returncode != 0 and "不是空数据库" in again.stderr, again.stderr[-1000:]
    with pytest.raises(CommandError, match="目标数据库不是空数据库，拒绝恢复"):
        call_command("restore", str(plain), stdout=StringIO())


def test_restore_refuses_another_engine_and_a_foreign_file(tmp_path):
    foreign = tmp_path / "x.tar.gz"
    foreign.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="不是 zugong 备份文件"):
        call_command("restore", str(foreign), stdout=StringIO())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = json.dumps({"format": backup.FORMAT, "engine": other, "database": "db/x", "tables": {}}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="请恢复到同类数据库"):
        call_command("restore", str(archive), stdout=StringIO())

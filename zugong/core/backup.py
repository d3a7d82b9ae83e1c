"""Backup and restore (等保三级 数据备份恢复): `zugong backup OUT` and `zugong restore IN`.

A backup is one archive file (a gzip'd tar, written 0600) holding:

- `manifest.json`: when and from which engine it was taken, the row count of every table in the snapshot, the
  files it holds;
- `db/zugong.sqlite3` — a consistent snapshot taken with SQLite's online backup API while the platform runs —, or
  `db/zugong.pgdump` — `pg_dump --format=custom` of PostgreSQL, run on a snapshot exported from the transaction
  that counts the rows, so the dump and the counts are the same moment;
- `media/…`: the uploaded and exported files (var/media);
- `audit/anchor`: the audit anchor file, when one exists (`settings.AUDIT_ANCHOR_FILE`);
- `keys/…`: only with `--with-keys`. The keys (`$ZUGONG_VAR/keys`, see core/keys.py) decrypt the personal data
  and key the audit chain; by default they are NOT in the archive, so a stolen backup is not readable. Keep them
  apart (see docs/security.md, 数据备份恢复).

`restore` writes such an archive into an EMPTY database of the same engine (no table holds rows apart from what
`migrate` itself writes), refuses anything else in Chinese, checks every table's row count against the manifest,
puts back media, anchor and (only where none is present) keys, then runs `audit.verify()`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
# Tables a fresh `migrate` fills by itself: a database holding rows only there counts as empty.
MIGRATION_TABLES = {
    "django_migrations", "django_content_type", "auth_permission", "core_auditchainhead", "core_workday",
}


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message is for the user (Chinese)."""


def anchor_path() -> Path:
    return Path(getattr(settings, "AUDIT_ANCHOR_FILE", Path(settings.VAR_DIR) / "audit" / "anchor"))


def keys_dir() -> Path:
    return Path(settings.VAR_DIR) / "keys"


def _engine() -> str:
    return connection.vendor  # "sqlite" | "postgresql"


def _tables(conn=connection) -> list[str]:
    """Every table of the database (ours and the libraries'), sorted."""
    with conn.cursor() as cur:
        names = conn.introspection.table_names(cur)
    return sorted(n for n in names if not n.startswith("sqlite_"))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def row_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for t in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_q(t)}")
        counts[t] = cursor.fetchone()[0]
    return counts


def fingerprint(conn=connection) -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 of its rows in a fixed order: two databases of one engine with the
    same fingerprint hold the same data. (For tests and checks; it reads every row.)"""
    out = {}
    with conn.cursor() as cur:
        for t in _tables(conn):
            cur.execute(f"SELECT * FROM {_q(t)} WHERE 1=0")
            ncols = len(cur.description)
            order = ", ".join(str(i) for i in range(1, ncols + 1))
            cur.execute(f"SELECT * FROM {_q(t)} ORDER BY {order}")
            h = hashlib.sha256()
            n = 0
            while rows := cur.fetchmany(2000):
                for row in rows:
                    h.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
                    n += 1
            out[t] = (n, h.hexdigest())
    return out


def data_tables(conn=connection) -> dict[str, int]:
    """Tables that hold rows beyond what `migrate` writes: a restore needs this to be empty."""
    with conn.cursor() as cur:
        tables = [t for t in _tables(conn) if t not in MIGRATION_TABLES]
        return {t: n for t, n in row_counts(cur, tables).items() if n}


# ---------------------------------------------------------------------------------------------------------- backup


@dataclass
class Result:
    path: Path
    engine: str
    tables: int
    rows: int
    files: int
    keys: bool
    anchor: bool
    notes: list[str] = field(default_factory=list)


def _pg_args(sd: dict) -> tuple[list[str], dict]:
    args = []
    if sd.get("HOST"):
        args += ["-h", str(sd["HOST"])]
    if sd.get("PORT"):
        args += ["-p", str(sd["PORT"])]
    if sd.get("USER"):
        args += ["-U", str(sd["USER"])]
    env = {**os.environ}
    if sd.get("PASSWORD"):
        env["PGPASSWORD"] = str(sd["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"找不到 PostgreSQL 客户端程序 {name}，请安装 postgresql-client（make postgres 会安装）")
    return path


def _snapshot_sqlite(target: Path) -> dict[str, int]:
    source = sqlite3.connect(connection.settings_dict["NAME"])
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)  # the online backup API: a consistent copy while others read and write
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file (no -wal beside it)
        tables = [r[0] for r in dest.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: dest.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        dest.close()
        source.close()


def _snapshot_postgres(target: Path) -> dict[str, int]:
    import psycopg

    sd = connection.settings_dict
    args, env = _pg_args(sd)
    conninfo = {k: v for k, v in {"dbname": sd["NAME"], "host": sd.get("HOST"), "port": sd.get("PORT"),
                                  "user": sd.get("USER"), "password": sd.get("PASSWORD")}.items() if v}
    with psycopg.connect(**conninfo) as pg:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = [r[0] for r in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        counts = {t: pg.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        # pg_dump reads the very snapshot the counts were taken in (the exporting transaction stays open).
        done = subprocess.run(
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             "--file", str(target), sd["NAME"]],
            env=env, capture_output=True, text=True)
        pg.execute("COMMIT")
    if done.returncode:
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()}")
    return counts


def _add_tree(tar: tarfile.TarFile, root: Path, arcroot: str) -> int:
    n = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            tar.add(path, arcname=f"{arcroot}/{path.relative_to(root).as_posix()}", recursive=False)
            n += 1
    return n


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(out: Path | str, *, with_keys: bool = False) -> Result:
    """Write one archive: database snapshot, media, audit anchor (and keys when asked). Owner-only."""
    out = Path(out).resolve()
    if out.exists():
        raise BackupError(f"备份文件 {out} 已存在，请换一个文件名（不覆盖已有备份）")
    if not out.parent.is_dir():
        raise BackupError(f"备份目录 {out.parent} 不存在")
    engine = _engine()
    if engine not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库类型：{engine}")
    with tempfile.TemporaryDirectory(prefix="zugong-backup-", dir=out.parent) as tmp:
        tmp = Path(tmp)
        if engine == "sqlite":
            db_file, db_name = tmp / "zugong.sqlite3", "db/zugong.sqlite3"
            counts = _snapshot_sqlite(db_file)
        else:
            db_file, db_name = tmp / "zugong.pgdump", "db/zugong.pgdump"
            counts = _snapshot_postgres(db_file)
        partial = tmp / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            tar.add(db_file, arcname=db_name)
            files = _add_tree(tar, Path(settings.MEDIA_ROOT), "media")
            anchor = anchor_path()
            has_anchor = anchor.is_file()
            if has_anchor:
                tar.add(anchor, arcname="audit/anchor")
            keys = _add_tree(tar, keys_dir(), "keys") if with_keys else 0
            manifest = {
                "format": FORMAT,
                "created": timezone.now().isoformat(),
                "engine": engine,
                "database": db_name,
                "tables": counts,
                "media_files": files,
                "anchor": has_anchor,
                "keys": keys,
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        os.replace(partial, out)
    os.chmod(out, 0o600)
    return Result(out, engine, len(counts), sum(counts.values()), files, bool(keys), has_anchor)


# --------------------------------------------------------------------------------------------------------- restore


def _members(tar: tarfile.TarFile, prefix: str) -> list[tarfile.TarInfo]:
    return [m for m in tar.getmembers() if m.isfile() and m.name.startswith(prefix)]


def _extract_tree(tar: tarfile.TarFile, prefix: str, root: Path) -> int:
    n = 0
    for m in _members(tar, prefix + "/"):
        rel = Path(m.name[len(prefix) + 1:])
        if rel.is_absolute() or ".." in rel.parts:
            raise BackupError(f"备份文件中的路径不合法：{m.name}")
        target = root / rel
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tar.extractfile(m) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.chmod(target, 0o600)
        n += 1
    return n


def _refuse_unless_empty() -> None:
    rows = data_tables()
    if rows:
        listed = "、".join(f"{t}（{n} 行）" for t, n in list(rows.items())[:5])
        more = f"等 {len(rows)} 张表" if len(rows) > 5 else ""
        raise BackupError(
            f"目标数据库不是空数据库，拒绝恢复（以免覆盖现有数据）：{listed}{more}已有数据。"
            "请新建一个空数据库（SQLite：换一个不存在的文件；PostgreSQL：createdb 新库）后再恢复。")


def _restore_sqlite(tar: tarfile.TarFile, name: str) -> None:
    target = Path(connection.settings_dict["NAME"])
    connections.close_all()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    with tar.extractfile(name) as src, open(partial, "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.chmod(partial, 0o600)
    # An empty database's -wal/-shm belong to the old file: replaying them onto the restored one would corrupt it.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(partial, target)


def _restore_postgres(tar: tarfile.TarFile, name: str, tmp: Path) -> None:
    sd = connection.settings_dict
    dump = tmp / "zugong.pgdump"
    with tar.extractfile(name) as src, open(dump, "wb") as dst:
        shutil.copyfileobj(src, dst)
    with connection.cursor() as cur:  # empty (checked): what `migrate` made is dropped, the dump brings its own
        cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cur.execute("CREATE SCHEMA public")
    connections.close_all()
    args, env = _pg_args(sd)
    done = subprocess.run(
        [_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
         "--dbname", sd["NAME"], str(dump)],
        env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()}")


@dataclass
class Restored:
    engine: str
    tables: int
    rows: int
    files: int
    keys: int
    anchor: bool
    audit_ok: bool
    audit_message: str


def restore(archive: Path | str) -> Restored:
    """Restore an archive into the (empty) configured database, then verify the audit chain."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"备份文件 {archive} 不存在")
    try:
        tar = tarfile.open(archive, mode="r:gz")
    except (tarfile.TarError, OSError) as e:
        raise BackupError(f"{archive} 不是 zugong 备份文件（{e}）") from None
    with tar, tempfile.TemporaryDirectory(prefix="zugong-restore-") as tmp:
        try:
            manifest = json.loads(tar.extractfile("manifest.json").read())
        except (KeyError, ValueError):
            raise BackupError(f"{archive} 缺少 manifest.json，不是 zugong 备份文件") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"备份文件格式版本 {manifest.get('format')} 不受支持（本程序为 {FORMAT}）")
        engine = _engine()
        if manifest["engine"] != engine:
            names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
            raise BackupError(
                f"备份来自 {names.get(manifest['engine'], manifest['engine'])}，当前配置的数据库是 "
                f"{names.get(engine, engine)}：请恢复到同类数据库")
        # Keys first: a key file that exists and differs would make the restored data unreadable.
        key_members = _members(tar, "keys/")
        for m in key_members:
            target = keys_dir() / m.name[len("keys/"):]
            if target.exists() and target.read_bytes() != tar.extractfile(m).read():
                raise BackupError(f"本机已有不同的密钥文件 {target}：备份中的数据须用备份中的密钥，请先移走本机密钥")
        _refuse_unless_empty()
        if engine == "sqlite":
            _restore_sqlite(tar, manifest["database"])
        else:
            _restore_postgres(tar, manifest["database"], Path(tmp))
        with connection.cursor() as cur:
            counts = row_counts(cur, sorted(manifest["tables"]))
        wrong = [f"{t}（备份 {n} 行，恢复后 {counts[t]} 行）" for t, n in manifest["tables"].items() if counts[t] != n]
        if wrong:
            raise BackupError("恢复后的行数与备份不符：" + "、".join(wrong[:5]))
        files = _extract_tree(tar, "media", Path(settings.MEDIA_ROOT))
        keys = 0
        if key_members:
            keys_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
            keys = _extract_tree(tar, "keys", keys_dir())
            for d in [keys_dir(), *[p for p in keys_dir().rglob("*") if p.is_dir()]]:
                d.chmod(0o700)
        anchor = "audit/anchor" in tar.getnames()
        if anchor and not anchor_path().exists():
            anchor_path().parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            anchor_path().write_bytes(tar.extractfile("audit/anchor").read())
            anchor_path().chmod(0o600)
    # `zugong audit verify`, as an operator would run it (with whatever anchor and keys it checks against).
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
        ok, message = True, out.getvalue().strip()
    except CommandError as e:
        ok, message = False, str(e)
    return Restored(engine, len(counts), sum(counts.values()), files, keys, anchor, ok, message)

"""Issue 12, finding 11 (the SQLite file is world-readable), 等保三级 数据保密性: the files zugong creates — the
SQLite database and its -wal/-shm, var/ itself, uploaded and exported files under var/media — are the owner's
only (files 0600, directories 0700)."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

ROOT = Path(__file__).resolve().parents[1]

OPEN_AND_LIST = """
import json, os, stat, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as c:  # a write, so the -wal and -shm files exist while the connection is open
    c.execute("CREATE TABLE t (x integer)")
    c.execute("INSERT INTO t VALUES (1)")
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in settings.VAR_DIR.iterdir()}
modes["."] = stat.S_IMODE(settings.VAR_DIR.stat().st_mode)
print(json.dumps(modes))
"""


def test_a_new_sqlite_database_and_its_wal_are_owner_only(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ZUGONG_VAR=str(var), ZUGONG_TESTING="1")
    # A shell's usual umask: the platform must not depend on the operator's.
    done = subprocess.run([sys.executable, "-c", f"import os; os.umask(0o022)\n{OPEN_AND_LIST}"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    modes = json.loads(done.stdout)
    assert {"zugong.sqlite3", "zugong.sqlite3-wal", "zugong.sqlite3-shm", "secret_key"} <= set(modes), modes
    assert modes["."] == 0o700
    loose = {name: oct(mode) for name, mode in modes.items() if name != "." and mode & 0o077}
    assert loose == {}


def test_uploaded_and_exported_files_are_owner_only(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    storage = FileSystemStorage()  # what FileField uses (the default storage), with this MEDIA_ROOT
    old = os.umask(0o022)  # whatever the process's umask, the storage sets the modes itself
    try:
        upload = storage.save("jobs/in/2026/11/人员导入.xlsx", ContentFile(b"PK\x03\x04"))
        export = storage.save("jobs/out/2026/11/人员.xlsx", ContentFile(b"PK\x03\x04"))
    finally:
        os.umask(old)
    for name in (upload, export):
        path = Path(storage.path(name))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        for d in (path.parent, path.parent.parent, path.parent.parent.parent):
            assert stat.S_IMODE(d.stat().st_mode) == 0o700, d

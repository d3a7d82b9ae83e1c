"""Keys kept outside the database: the audit chain's HMAC key, the personal-data encryption key, ….

One way to get a key: `keys.current(name)` → `(kid, bytes)` for writing, `keys.get(name, kid)` for reading
what an older key wrote. A key comes from the environment (`ZUGONG_KEY_<NAME>="kid:base64[,kid:base64…]"`,
the last one current) or else from `$ZUGONG_VAR/keys/<name>/<kid>.key` (directory 0700, files 0600),
generated on first use (so `make run` sets them up). `keys.rotate(name)` adds a new file-based key and
makes it current; the old ones stay readable. Keys are 32 random bytes.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.conf import settings


class KeyMissing(LookupError):
    """A record names a key id that is in neither the environment nor the key directory."""


def _dir(name: str) -> Path:
    root = Path(settings.VAR_DIR) / "keys"
    path = root / name
    for p in (root, path):
        p.mkdir(mode=0o700, parents=True, exist_ok=True)
        p.chmod(0o700)
    return path


def _from_env(name: str) -> dict[int, bytes] | None:
    raw = os.environ.get(f"ZUGONG_KEY_{name.upper()}")
    if not raw:
        return None
    ring: dict[int, bytes] = {}
    for part in raw.split(","):
        kid, _, b64 = part.strip().partition(":")
        ring[int(kid)] = base64.b64decode(b64)
    return ring


def _from_files(name: str) -> dict[int, bytes]:
    return {
        int(p.stem): base64.b64decode(p.read_text().strip())
        for p in _dir(name).glob("*.key")
        if p.stem.isdigit()
    }


def _write(name: str, kid: int) -> bytes:
    value = secrets.token_bytes(32)
    _cache.clear()  # a directory's mtime can stay within one clock tick: forget what was read
    path = _dir(name) / f"{kid}.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(value).decode())
    return value


_cache: dict[str, tuple[int, dict[int, bytes]]] = {}


def ring(name: str) -> dict[int, bytes]:
    """Every key of this name by id (created on first use when none exists). File-based keys are read again
    only when their directory changed (a key added by `rotate` in any process), one stat per call."""
    keys = _from_env(name)
    if keys:
        return keys
    path = Path(settings.VAR_DIR) / "keys" / name
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    cached = _cache.get(str(path))
    if cached and stamp is not None and cached[0] == stamp:
        return cached[1]
    keys = _from_files(name)
    if not keys:
        try:
            keys = {1: _write(name, 1)}
        except FileExistsError:  # another process created it first
            keys = _from_files(name)
    _cache[str(path)] = (path.stat().st_mtime_ns, keys)
    return keys


def current(name: str) -> tuple[int, bytes]:
    """The key new data is written with: the highest id."""
    keys = ring(name)
    kid = max(keys)
    return kid, keys[kid]


def get(name: str, kid: int) -> bytes:
    try:
        return ring(name)[kid]
    except KeyError:
        raise KeyMissing(f"密钥 {name} 第 {kid} 版不存在，请从备份中恢复密钥文件") from None


def rotate(name: str) -> int:
    """A new current key (file-based keys only); returns its id."""
    if _from_env(name):
        raise RuntimeError(f"密钥 {name} 来自环境变量 ZUGONG_KEY_{name.upper()}，请在环境变量中追加新版本")
    kid = max(ring(name)) + 1
    _write(name, kid)
    return kid

"""`scripts/ensure-run-deps.sh` (run by `make run`) decides from the machine's listings which Debian packages to
install. With long listings its checks used to misread a found font as missing (grep -q closed the pipe, the
listing command died of SIGPIPE, and pipefail turned that into "not found")."""

import os
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure-run-deps.sh"


def fake(bin_dir: Path, name: str, first_line: str, lines: int = 200_000) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\necho '{first_line}'\nyes 'some other line of the listing' | head -n {lines}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def check(bin_dir: Path) -> str:
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(["bash", str(SCRIPT), "--check"], env=env, capture_output=True, text=True,
                           check=True, timeout=60).stdout


def test_present_packages_found_in_long_listings(tmp_path):
    fake(tmp_path, "ldconfig", "libpangoft2-1.0.so.0 (libc6,x86-64) => /usr/lib/libpangoft2-1.0.so.0")
    fake(tmp_path, "fc-list", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc: Noto Sans CJK SC:style=Regular")
    assert check(tmp_path).strip() == "missing: none"


def test_missing_fonts_named(tmp_path):
    fake(tmp_path, "ldconfig", "libpangoft2-1.0.so.0 (libc6,x86-64) => /usr/lib/libpangoft2-1.0.so.0")
    fake(tmp_path, "fc-list", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf: DejaVu Sans:style=Book")
    assert check(tmp_path).strip() == "missing: fonts-noto-cjk"

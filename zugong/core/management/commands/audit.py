"""`zugong audit verify|anchor|rotate-key|archive`: the audit chain's tools (`core.audit`).

    zugong audit verify [--anchor FILE] [--archive FILE …]   check the chain; exit non-zero at the first broken entry
    zugong audit anchor [--out FILE]                          the current head, to keep off the box
    zugong audit rotate-key                                   a new audit key, recorded in the chain
    zugong audit archive --before DATE --out FILE             move entries before DATE (past the retention) to FILE
"""

import datetime as dt
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zugong.core import audit, keys


class Command(BaseCommand):
    help = "操作日志工具：verify 校验链是否完整，anchor 输出链尾锚点，rotate-key 更换审计密钥，archive 归档过期记录"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor", "rotate-key", "archive"])
        parser.add_argument("--anchor", help="verify：核对此锚点文件记下的链尾仍在链中且未被改动")
        parser.add_argument("--archive", nargs="+", default=[], metavar="FILE",
                            help="verify：连同这些归档文件一起校验（归档段与数据库中的链首尾相接）")
        parser.add_argument("--out", help="anchor：写入此文件（不给则打印）；archive：归档文件")
        parser.add_argument("--before", help="archive：归档此日期（YYYY-MM-DD）之前的记录")

    def handle(self, *args, action, **options):
        try:
            return getattr(self, action.replace("-", "_"))(**options)
        except (audit.AuditFileError, audit.ArchiveRefused, keys.KeyMissing, RuntimeError) as exc:
            raise CommandError(str(exc)) from None

    def verify(self, *, anchor=None, archive=(), **_):
        mark = audit.read_anchor(anchor) if anchor else None
        checked, broken = audit.verify(archives=archive, anchor=mark)
        if broken:
            raise CommandError(
                f"操作日志校验失败：第一条异常记录 ID {broken.entry_id}，{broken.reason}（此前 {checked} 条完好）"
            )
        extra = f"，与锚点（ID {mark['id']}）一致" if mark else ""
        parts = f"（含 {len(archive)} 个归档文件）" if archive else ""
        self.stdout.write(f"操作日志完好：共校验 {checked} 条记录{parts}，哈希链完整{extra}。")

    def anchor(self, *, out=None, **_):
        mark = audit.anchor()
        text = json.dumps(mark, ensure_ascii=False, indent=2) + "\n"
        # the latest anchor is also kept where `zugong backup` picks it up (settings.AUDIT_ANCHOR_FILE)
        local = Path(getattr(settings, "AUDIT_ANCHOR_FILE", Path(settings.VAR_DIR) / "audit" / "anchor"))
        local.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in filter(None, (local, out)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        if not out:
            self.stdout.write(text, ending="")
            return
        self.stdout.write(f"锚点已写入 {out}：记录 ID {mark['id']}，哈希 {mark['hash']}。请将该文件保存到本机以外。")

    def rotate_key(self, **_):
        kid = audit.rotate_key()
        self.stdout.write(f"审计密钥已更换为第 {kid} 版，更换已记入操作日志。请备份密钥目录（旧版本仍用于校验此前的记录）。")

    def archive(self, *, before=None, out=None, **_):
        if not before or not out:
            raise CommandError("归档需要 --before 日期（YYYY-MM-DD）和 --out 文件")
        try:
            day = dt.date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"--before 日期 {before} 格式不对，应为 YYYY-MM-DD") from None
        done = audit.archive(day, out)
        self.stdout.write(
            f"已归档 {done['count']} 条记录（ID {done['first_id']}–{done['last_id']}）至 {out}，"
            f"文件 SHA-256 {done['sha256']}；归档已记入操作日志。请将归档文件保存到本机以外。"
        )

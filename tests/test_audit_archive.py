"""Retention (at least 180 days) and archiving that keeps the audit chain verifiable (issue 12, keyed audit)."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from zugong.core import audit
from zugong.core.models import AuditEntry

SH = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date, n: int, who: str):
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), SH), tick=False):
        for i in range(n):
            audit.security_event("login_failed", username=f"{who}{i}", note="用户名或密码错误")


@pytest.fixture
def aged(db):
    """A chain with entries from March 2025 (5), April 2025 (3) and today (2)."""
    _at(dt.date(2025, 3, 1), 5, "march")
    _at(dt.date(2025, 4, 1), 3, "april")
    audit.security_event("login_failed", username="today0")
    audit.security_event("login_failed", username="today1")
    return list(AuditEntry.objects.unrestricted().order_by("id").values_list("id", flat=True))


def test_archive_moves_the_old_entries_to_a_file_and_the_chain_still_verifies(aged, tmp_path, capsys):
    out = tmp_path / "2025-03.jsonl"
    call_command("audit", "archive", "--before", "2025-03-15", "--out", str(out))
    assert "已归档 5 条记录" in capsys.readouterr().out
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == aged[:5]
    assert all(r["hash"] and r["prev_hash"] and r["key_id"] for r in lines)
    live = list(AuditEntry.objects.unrestricted().order_by("id"))
    assert [e.id for e in live[:5]] == aged[5:] and live[0].prev_hash == lines[-1]["hash"]
    record = live[-1]
    facts = {c["field"]: c["new"] for c in record.changes}
    assert record.action == "archive" and record.category == "security"
    assert facts["count"] == 5 and facts["boundary_hash"] == lines[-1]["hash"] and facts["file"] == out.name
    import hashlib

    assert facts["file_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert audit.verify() == (6, None)
    call_command("audit", "verify", "--archive", str(out))
    assert "共校验 11 条记录（含 1 个归档文件）" in capsys.readouterr().out


def test_archives_join_each_other_and_the_live_chain(aged, tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    call_command("audit", "archive", "--before", "2025-03-15", "--out", str(first))
    call_command("audit", "archive", "--before", "2025-05-01", "--out", str(second))
    assert AuditEntry.objects.unrestricted().count() == 4  # today's 2 and the two archive records
    assert audit.verify() == (4, None)
    assert audit.verify(archives=[second, first]) == (12, None)
    assert audit.verify(archives=[second]) == (7, None)
    # A segment missing between an archive and the live chain is a gap.
    checked, broken = audit.verify(archives=[first])
    assert broken is not None and broken.entry_id == aged[8] and "链接断开" in broken.reason


def test_a_changed_archive_or_a_cut_chain_is_reported(aged, tmp_path):
    out = tmp_path / "a.jsonl"
    call_command("audit", "archive", "--before", "2025-04-15", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    edited = tmp_path / "edited.jsonl"
    edited.write_text(text.replace("march2", "march9"), encoding="utf-8")
    checked, broken = audit.verify(archives=[edited])
    assert broken is not None and broken.entry_id == aged[2] and "哈希" in broken.reason
    padded = tmp_path / "padded.jsonl"
    padded.write_text(text + "\n", encoding="utf-8")
    checked, broken = audit.verify(archives=[padded])
    assert broken is not None and "校验值不符" in broken.reason
    # Entries deleted from the start of the live chain without an archive record.
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [aged[8]])
    checked, broken = audit.verify()
    assert broken is not None and broken.entry_id == aged[9] and "链首之前的记录被删除" in broken.reason


def test_archiving_inside_the_retention_period_is_refused(aged, tmp_path):
    # Today is 2026-11-27: 180 days back is 2026-05-31.
    with pytest.raises(CommandError, match="截止日期 2026-06-01 晚于 2026-05-31：操作日志至少保留 180 天"):
        call_command("audit", "archive", "--before", "2026-06-01", "--out", str(tmp_path / "x.jsonl"))
    assert not (tmp_path / "x.jsonl").exists()
    existing = tmp_path / "y.jsonl"
    existing.write_text("keep")
    with pytest.raises(CommandError, match="已存在"):
        call_command("audit", "archive", "--before", "2025-03-15", "--out", str(existing))
    assert existing.read_text() == "keep"
    with pytest.raises(CommandError, match="没有 2025-01-01 之前的记录"):
        call_command("audit", "archive", "--before", "2025-01-01", "--out", str(tmp_path / "z.jsonl"))
    with pytest.raises(CommandError, match="格式不对"):
        call_command("audit", "archive", "--before", "2025/03/15", "--out", str(tmp_path / "z.jsonl"))
    assert AuditEntry.objects.unrestricted().count() == len(aged)


def test_a_retention_shorter_than_180_days_is_refused(aged, settings, tmp_path):
    from django.core.management.base import SystemCheckError

    assert audit.check_retention() == []
    settings.ZUGONG_AUDIT_RETENTION_DAYS = 90
    (error,) = audit.check_retention()
    assert error.id == "zugong.E001" and "不得少于 180 天" in error.msg
    with pytest.raises(SystemCheckError, match="不得少于 180 天"):
        call_command("check")
    with pytest.raises(Exception, match="不得少于 180 天"):
        call_command("audit", "archive", "--before", "2025-03-15", "--out", str(tmp_path / "x.jsonl"))
    assert AuditEntry.objects.unrestricted().count() == len(aged)
    settings.ZUGONG_AUDIT_RETENTION_DAYS = 365
    with pytest.raises(CommandError, match="至少保留 365 天"):
        call_command("audit", "archive", "--before", "2026-01-01", "--out", str(tmp_path / "x.jsonl"))

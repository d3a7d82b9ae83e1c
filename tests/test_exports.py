"""Exports (zugong/core/exports.py): a small export comes back at once, a large one becomes a job that the
worker runs as the user (replaying the page with its filter), streamed to a workbook with every row, audited,
scoped; a failure shows a Chinese page."""

import io

import pytest
from openpyxl import load_workbook

from zugong.core import exports, jobs
from zugong.core.models import AuditEntry, Job

pytestmark = pytest.mark.django_db


def sheet_rows(data: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def file_bytes(response) -> bytes:
    return response.content if hasattr(response, "content") and not response.streaming else \
        b"".join(response.streaming_content)


def test_small_export_comes_back_at_once_and_is_audited(login, tree, users):
    client = login(users.taiyuan)
    r = client.get("/people/", {"export": "xlsx", "org": tree.b1.code})
    assert r.status_code == 200
    assert r["Content-Type"].startswith(exports.XLSX)
    rows = sheet_rows(file_bytes(r))
    assert rows[0][0] == "姓名"
    assert sorted(row[0] for row in rows[1:]) == ["张三", "李四"]
    job = Job.objects.unrestricted().get(kind="export")
    assert job.status == Job.Status.DONE and job.user == users.taiyuan and job.result["rows"] == 2
    entry = AuditEntry.objects.unrestricted().get(action="export")
    assert entry.actor_name == users.taiyuan.display_name
    facts = {c["label"]: c["new"] for c in entry.changes}
    assert facts["导出清单"] == "人员名册" and facts["导出行数"] == 2
    assert facts["筛选条件"] == f"所属组织代码：{tree.b1.code}"


def test_large_export_is_a_job_the_worker_completes_as_the_user(login, tree, users, monkeypatch):
    monkeypatch.setattr(exports, "SYNC_ROWS", 1)
    client = login(users.taiyuan)
    r = client.get("/people/", {"export": "xlsx"})
    job = Job.objects.unrestricted().get(kind="export")
    assert r.status_code == 302 and r["Location"] == f"/core/jobs/{job.pk}/"
    assert job.status == Job.Status.QUEUED and job.total == 3
    assert not AuditEntry.objects.unrestricted().filter(action="export").exists()

    jobs.run_job.call(job.pk)  # what `zugong db_worker` does
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.message == "导出完成：共 3 行。" and job.done == job.total == 3
    names = sorted(row[0] for row in sheet_rows(job.output_file.read())[1:])
    assert names == sorted(["张三", "李四", "王五"])
    assert "赵六" not in names and "孙七" not in names  # the city's export holds only the city
    entry = AuditEntry.objects.unrestricted().get(action="export")
    assert entry.actor_id == users.taiyuan.pk and entry.object_id == str(job.pk)
    assert {c["label"]: c["new"] for c in entry.changes}["导出行数"] == 3

    page = client.get(f"/core/jobs/{job.pk}/").content.decode()
    assert "下载导出文件（3 行）" in page
    download = client.get(f"/core/jobs/{job.pk}/output/")
    assert len(sheet_rows(file_bytes(download))) == 4
    assert "导出：人员名册" in client.get("/core/jobs/").content.decode()
    # Another user can neither see nor download it.
    other = login(users.datong)
    assert other.get(f"/core/jobs/{job.pk}/output/").status_code == 404


def test_the_job_replays_the_filter_and_the_scope(login, tree, users, monkeypatch):
    monkeypatch.setattr(exports, "SYNC_ROWS", 0)
    client = login(users.taiyuan)
    client.get("/people/", {"export": "xlsx", "org": tree.b2.code})
    client.get("/people/", {"export": "xlsx", "org": tree.b3.code})  # another city's branch: nothing
    first, second = Job.objects.unrestricted().filter(kind="export").order_by("id")
    for job in (first, second):
        jobs.run_job.call(job.pk)
        job.refresh_from_db()
    assert [row[0] for row in sheet_rows(first.output_file.read())[1:]] == ["王五"]
    assert sheet_rows(second.output_file.read())[1:] == []
    assert first.params["filters"] == f"所属组织代码：{tree.b2.code}"


def test_other_lists_export_through_the_same_mechanism(login, tree, users, monkeypatch):
    from zugong.members.models import Membership
    import datetime as dt

    for p in (tree.people.zhangsan, tree.people.zhaoliu):
        Membership.objects.create(person=p, organization=p.organization, joined_on=dt.date(2005, 7, 1),
                                  converted_on=dt.date(2006, 7, 1))
    monkeypatch.setattr(exports, "SYNC_ROWS", 0)
    from zugong.accounts.models import User

    client = login(users.taiyuan)
    for url in ("/members/", "/members/national/members.xlsx", "/members/national/orgs.xlsx"):
        r = client.get(url, {"export": "xlsx"})
        assert r.status_code == 302, url
    assert client.get("/core/audit/", {"export": "xlsx"}).status_code == 403  # the auditor's (三员分立)
    auditor = User.objects.create_user(username="auditor", password="Zg-test-pass-2026", duty="auditor")
    assert login(auditor).get("/core/audit/", {"export": "xlsx"}).status_code == 302
    audit_job = Job.objects.unrestricted().get(kind="export", user=auditor)
    jobs.run_job.call(audit_job.pk)
    audit_job.refresh_from_db()
    assert audit_job.status == Job.Status.DONE, audit_job.message
    assert any("赵六" in str(cell) for row in sheet_rows(audit_job.output_file.read()) for cell in row)  # all of it
    for job in Job.objects.unrestricted().filter(kind="export", user=users.taiyuan):
        jobs.run_job.call(job.pk)
        job.refresh_from_db()
        assert job.status == Job.Status.DONE, (job.title, job.message)
        rows = sheet_rows(job.output_file.read())
        assert len(rows) - 1 == job.result["rows"]
        assert not any("赵六" in str(cell) for row in rows for cell in row)


def test_a_failed_export_shows_a_chinese_page(login, tree, users, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write", broken)
    r = login(users.taiyuan).get("/people/", {"export": "xlsx"})
    assert r.status_code == 500
    assert "导出“人员名册”时出错" in r.content.decode()
    assert Job.objects.unrestricted().get(kind="export").status == Job.Status.FAILED


def test_streaming_writer_keeps_dates_and_counts_rows(tmp_path):
    import datetime as dt

    export = exports.Export("测试/清单", ["序号", "日期"], lambda: ([i, dt.date(2026, 1, 1)] for i in range(5000)),
                            5000)
    path = tmp_path / "out.xlsx"
    assert exports.write(export, path) == 5000
    rows = sheet_rows(path.read_bytes())
    assert len(rows) == 5001 and rows[1][1] == dt.datetime(2026, 1, 1)


def test_a_failed_export_job_says_so_in_chinese(login, tree, users, monkeypatch):
    monkeypatch.setattr(exports, "SYNC_ROWS", 0)
    login(users.taiyuan).get("/people/", {"export": "xlsx"})
    job = Job.objects.unrestricted().get(kind="export")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write", broken)
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message.startswith("导出失败：")
    assert not AuditEntry.objects.unrestricted().filter(action="export").exists()

"""Importing meeting records from .xlsx: Chinese per-row errors, all-or-nothing, the valid rows, the command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from zugong.branchlife.models import Meeting
from zugong.core.models import AuditEntry, Job
from tests.workbooks import xlsx

pytestmark = pytest.mark.django_db
HEADER = ["序号", "党组织代码", "会议类型", "日期", "应到人数", "实到人数", "主持人", "主题"]


def upload(client, content: bytes, mode="all"):
    r = client.post("/core/imports/", {"importer": "meetings", "mode": mode,
                                       "file": SimpleUploadedFile("会议.xlsx", content)})
    assert r.status_code == 302, r.content.decode()[:1000]
    job = Job.objects.unrestricted().get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
    from zugong.core import jobs  # the request only queued it: run it as the worker would

    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def rows(tree, branch):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    return [
        HEADER,
        [1, "14010501", "主题党日", "2026-03-15", 7, 6, "成员0", "重温入党誓词"],  # 2: fine
        [2, "14010501", "支部党员大会", dt.datetime(2026, 3, 20), "7", "7", "成员0", "传达会议精神"],  # 3: fine
        [3, "14021301", "主题党日", "2026-03-15", 5, 5, "", "学习"],  # 4: 大同, outside 太原's scope
        [4, "14010501", "支委会议", "2026-03-15", 3, 3, "", "研究"],  # 5: unknown kind
        [5, "14010501", "支部委员会会议", "2026-03-05", 3, 1, "", "研究工作"],  # 6: no quorum
        [6, "14010501", "主题党日", "2026-03-15", 7, 6, "", "重温入党誓词"],  # 7: duplicate of row 2
        [7, "14010501", "党小组会", future, 4, 5, "", "学习"],  # 8: group at a branch, future, present > expected
        [8, "1401050101", "党课", "2026-02-01", 3, 3, "", ""],  # 9: topic missing; a group holds only group meetings
    ]


EXPECTED = [
    "第4行“党组织代码”列：14021301 不是您管辖范围内的党组织",
    "第5行“会议类型”列：会议类型“支委会议”不是支部党员大会、支部委员会会议、党小组会、党课、主题党日、组织生活会、民主评议党员、谈心谈话之一",
    "第6行“实到人数”列：支部委员会会议应到委员 3 人，实到 1 人，不足半数（《中国共产党支部工作条例（试行）》第十二条）",
    "第7行“日期”列：与第2行重复（同一党组织、同一天、同类型、同主题）",
    "第8行“会议类型”列：党小组会请填写党小组的组织代码",
    "第8行“实到人数”列：实到人数（5）多于应到人数（4）",
    "第8行“日期”列：日期",
    "第9行“会议类型”列：“红星社区支部第一党小组”是党小组，只能登记党小组会",
]


def test_import_reports_every_error_and_writes_nothing(login, users, rows):
    job = upload(login(users.taiyuan), xlsx(rows))
    assert job.status == Job.Status.FAILED and "未导入任何数据" in job.message
    errors = job.result["errors"]
    for line in EXPECTED:
        assert any(e.startswith(line) for e in errors), (line, errors)
    assert any(e.startswith("第9行“主题”列") for e in errors), errors
    assert not Meeting.objects.unrestricted().exists()


def test_import_of_the_valid_rows(login, users, rows):
    job = upload(login(users.taiyuan), xlsx(rows), mode="valid")
    assert job.status == Job.Status.DONE, job.message
    assert job.result["written"] == 2
    m = Meeting.objects.unrestricted().get(kind="general")
    assert (m.held_on, m.expected, m.present, m.absences_recorded, m.recorded_by.username) == (
        dt.date(2026, 3, 20), 7, 7, False, "ty_admin")
    entries = AuditEntry.objects.unrestricted().filter(model="branchlife.meeting", action="create")
    assert entries.count() == 2 and all("Excel 导入" in e.note for e in entries)
    # The same file again: both rows are now already recorded.
    job = upload(login(users.taiyuan), xlsx(rows[:3]))
    assert any("已登记" in e for e in job.result["errors"])


def test_import_command_and_template(tmp_path, users, rows, login):
    path = tmp_path / "会议.xlsx"
    path.write_bytes(xlsx(rows[:3]))
    call_command("import", "meetings", str(path), "--user", users.taiyuan.username)
    assert Meeting.objects.unrestricted().count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(rows))
    with pytest.raises(CommandError):
        call_command("import", "meetings", str(bad), "--user", users.taiyuan.username)
    r = login(users.taiyuan).get("/core/imports/template/meetings.xlsx")
    header = next(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert header[0] == "序号"  # the example row is marked 示例 there and skipped on import
    assert [h.rstrip("*") for h in header[1:8]] == ["党组织代码", "会议类型", "日期", "应到人数", "实到人数", "主持人", "主题"]

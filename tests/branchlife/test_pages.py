"""Pages: record a meeting in one post (absences with reasons), refusals with the exact Chinese messages,
the year at a glance, the list and its export, scope (the other city sees nothing)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.branchlife.conftest import meeting
from zugong.branchlife.models import Absence, Meeting
from zugong.core.models import AuditEntry

pytestmark = pytest.mark.django_db
D = dt.date
K = Meeting.Kind


def post_meeting(client, org, **extra):
    data = {"organization": org.pk, "kind": "themed_day", "held_on": timezone.localdate().isoformat(),
            "topic": "重温入党誓词", "place": "党员活动室", "credit_hours": "3"} | extra
    return client.post("/branchlife/record/", data)


def test_secretary_records_a_themed_day_with_absences(login, users, branch):
    client = login(users.secretary)
    page = client.get("/branchlife/record/")
    assert page.status_code == 200
    html = page.content.decode()
    assert all(m.person.name in html for m in branch.members)  # the roster of the secretary's branch
    a, b = branch.members[4], branch.members[5]
    r = post_meeting(client, branch.org, **{f"absent_{a.pk}": "1", f"reason_{a.pk}": "外出务工",
                                            f"absent_{b.pk}": "1", "host_person": branch.secretary.person_id})
    assert r.status_code == 302, r.content.decode()[:2000]
    m = Meeting.objects.unrestricted().get()
    assert (m.expected, m.present, m.host, m.credit_hours, m.recorded_by) == (7, 5, "成员0", 3, users.secretary)
    assert {(x.membership_id, x.reason) for x in Absence.objects.unrestricted()} == {(a.pk, "外出务工"), (b.pk, "")}
    assert AuditEntry.objects.unrestricted().filter(model="branchlife.meeting", action="create").exists()
    detail = client.get(f"/branchlife/{m.pk}/").content.decode()
    assert "外出务工" in detail and "未说明理由" in detail and "7 / 5" in detail


def test_refusals(login, users, branch):
    client = login(users.secretary)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = post_meeting(client, branch.org, held_on=tomorrow)
    assert "会议日期不能晚于今天（尚未召开的会议不能登记）" in r.content.decode()
    r = post_meeting(client, branch.org, kind="group")
    assert "党小组会请选择召开会议的党小组登记" in r.content.decode()
    absent = {f"absent_{m.pk}": "1" for m in branch.committee[1:]}
    r = post_meeting(client, branch.org, kind="committee", topic="研究工作", **absent)
    text = r.content.decode()
    assert "支部委员会会议应到委员 3 人，实到 1 人，不足半数（《中国共产党支部工作条例（试行）》第十二条）" in text
    assert not Meeting.objects.unrestricted().exists()  # refused as a whole: nothing written
    assert not Absence.objects.unrestricted().exists()


def test_admin_records_an_exception(login, users, branch):
    client = login(users.taiyuan)
    absent = {f"absent_{m.pk}": "1" for m in branch.committee[1:]}
    r = post_meeting(client, branch.org, kind="committee", topic="研究工作", exception_reason="紧急情况，事后补开", **absent)
    assert r.status_code == 302
    assert Meeting.objects.unrestricted().get().present == 1


def test_talk_without_roster_needs_counts(login, users, branch):
    client = login(users.secretary)
    r = post_meeting(client, branch.org, kind="talk", topic="谈心")
    assert "没有应到党员名单，请填写应到人数和实到人数" in r.content.decode()
    r = post_meeting(client, branch.org, kind="talk", topic="谈心", expected="2", present="2")
    assert r.status_code == 302


def test_year_at_a_glance_and_list(login, users, branch):
    today = timezone.localdate()
    meeting(branch.org, K.THEMED_DAY, today.replace(day=1))
    meeting(branch.group, K.GROUP, today.replace(day=1))
    client = login(users.secretary)
    page = client.get(f"/branchlife/year/?org={branch.org.pk}").content.decode()
    assert "主题党日" in page and "党小组会（红星社区支部第一党小组）" in page and "✓" in page
    if today.month > 1:
        assert "✗ 未开" in page
    xlsx = client.get(f"/branchlife/year/?org={branch.org.pk}&export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    listing = client.get("/branchlife/").content.decode()
    assert "学习" in listing
    assert client.get("/branchlife/?export=xlsx").status_code == 200
    summary = login(users.taiyuan).get(f"/branchlife/year/?org={branch.org.parent_id if hasattr(branch.org, 'parent_id') else ''}")
    assert summary.status_code in (200, 404)


def test_committee_summary_reads_the_compliance_table(login, users, tree, branch):
    from zugong.branchlife import compliance

    compliance.refresh()
    page = login(users.taiyuan).get(f"/branchlife/year/?org={tree.xiaodian.pk}").content.decode()
    assert "下属党组织落实情况" in page and "主题党日" in page


def test_other_city_sees_nothing(login, users, branch):
    m = meeting(branch.org, K.THEMED_DAY, D(2026, 1, 5))
    client = login(users.datong)
    assert client.get(f"/branchlife/{m.pk}/").status_code == 404
    assert client.get(f"/branchlife/year/?org={branch.org.pk}").status_code in (200, 404)
    assert "学习" not in client.get("/branchlife/").content.decode()
    r = post_meeting(client, branch.org)
    assert "所选组织不存在或不在您的管辖范围内" in r.content.decode()


def test_appraisal_pages(login, users, branch):
    client = login(users.secretary)
    r = client.post(f"/branchlife/appraisals/new/?org={branch.org.pk}", {"year": "2025", "voters_expected": "7",
                                                                           "voters_present": "7"})
    assert r.status_code == 302
    url = r["Location"]
    m = branch.members[6]
    r = client.post(url, {"membership": m.pk, "grade": "unqualified", "followup": "correct",
                          "followup_until": "2030-01-01", "votes_excellent": 0, "votes_qualified": 1,
                          "votes_basic": 1, "votes_unqualified": 5})
    assert "限期改正的期限不超过 1 年（《中国共产党党员教育管理工作条例》第三十条）" in r.content.decode()
    r = client.post(url, {"membership": m.pk, "grade": "unqualified", "followup": "correct",
                          "followup_until": (timezone.localdate() + dt.timedelta(days=180)).isoformat(),
                          "votes_excellent": 0, "votes_qualified": 1, "votes_basic": 1, "votes_unqualified": 5})
    assert r.status_code == 302
    assert "限期改正" in client.get(url).content.decode()

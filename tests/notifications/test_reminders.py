"""Reminders: deadlines from a registered provider at their lead times, no duplicate on a rerun, a new one when
the due date moves, the user's choices of kinds × channels, e-mail and SMS, new-findings summaries per rule,
scope, the bell and the list, the job and the command."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.notifications.conftest import KIND
from zugong.core import jobs
from zugong.core.models import AuditEntry, Finding, Job
from zugong.notifications import services, sms
from zugong.notifications.defaults import install as install_leads
from zugong.notifications.models import FINDINGS, OVERDUE, LeadTime, Notification, Preference

pytestmark = pytest.mark.django_db


def mine(user, kind=KIND):
    return list(Notification.objects.filter(user=user, kind=kind).order_by("id"))


def test_stage_picks_the_smallest_lead_time_not_passed():
    assert services.stage(45, [30, 7, 1], True) is None
    assert services.stage(30, [30, 7, 1], True) == 30
    assert services.stage(12, [30, 7, 1], True) == 30
    assert services.stage(5, [30, 7, 1], True) == 7
    assert services.stage(0, [30, 7, 1], True) == 1
    assert services.stage(-3, [30, 7, 1], True) == OVERDUE
    assert services.stage(-3, [30, 7, 1], False) is None


def test_a_deadline_is_reminded_once_per_lead_time_and_again_when_its_date_moves(tree, users, provider):
    provider.set(tree.b1, 5)
    services.run()
    [n] = mine(users.taiyuan)
    assert (n.lead, n.due, n.deadline_key) == (7, timezone.localdate() + dt.timedelta(days=5), f"test.term:{tree.b1.pk}")
    assert n.title == f"{tree.b1.name}任期届满" and "还有 5 天" in n.body and n.url == f"/orgs/{tree.b1.pk}/"
    assert n.in_app and n.emailed_at is None
    assert len(mine(users.admin)) == 1 and len(mine(users.secretary)) == 1

    services.run()  # a rerun adds nothing
    assert len(mine(users.taiyuan)) == 1

    provider.set(tree.b1, 20)  # the due date moved: reminded again for the new date
    services.run()
    rows = mine(users.taiyuan)
    assert [(r.lead, r.due - timezone.localdate()) for r in rows] == [(7, dt.timedelta(5)), (30, dt.timedelta(20))]

    provider.set(tree.b1, -2)  # overdue: once more
    services.run()
    services.run()
    assert [r.lead for r in mine(users.taiyuan)] == [7, 30, OVERDUE]
    assert "已逾期 2 天" in mine(users.taiyuan)[-1].body


def test_many_of_one_kind_become_one_summary(tree, users, provider, settings):
    settings.ZUGONG_REMINDERS_SUMMARY_OVER = 2
    provider.set(tree.b1, 1)
    provider.set(tree.b2, -3)
    provider.set(tree.xiaodian, 6)
    services.run([users.taiyuan])
    rows = mine(users.taiyuan)
    assert len(rows) == 4 and [n.in_app for n in rows].count(True) == 1
    [summary] = [n for n in rows if n.in_app]
    assert summary.title == "测试任期届满：2 项即将到期、1 项已逾期" and summary.count == 3 and summary.url == "/"
    assert "等 3 项" in summary.body
    services.run([users.taiyuan])
    assert len(mine(users.taiyuan)) == 4  # the folded rows are not reminded again
    provider.set(tree.b1, 20)
    services.run([users.taiyuan])
    assert mine(users.taiyuan)[-1].in_app and mine(users.taiyuan)[-1].lead == 30  # one alone: shown as itself


def test_the_database_refuses_a_duplicate(tree, users, provider):
    provider.set(tree.b1, 1)
    services.run([users.taiyuan])
    [n] = mine(users.taiyuan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=users.taiyuan, kind=KIND, title="again", deadline_key=n.deadline_key,
                                    due=n.due, lead=n.lead)


def test_a_county_user_gets_nothing_of_another_county(tree, users, provider):
    provider.set(tree.b3, 3)  # 大同
    services.run()
    assert mine(users.taiyuan) == [] and mine(users.secretary) == [] and mine(users.reader) == []
    assert len(mine(users.datong)) == 1 and len(mine(users.admin)) == 1


def test_lead_times_are_data_the_nearest_issuer_and_the_kind_win(tree, users, provider):
    install_leads(None)
    assert LeadTime.objects.unrestricted().get(code="notifications.lead.default").days == "30、7、1"
    LeadTime.objects.create(code="t.kind", kind=KIND, days="3", overdue=False)
    LeadTime.objects.create(code="t.taiyuan", organization=tree.taiyuan, kind=KIND, days="10、2")
    provider.set(tree.b3, 5)  # 大同: the national row for the kind: 3 days only → not yet
    provider.set(tree.b1, 5)  # 太原: its own row: 10、2 → the 10-day reminder
    services.run([users.admin])
    assert [(n.org_path, n.lead) for n in mine(users.admin)] == [(tree.b1.path, 10)]
    provider.set(tree.b3, 2)
    services.run([users.admin])
    assert [n.lead for n in mine(users.admin) if n.org_path == tree.b3.path] == [3]
    provider.set(tree.b3, -1)  # overdue, but that row says no overdue reminder
    services.run([users.admin])
    assert [n.lead for n in mine(users.admin) if n.org_path == tree.b3.path] == [3]


def test_preferences_are_respected_and_audited(tree, users, provider, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users.taiyuan.email = "ty@example.org"
    users.taiyuan.save()
    prefs = services.preferences(users.taiyuan)
    assert prefs[KIND] == {"in_app": True, "email": False, "sms": False} == prefs[FINDINGS]

    services.save_preferences(users.taiyuan, {KIND: {"email"}, FINDINGS: set()}, "")
    entry = AuditEntry.objects.unrestricted().get(model="notifications.subscriber", action="update")
    assert entry.note == "修改提醒设置" and entry.org_path == tree.taiyuan.path
    assert any(c["label"] == "提醒方式：测试任期届满" and c["new"] == "电子邮件" and c["old"] == "站内提醒"
               for c in entry.changes), entry.changes
    assert services.save_preferences(users.taiyuan, {KIND: {"email"}, FINDINGS: set()}, "") == 0
    assert AuditEntry.objects.unrestricted().filter(model__startswith="notifications.").count() == 1

    provider.set(tree.b1, 1)
    Finding.objects.create(rule="test.rule", severity="error", model="orgs.organization", object_id=tree.b1.pk,
                           organization=tree.b1, org_path=tree.b1.path, regulation="《某规定》", detail="问题",
                           opened_at=timezone.now())
    services.run([users.taiyuan, users.datong])
    [n] = mine(users.taiyuan)
    assert not n.in_app and n.emailed_at is not None  # e-mail only: not in the bell
    assert mine(users.taiyuan, FINDINGS) == []  # findings switched off
    assert services.unread_count(users.taiyuan) == 0
    [message] = mail.outbox
    assert message.to == ["ty@example.org"] and "1 条新提醒" in message.subject
    assert f"{tree.b1.name}任期届满" in message.body

    services.save_preferences(users.taiyuan, {KIND: set(), FINDINGS: set()}, "")
    provider.set(tree.b1, 30)
    services.run([users.taiyuan])
    assert len(mine(users.taiyuan)) == 1  # nothing chosen: nothing made


def test_no_mail_without_an_smtp_server(tree, users, provider, settings):
    settings.EMAIL_HOST = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users.taiyuan.email = "ty@example.org"
    users.taiyuan.save()
    services.save_preferences(users.taiyuan, {KIND: {"in_app", "email"}}, "")
    provider.set(tree.b1, 1)
    services.run([users.taiyuan])
    assert mail.outbox == [] and mine(users.taiyuan)[0].emailed_at is None


def test_sms_goes_through_the_configured_backend(tree, users, provider, settings):
    settings.ZUGONG_SMS_BACKEND = "zugong.notifications.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    with pytest.raises(Exception) as refused:
        services.save_preferences(users.taiyuan, {KIND: {"sms"}}, "")
    assert "请填写接收短信的手机号" in str(refused.value)
    services.save_preferences(users.taiyuan, {KIND: {"in_app", "sms"}}, "139 0000 1234")
    provider.set(tree.b1, 1)
    provider.set(tree.b2, 6)
    services.run([users.taiyuan])
    [(number, text)] = sms.MemoryBackend.outbox
    assert number == "13900001234" and text.startswith("【组工平台】新提醒：") and "等 2 条" in text
    assert all(n.sms_at for n in mine(users.taiyuan))
    services.run([users.taiyuan])
    assert len(sms.MemoryBackend.outbox) == 1  # nothing new, nothing sent

    settings.ZUGONG_SMS_BACKEND = "zugong.notifications.sms.NullBackend"  # the default sends nothing
    provider.set(tree.b1, 20)
    services.run([users.taiyuan])
    assert len(sms.MemoryBackend.outbox) == 1 and mine(users.taiyuan)[-1].sms_at is None


def _finding(org, rule, **extra):
    return Finding.objects.create(rule=rule, severity=extra.pop("severity", "warning"), model="orgs.organization", object_id=org.pk,
                                  organization=org, org_path=org.path, regulation="《某规定》", detail="问题",
                                  opened_at=extra.pop("opened_at", timezone.now()), **extra)


def test_new_findings_are_one_digest_per_user_and_run_with_the_counts_by_rule(tree, users):
    _finding(tree.b1, "test.a")
    _finding(tree.b2, "test.a")
    _finding(tree.b1, "test.b", severity="error")
    _finding(tree.b2, "test.c", severity="reminder")
    _finding(tree.b1, "test.d", resolved_at=timezone.now())  # closed: not counted
    _finding(tree.b3, "test.a")  # 大同
    services.run([users.taiyuan, users.datong])
    [digest] = mine(users.taiyuan, FINDINGS)  # the first run: one reminder, not one per rule
    assert digest.count == 4 and digest.rule == "" and digest.url == "/core/findings/?view=rules"
    assert digest.title == "新发现问题：3 项规则共 4 条"
    assert digest.body == "管辖范围内未消除：违规 1 条、警示 2 条、提醒 1 条"
    # most severe first, then the largest; each count links to the list filtered by its rule
    assert [(i["rule"], i["count"], i["url"], i["severity"]) for i in digest.items] == [
        ("test.b", 1, "/core/findings/?rule=test.b", "违规"), ("test.a", 2, "/core/findings/?rule=test.a", "警示"),
        ("test.c", 1, "/core/findings/?rule=test.c", "提醒")]
    [other] = mine(users.datong, FINDINGS)
    assert (other.rule, other.count, other.url, len(other.items)) == ("test.a", 1, "/core/findings/?rule=test.a", 1)
    assert other.title.startswith("新发现问题：") and other.title.endswith("（1 条）")

    services.run([users.taiyuan])  # nothing new since
    assert len(mine(users.taiyuan, FINDINGS)) == 1

    _finding(tree.b2, "test.b")
    _finding(tree.b2, "test.c")
    services.run([users.taiyuan, users.datong])
    new = mine(users.taiyuan, FINDINGS)[-1]
    assert (new.count, [i["rule"] for i in new.items]) == (2, ["test.b", "test.c"])
    assert new.body.startswith("自上次提醒以来新发现：") and len(mine(users.datong, FINDINGS)) == 1


def test_the_findings_digest_is_listed_with_its_links_and_mailed(tree, users, client, settings):
    settings.EMAIL_HOST = "smtp.example.invalid"
    settings.ZUGONG_SITE_URL = "https://zugong.example"
    users.taiyuan.email = "ty@example.org"
    users.taiyuan.save()
    services.save_preferences(users.taiyuan, {FINDINGS: {"in_app", "email"}}, "")
    _finding(tree.b1, "test.a")
    _finding(tree.b1, "test.b")
    services.run([users.taiyuan])
    client.force_login(users.taiyuan, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get("/notifications/").content.decode()
    assert 'href="/core/findings/?rule=test.a"' in body and 'href="/core/findings/?rule=test.b"' in body
    [message] = mail.outbox
    assert "https://zugong.example/core/findings/?rule=test.a" in message.body
    assert "https://zugong.example/core/findings/?rule=test.b" in message.body


def test_the_job_and_the_command(tree, users, provider):
    provider.set(tree.b1, 1)
    job = Job.objects.create(kind="reminders", title="提醒", user=users.admin, org_path="")
    job = jobs.submit(job, run_now=True)
    assert job.status == Job.Status.DONE, job.message
    assert job.result["users"] == 5 and job.result["created"] == 4  # admin, taiyuan, secretary, reader
    assert "4 条新提醒" in job.message
    out = io.StringIO()
    call_command("reminders", stdout=out)
    assert "0 条新提醒" in out.getvalue()
    provider.set(tree.b3, 1)
    call_command("reminders", "--user", "dt_admin", stdout=out)
    assert "已为 1 位用户生成 1 条新提醒" in out.getvalue()


def test_the_bell_the_list_and_marking_read(tree, users, provider, login):
    provider.set(tree.b1, 1)
    provider.set(tree.b2, 6)
    services.run([users.taiyuan])
    client = login(users.taiyuan)
    page = client.get("/").content.decode()
    assert 'id="bell-count">2<' in page
    page = client.get("/notifications/").content.decode()
    assert f"{tree.b1.name}任期届满" in page and f"{tree.b2.name}任期届满" in page
    first, second = mine(users.taiyuan)
    r = client.get(f"/notifications/{first.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/orgs/{tree.b1.pk}/"
    assert 'id="bell-count">1<' in client.get("/notifications/").content.decode()
    unread = client.get("/notifications/").content.decode()
    assert f"{tree.b1.name}任期届满" not in unread and f"{tree.b2.name}任期届满" in unread
    assert f"{tree.b1.name}任期届满" in client.get("/notifications/?tab=all").content.decode()
    r = client.post("/notifications/read-all/")
    assert r.status_code == 302
    assert services.unread_count(users.taiyuan) == 0
    assert 'id="bell-count"' not in client.get("/").content.decode()
    # another user's reminder is not theirs to read or follow
    other = login(users.datong)
    assert other.get(f"/notifications/{second.pk}/").status_code == 404
    assert other.post(f"/notifications/{second.pk}/read/").status_code == 404


def test_the_settings_page(tree, users, provider, login):
    install_leads(None)
    client = login(users.taiyuan)
    page = client.get("/notifications/settings/").content.decode()
    assert "测试任期届满" in page and "新发现的问题" in page and "全国默认" in page
    assert "尚未配置邮件服务器" in page
    r = client.post("/notifications/settings/", {f"{KIND}__email": "on", f"{FINDINGS}__in_app": "on",
                                                 "sms_number": ""})
    assert r.status_code == 302
    row = Preference.objects.get(user=users.taiyuan, kind=KIND)
    assert (row.in_app, row.email, row.sms) == (False, True, False)
    r = client.post("/notifications/settings/", {f"{KIND}__sms": "on", "sms_number": "12ab"})
    assert r.status_code == 200 and "应为 7 到 15 位数字" in r.content.decode()
    # the lead times: a department admin of the root edits the national row, a city admin may not
    lead = LeadTime.objects.unrestricted().get()
    assert client.get(f"/notifications/lead-times/{lead.pk}/").status_code == 403
    admin = login(users.admin)
    r = admin.post(f"/notifications/lead-times/{lead.pk}/", {"kind": "", "days": "15，3 1", "overdue": "on",
                                                             "active": "on"})
    assert r.status_code == 302
    lead.refresh_from_db()
    assert lead.days == "15、3、1"
    r = admin.post(f"/notifications/lead-times/{lead.pk}/", {"kind": "", "days": "七天", "active": "on"})
    assert "不是 0 到 366 之间的整数天数" in r.content.decode()

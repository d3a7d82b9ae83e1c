"""Scheduled work (定时任务): due / not due / catch-up with a fixed clock, one run per moment even with two
schedulers claiming at once, the runner's timing and result, the page (admins of a root only), editing audited."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from zugong.core import config, jobs, schedule
from zugong.core.models import AuditEntry, Job, ScheduledTask, ScheduleRun

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def make_task(code="scan", kind="scan", hhmm=(2, 0), created=at(2026, 12, 1, 10), params=None, **extra):
    params = {"paths": [""]} if params is None else params
    task = ScheduledTask.objects.create(code=code, title=f"任务{code}", kind=kind, at=dt.time(*hhmm), params=params,
                                        **extra)
    ScheduledTask.objects.unrestricted().filter(pk=task.pk).update(created_at=created)
    task.refresh_from_db()
    return task


def test_slot_is_the_latest_moment_at_or_before_now():
    assert schedule.slot(dt.time(2), at(2026, 12, 2, 1, 59)) == at(2026, 12, 1, 2)
    assert schedule.slot(dt.time(2), at(2026, 12, 2, 2, 0)) == at(2026, 12, 2, 2)
    # A UTC clock is read in Beijing time: 18:30 UTC is 02:30 the next day.
    utc = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.timezone.utc)
    assert schedule.slot(dt.time(2), utc) == at(2026, 12, 2, 2)


@pytest.mark.django_db
def test_due_not_due_and_catch_up_with_a_fixed_clock():
    task = make_task()
    # Never run: its latest moment is owed at once (a fresh installation runs every task when it starts).
    assert schedule.due(task, at(2026, 12, 1, 23)) == at(2026, 12, 1, 2)
    assert schedule.next_run(task, at(2026, 12, 1, 23)) == at(2026, 12, 1, 23)
    [first] = schedule.tick(at(2026, 12, 1, 23))
    last = schedule.last_run(task)
    assert last == first and last.due_at == at(2026, 12, 1, 2)
    assert schedule.next_run(task, at(2026, 12, 1, 23), last) == at(2026, 12, 2, 2)
    assert schedule.due(task, at(2026, 12, 2, 1, 59), last) is None
    assert schedule.due(task, at(2026, 12, 2, 2, 0), last) == at(2026, 12, 2, 2)

    [run] = schedule.tick(at(2026, 12, 2, 2, 0))
    assert run.due_at == at(2026, 12, 2, 2) and run.status == ScheduleRun.Status.QUEUED
    assert run.job.kind == "scheduled" and run.job.user is None and run.job.params["paths"] == [""]
    assert schedule.tick(at(2026, 12, 2, 2, 0)) == []       # the same moment: nothing more
    assert schedule.tick(at(2026, 12, 2, 23, 0)) == []      # later that day: nothing owed
    assert schedule.next_run(task, at(2026, 12, 2, 23), schedule.last_run(task)) == at(2026, 12, 3, 2)

    # The machine was off from the 3rd to the 5th at 09:00: one catch-up run, for the latest moment.
    [late] = schedule.tick(at(2026, 12, 5, 9, 0))
    assert late.due_at == at(2026, 12, 5, 2)
    assert schedule.tick(at(2026, 12, 5, 9, 1)) == []
    assert task.runs.count() == 3

    # A disabled task is never owed, and has no next run.
    task.enabled = False
    task.save()
    assert schedule.due(task, at(2026, 12, 9, 3)) is None and schedule.next_run(task, at(2026, 12, 9, 3)) is None
    assert schedule.tick(at(2026, 12, 9, 3)) == []


@pytest.mark.django_db
def test_a_manual_run_counts_as_the_latest_run(users):
    task = make_task()
    run = schedule.run_now(users.admin, task)
    assert run.manual and run.job.user == users.admin
    with pytest.raises(Exception, match="正在排队或运行"):
        schedule.run_now(users.admin, task)
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRun.Status.DONE, due_at=at(2026, 12, 5, 8))
    # Off at 02:00 on the 5th, but a run was made at 08:00: no catch-up for 02:00.
    assert schedule.tick(at(2026, 12, 5, 9)) == []
    assert [r.due_at for r in schedule.tick(at(2026, 12, 6, 2))] == [at(2026, 12, 6, 2)]


@pytest.mark.django_db
def test_a_kind_without_a_registered_runner_is_skipped_and_flagged():
    task = make_task("reminders", "reminders_not_installed")
    assert schedule.runner_missing(task)
    [run] = schedule.tick(at(2026, 12, 2, 3))
    assert run.status == ScheduleRun.Status.SKIPPED and run.job is None
    assert "没有登记执行程序" in run.message
    assert schedule.tick(at(2026, 12, 2, 4)) == []  # flagged once per moment, not at every check
    assert not Job.objects.unrestricted().exists()


@pytest.mark.django_db
def test_the_scheduled_job_runs_the_tasks_runner_and_records_time_and_result(tree):
    calls = []

    @jobs.runner("test_count")
    def count(job, progress):
        calls.append(job.params)
        job.result = {"opened": 3, "resolved": 1}
        job.message = "检查完成：新增问题 3 个，消除 1 个。"

    try:
        task = make_task("count", "test_count", params={"n": 1})
        [run] = schedule.tick(at(2026, 12, 2, 2))
        assert jobs.run_job.call(run.job_id) == Job.Status.DONE
        run.refresh_from_db()
        assert calls == [{"n": 1, "schedule_run": run.pk}]
        assert run.status == ScheduleRun.Status.DONE and run.seconds is not None and run.took.endswith("秒")
        assert run.result == {"opened": 3, "resolved": 1} and run.message.startswith("检查完成")
        assert run.started_at <= run.finished_at

        @jobs.runner("test_count")
        def failing(job, progress):
            raise RuntimeError("磁盘已满")

        [run2] = schedule.tick(at(2026, 12, 3, 2))
        assert jobs.run_job.call(run2.job_id) == Job.Status.FAILED
        run2.refresh_from_db()
        assert run2.status == ScheduleRun.Status.FAILED and "磁盘已满" in run2.message
        assert task.runs.count() == 2
    finally:
        jobs.RUNNERS.pop("test_count", None)


@pytest.mark.django_db
def test_the_real_nightly_tasks_run(tree):
    """The default tasks: each kind but the reminders (another module) has its runner and runs on a small tree."""
    config.install(tree.root, ["schedule"])
    tasks = {t.code: t for t in ScheduledTask.objects.unrestricted()}
    assert [t.code for t in ScheduledTask.objects.unrestricted().order_by("at")] == [
        "compliance", "scan", "weakorgs_measures", "uploads", "dashboards", "reminders"]
    for code in ("compliance", "scan", "weakorgs_measures", "uploads", "dashboards"):
        assert not schedule.runner_missing(tasks[code])
        run = schedule.run_now(None, tasks[code])
        assert jobs.run_job.call(run.job_id) == Job.Status.DONE, Job.objects.unrestricted().get(pk=run.job_id).message
        run.refresh_from_db()
        assert run.status == ScheduleRun.Status.DONE and run.message


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_claiming_at_once_start_one_run(tree):
    """Two schedulers (threads with their own connections) claim the same moment together: one run, one job."""
    task = make_task()
    moment = at(2026, 12, 2, 2)
    barrier = threading.Barrier(2)
    results = []

    def claim():
        try:
            barrier.wait()
            results.append(schedule.claim(task, moment))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r is None for r in results) == [False, True]
    assert ScheduleRun.objects.filter(task=task).count() == 1
    assert Job.objects.unrestricted().filter(kind="scheduled").count() == 1


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
def test_the_page_shows_each_task_for_the_admins_of_a_root_only(login, users, tree):
    config.install(tree.root, ["schedule"])
    scan = ScheduledTask.objects.unrestricted().get(code="scan")
    ScheduleRun.objects.create(task=scan, due_at=at(2026, 12, 5, 1, 30), status=ScheduleRun.Status.DONE,
                               started_at=at(2026, 12, 5, 1, 30), finished_at=at(2026, 12, 5, 1, 33),
                               seconds=192.4, message="检查完成：新增问题 12 个，消除 3 个，现存 40 个。")
    for user in (users.taiyuan, users.reader, users.secretary):
        assert login(user).get("/core/schedule/").status_code == 403
        assert "/core/schedule/" not in login(user).get("/core/rules/").content.decode()
    client = login(users.admin)
    page = client.get("/core/schedule/").content.decode()
    assert "规则检查（全部组织）" in page and "01:30" in page and "2026-12-05 01:30" in page
    assert "3 分 12 秒" in page and "新增问题 12 个，消除 3 个" in page
    assert "功能尚未安装" not in page  # every default task's runner is registered (reminders included)
    ScheduledTask.objects.unrestricted().filter(code="reminders").update(kind="not_installed_here")
    page = client.get("/core/schedule/").content.decode()
    assert "功能尚未安装，到时将跳过" in page  # a kind no module registered is flagged
    assert 'href="/core/schedule/"' in client.get("/core/rules/").content.decode()  # sidebar and rules page


@pytest.mark.django_db
def test_editing_a_task_is_audited_and_run_now_starts_its_job(login, users, tree):
    config.install(tree.root, ["schedule"])
    task = ScheduledTask.objects.unrestricted().get(code="dashboards")
    assert login(users.taiyuan).post(f"/core/schedule/{task.pk}/", {"at": "04:15"}).status_code == 403
    client = login(users.admin)
    r = client.post(f"/core/schedule/{task.pk}/", {"at": "25:00", "enabled": "on"})
    assert r.status_code == 200 and "输入一个有效的时间" in r.content.decode()
    r = client.post(f"/core/schedule/{task.pk}/", {"at": "04:15"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.at == dt.time(4, 15) and not task.enabled
    entry = AuditEntry.objects.unrestricted().filter(model="core.scheduledtask", object_id=str(task.pk)).first()
    assert entry.actor_name == "admin" and {c["field"] for c in entry.changes} == {"at", "enabled"}

    r = client.post(f"/core/schedule/{task.pk}/run/")
    run = task.runs.get()
    assert run.manual and r.status_code == 302 and r["Location"] == f"/core/jobs/{run.job_id}/"
    r = client.post(f"/core/schedule/{task.pk}/run/", follow=True)
    assert "正在排队或运行" in r.content.decode() and task.runs.count() == 1


@pytest.mark.django_db
def test_the_system_administrator_configures_the_schedule_and_the_other_duties_do_not(login, users, tree, client):
    """Issue 12 (三员分立): the 系统管理员 administers accounts *and configuration*; it had no configuration page.
    The scheduled tasks are system configuration: its page, its edits and 立即运行 are the 系统管理员's."""
    from tests.accounts.test_security import duty_user
    from zugong.core.scope import Duty

    config.install(tree.root, ["schedule"])
    task = ScheduledTask.objects.unrestricted().get(code="dashboards")
    for duty in (Duty.SECADMIN, Duty.AUDITOR):
        client.force_login(duty_user(duty.value, duty), backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/core/schedule/").status_code == 403
        assert client.post(f"/core/schedule/{task.pk}/", {"at": "04:15"}).status_code == 403
    client.force_login(duty_user("sysadmin", Duty.SYSADMIN), backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/core/schedule/").content.decode()
    assert "规则检查（全部组织）" in page and "统计" in page
    assert client.post(f"/core/schedule/{task.pk}/", {"at": "04:15", "enabled": "on"}).status_code == 302
    task.refresh_from_db()
    assert task.at == dt.time(4, 15)
    entry = AuditEntry.objects.unrestricted().filter(model="core.scheduledtask", object_id=str(task.pk)).first()
    assert entry.actor_name == "sysadmin"
    r = client.post(f"/core/schedule/{task.pk}/run/")
    assert r.status_code == 302 and r["Location"] == "/core/schedule/" and task.runs.get().manual

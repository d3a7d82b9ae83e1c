"""Jobs survive workers (issue 12, finding 8): a running job writes a heartbeat; one whose worker died is marked
failed with a Chinese message by the next worker start (and the scheduler, and its owner's job page), and its
owner can retry it from the job page, which queues it again with the same input."""

import datetime as dt
import signal
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zugong.core import jobs
from zugong.core.models import Job, ScheduledTask, ScheduleRun

KIND = "test_double"


@pytest.fixture
def doubling_runner():
    """A job kind of the test's own: doubles `params["n"]` into `result`, sleeping `params["sleep"]` first and
    noting the heartbeats it saw on its own row."""

    def run(job, progress):
        seen = []
        deadline = time.monotonic() + job.params.get("sleep", 0)
        while time.monotonic() < deadline:
            seen.append(Job.objects.unrestricted().get(pk=job.pk).heartbeat_at)
            time.sleep(0.05)
        job.result = {"n": job.params["n"] * 2, "beats": len({b for b in seen if b})}
        job.message = f"完成：{job.params['n'] * 2}"

    jobs.RUNNERS[KIND] = run
    yield run
    del jobs.RUNNERS[KIND]


def left_running(user, org, minutes=10, worker=None, **params):
    """A job a worker took and then died on: "running", no word from it for `minutes`."""
    job = Job.objects.create(kind=KIND, title="测试任务", user=user, org_path=org.path, params={"n": 21, **params},
                             status=Job.Status.RUNNING)
    old = timezone.now() - dt.timedelta(minutes=minutes)
    Job.objects.unrestricted().filter(pk=job.pk).update(created_at=old)
    if worker is not None:
        Job.objects.unrestricted().filter(pk=job.pk).update(worker=worker, heartbeat_at=old)
    return job


def run_worker_batch():
    """`zugong worker --batch`: reap, run what is queued, exit (the pytest process keeps its signal handlers)."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
def test_a_job_left_running_by_a_dead_worker_fails_at_worker_start_and_is_retried_to_completion(
        tree, users, login, doubling_runner):
    job = left_running(users.taiyuan, tree.taiyuan)

    run_worker_batch()  # the restarted worker

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "后台进程中断，任务未完成，可重试"
    assert job.retryable and job.finished_at is not None

    client = login(users.taiyuan)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "后台进程中断，任务未完成，可重试" in page and 'id="job-retry"' in page and "重试" in page
    listing = client.get(reverse("core:jobs")).content.decode()
    assert "失败" in listing and "后台进程中断" in listing

    response = client.post(reverse("core:job_retry", args=[job.pk]))
    assert response.status_code == 302 and response.url == reverse("core:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and not job.interrupted and job.message == ""

    run_worker_batch()  # the worker runs the queued retry: the same row, the same input

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result["n"] == 42 and job.message == "完成：42"
    assert job.attempts == 1 and job.worker == jobs.this_process()
    assert 'id="job-retry"' not in client.get(reverse("core:job", args=[job.pk])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_running_job_writes_its_heartbeat(tree, users, settings, doubling_runner):
    settings.ZUGONG_JOB_HEARTBEAT_SECONDS = 0.1
    job = Job.objects.create(kind=KIND, title="测试任务", user=users.taiyuan, org_path=tree.taiyuan.path,
                             params={"n": 1, "sleep": 0.8})
    assert jobs.run_job.call(job.pk) == Job.Status.DONE
    job.refresh_from_db()
    assert job.result["beats"] >= 3  # the row's heartbeat moved while the runner worked
    assert job.worker == jobs.this_process() and job.heartbeat_at is not None


@pytest.mark.django_db
def test_a_silent_job_whose_process_lives_is_not_reaped(tree, users):
    # SQLite's one writer may keep a live worker from writing its heartbeat during a long import: alive, not dead.
    busy = left_running(users.taiyuan, tree.taiyuan, worker=jobs.this_process())
    dead = left_running(users.taiyuan, tree.taiyuan, worker=f"{jobs.this_process().split(':')[0]}:999999999:1")
    elsewhere = left_running(users.taiyuan, tree.taiyuan, worker="another-host:123:456")
    fresh = left_running(users.taiyuan, tree.taiyuan, minutes=1, worker="another-host:123:456")
    assert {j.pk for j in jobs.reap()} == {dead.pk, elsewhere.pk}
    for job, status in ((busy, "running"), (dead, "failed"), (elsewhere, "failed"), (fresh, "running")):
        job.refresh_from_db()
        assert job.status == status, job


@pytest.mark.django_db
def test_the_stale_timeout_is_configurable(tree, users, settings):
    job = left_running(users.taiyuan, tree.taiyuan, minutes=3, worker="another-host:123:456")
    settings.ZUGONG_JOB_STALE_SECONDS = 600
    assert jobs.reap() == []
    settings.ZUGONG_JOB_STALE_SECONDS = 120
    assert [j.pk for j in jobs.reap()] == [job.pk]


@pytest.mark.django_db
def test_the_owners_job_page_reaps_and_only_the_owner_retries(tree, users, login):
    job = left_running(users.taiyuan, tree.taiyuan, worker="another-host:123:456")
    assert "后台进程中断" in login(users.taiyuan).get(reverse("core:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert login(users.admin).post(reverse("core:job_retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


@pytest.mark.django_db
def test_a_job_that_failed_on_its_input_is_not_retried(tree, users, login):
    job = Job.objects.create(kind=KIND, title="测试任务", user=users.taiyuan, org_path=tree.taiyuan.path,
                             status=Job.Status.FAILED, message="第 3 行：姓名不能为空")
    client = login(users.taiyuan)
    assert 'id="job-retry"' not in client.get(reverse("core:job", args=[job.pk])).content.decode()
    response = client.post(reverse("core:job_retry", args=[job.pk]), follow=True)
    assert "只有因后台进程中断而失败的任务可以重试" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


@pytest.mark.django_db
def test_an_interrupted_scheduled_run_is_failed_too_so_it_can_run_again(tree, users):
    task = ScheduledTask.objects.create(code="scan", title="规则检查", kind="scan", at=dt.time(1, 30),
                                        params={"paths": [""]})
    job = left_running(None, tree.root, worker="another-host:1:1")
    run = ScheduleRun.objects.create(task=task, due_at=timezone.now(), job=job, status=ScheduleRun.Status.RUNNING)
    jobs.reap()
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.FAILED and run.message == jobs.INTERRUPTED

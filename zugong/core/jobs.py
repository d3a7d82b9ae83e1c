"""Background jobs: a Job row a user can watch, run by the task worker (`zugong worker`).

**Jobs survive workers.** While a job runs, a thread of the process running it writes a heartbeat on the job
(`Job.heartbeat_at`, every `ZUGONG_JOB_HEARTBEAT_SECONDS`, 15 by default) and the job names that process
(`Job.worker`, "host:pid:start"). A job still "running" whose heartbeat is older than `ZUGONG_JOB_STALE_SECONDS`
(120 by default) and whose process is gone was interrupted (the worker was killed, the machine restarted, a
web worker hit its timeout): `reap()` marks it failed with `INTERRUPTED` and `interrupted=True`. `reap()` runs
when the worker starts (`zugong worker`), every 30 s with the scheduler (`zugong scheduler`), and when its owner
looks at 我的任务. The owner may then `retry(job)` it from the job page: the same row, the same input, queued again.

A process on this machine is checked directly (/proc: its pid and start time), so a live worker that cannot write
its heartbeat for a while (SQLite's one writer busy with a long import) is never taken for dead; a process on
another machine is judged by its heartbeat alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from typing import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from . import audit
from .models import Job, ScheduleRun

log = logging.getLogger(__name__)

RUNNERS: dict[str, Callable[[Job, "Progress"], None]] = {}


def runner(kind: str):
    """Register the function that performs jobs of a kind."""

    def register(fn):
        RUNNERS[kind] = fn
        return fn

    return register


class Progress:
    """Progress reports written outside the job's own transaction, so a watching page sees them."""

    def __init__(self, job: Job, every: int = 500):
        self.job, self.every, self._last = job, every, 0

    def total(self, n: int) -> None:
        self.job.total = n
        Job.objects.unrestricted().filter(pk=self.job.pk).update(total=n)

    def step(self, done: int, force: bool = False) -> None:
        self.job.done = done
        if force or done - self._last >= self.every:
            self._last = done
            if not transaction.get_connection().in_atomic_block:
                try:
                    Job.objects.unrestricted().filter(pk=self.job.pk).update(done=done)
                except OperationalError:
                    # SQLite (WAL): a job still reading (an export iterating its rows) cannot write once another
                    # connection — the heartbeat thread — has committed since its read began ("database is
                    # locked"). The counter is only for the watching page: it moves at a later step.
                    if connection.vendor != "sqlite":
                        raise


INTERRUPTED = "后台进程中断，任务未完成，可重试"


def heartbeat_seconds() -> float:
    return float(getattr(settings, "ZUGONG_JOB_HEARTBEAT_SECONDS", 15))


def stale_seconds() -> float:
    return float(getattr(settings, "ZUGONG_JOB_STALE_SECONDS", 120))


# ---------------------------------------------------------------- which process runs a job


def _start_time(pid: int) -> str | None:
    """The process's start time (clock ticks after boot, /proc/PID/stat field 22), or None if there is none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def this_process() -> str:
    """How a job names the process running it: host, pid and the pid's start time (a reused pid differs)."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid) or ''}"


def alive(worker: str) -> bool | None:
    """Whether the process a job names still runs: True/False on this machine, None on another (unknown)."""
    host, _, rest = worker.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    if os.path.isdir("/proc/self"):
        now = _start_time(int(pid))
        return now is not None and (not start or now == start)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class Heartbeat:
    """A thread writing the running job's heartbeat until the job ends (its own database connection)."""

    def __init__(self, job_id: int):
        self.job_id, self.stop_event = job_id, threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def _beat(self) -> None:
        try:
            while not self.stop_event.wait(heartbeat_seconds()):
                try:
                    Job.objects.unrestricted().filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now())
                except Exception:  # a busy database: the next beat tries again (liveness is also checked by pid)
                    log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(timeout=1)


@task()
def run_job(job_id: int) -> str:
    """Run a queued job as the user who submitted it, beating its heart while it runs."""
    job = Job.objects.unrestricted().select_related("user").get(pk=job_id)
    started = timezone.now()
    Job.objects.unrestricted().filter(pk=job.pk).update(
        status=Job.Status.RUNNING, worker=this_process(), heartbeat_at=started, interrupted=False,
        attempts=F("attempts") + 1)
    try:
        # A job no one submitted (a scheduled run) acts as the system: its audit entries say 定时任务.
        with Heartbeat(job.pk), audit.acting_as(job.user, name="定时任务", ip=job.params.get("ip")):
            RUNNERS[job.kind](job, Progress(job))
    except Exception as exc:  # the job's page must say what happened, whatever it was
        log.exception("job %s failed", job.pk)
        job.status = Job.Status.FAILED
        job.message = job.message or f"任务执行出错：{exc}"
    else:
        if job.status != Job.Status.FAILED:
            job.status = Job.Status.DONE
    job.finished_at = timezone.now()
    job.interrupted = False
    # Not the liveness columns: the heartbeat thread owns them.
    job.save(update_fields=[f.name for f in Job._meta.concrete_fields
                            if not f.primary_key and f.name not in ("worker", "heartbeat_at", "attempts")])
    return job.status


# ---------------------------------------------------------------- interrupted jobs


def stale(now: dt.datetime | None = None):
    """Running jobs whose heartbeat is older than the stale timeout (their process may still be alive)."""
    limit = (now or timezone.now()) - dt.timedelta(seconds=stale_seconds())
    old_beat = Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)
    return Job.objects.unrestricted().filter(old_beat, status=Job.Status.RUNNING)


def reap(jobs=None, now: dt.datetime | None = None) -> list[Job]:
    """Mark failed (`INTERRUPTED`, retryable) the running jobs whose process died: heartbeat stale and the
    process gone (or on another machine). `jobs`: limit to these (a user's, on 我的任务)."""
    now = now or timezone.now()
    candidates = stale(now)
    if jobs is not None:
        candidates = candidates.filter(pk__in=[j.pk for j in jobs])
    reaped = []
    for job in candidates:
        if alive(job.worker):
            continue  # busy, not dead (SQLite's writer held by its long transaction)
        with transaction.atomic():
            marked = stale(now).filter(pk=job.pk, worker=job.worker).update(
                status=Job.Status.FAILED, interrupted=True, message=INTERRUPTED, finished_at=now)
            if not marked:
                continue  # it beat or finished meanwhile
            ScheduleRun.objects.filter(job_id=job.pk, status__in=(
                ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING)).update(
                status=ScheduleRun.Status.FAILED, finished_at=now, message=INTERRUPTED)
        log.warning("job %s (%s) interrupted: worker %s gone", job.pk, job.kind, job.worker or "?")
        job.refresh_from_db()
        reaped.append(job)
    return reaped


def retry(job: Job) -> Job:
    """Queue an interrupted job again with the same input (the same row: its page follows the new run)."""
    with transaction.atomic():
        locked = Job.objects.unrestricted().select_for_update().get(pk=job.pk)
        if not locked.retryable:
            raise ValidationError("只有因后台进程中断而失败的任务可以重试")
        if locked.input_file and not locked.input_file.storage.exists(locked.input_file.name):
            raise ValidationError("任务的输入文件已不存在（已按规定删除），请重新提交")
        Job.objects.unrestricted().filter(pk=locked.pk).update(
            status=Job.Status.QUEUED, interrupted=False, message="", result={}, done=0, finished_at=None,
            heartbeat_at=None, worker="")
        submit(locked)
    return locked


def submit(job: Job, run_now: bool = False) -> Job:
    """Queue a job for the worker, or run it in this process (small inputs)."""
    if run_now:
        run_job.call(job.pk)
    else:
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    job.refresh_from_db()
    return job


def attach_output(job: Job, filename: str, content: bytes) -> None:
    job.output_file.save(filename, ContentFile(content), save=False)

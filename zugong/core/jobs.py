"""Background jobs: a Job row a user can watch, run by the task worker (`zugong db_worker`)."""

from __future__ import annotations

import logging
from typing import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import audit
from .models import Job

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
                Job.objects.unrestricted().filter(pk=self.job.pk).update(done=done)


@task()
def run_job(job_id: int) -> str:
    """Run a queued job as the user who submitted it."""
    job = Job.objects.unrestricted().select_related("user").get(pk=job_id)
    Job.objects.unrestricted().filter(pk=job.pk).update(status=Job.Status.RUNNING)
    try:
        # A job no one submitted (a scheduled run) acts as the system: its audit entries say 定时任务.
        with audit.acting_as(job.user, name="定时任务", ip=job.params.get("ip")):
            RUNNERS[job.kind](job, Progress(job))
    except Exception as exc:  # the job's page must say what happened, whatever it was
        log.exception("job %s failed", job.pk)
        job.status = Job.Status.FAILED
        job.message = job.message or f"任务执行出错：{exc}"
    else:
        if job.status != Job.Status.FAILED:
            job.status = Job.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    return job.status


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

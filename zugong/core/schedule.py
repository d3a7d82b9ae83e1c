"""Scheduled work: tasks (`ScheduledTask` rows) run each day at their time through the task worker.

django-tasks' `db_worker` runs queued tasks but schedules nothing. `zugong scheduler` (started by `make run`
beside the worker) wakes every 30 seconds and calls `tick()`: every enabled task whose latest scheduled moment
(`slot`) is later than the moment of its latest run (or that was never run) is *claimed* — a `ScheduleRun` row keyed by (task, that
moment), unique, inserted while the task's row is locked — and its job is queued for the worker. So:

- **no double run**: two schedulers (two machines, a restart overlapping the old process) try to insert the same
  (task, moment); the row lock makes the second wait, and it then sees the run (the unique key is the last word);
- **catch-up**: a machine that was off at 02:00 runs the task when the scheduler starts, once, however many
  days were missed (the latest moment only);
- **立即运行**: a manual run is a run keyed by the moment the button was pressed (`run_now`); it counts as the
  latest run, so a catch-up does not repeat it.

The job's kind is "scheduled": its runner (`run_scheduled`) looks up the task's own kind among the registered
runners (`core.jobs.RUNNERS`: "scan", "compliance_refresh", "dashboards_refresh", "reminders" …), runs it, and
writes the time taken and the result on the run. A kind no module registered is not queued: the run is recorded
as skipped with the reason, and the page flags the task.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import jobs, scope
from .models import Job, ScheduledTask, ScheduleRun

log = logging.getLogger(__name__)

KIND = "scheduled"


def slot(at: dt.time, now: dt.datetime) -> dt.datetime:
    """The latest moment at or before `now` when a task run daily at `at` (local time) was due."""
    local = timezone.localtime(now)
    today = timezone.make_aware(dt.datetime.combine(local.date(), at), local.tzinfo)
    return today if today <= local else timezone.make_aware(
        dt.datetime.combine(local.date() - dt.timedelta(days=1), at), local.tzinfo)


def last_run(task: ScheduledTask) -> ScheduleRun | None:
    return task.runs.order_by("-due_at", "-id").first()


def due(task: ScheduledTask, now: dt.datetime, last: ScheduleRun | None = None) -> dt.datetime | None:
    """The moment a run is owed for (to claim now), or None: enabled, and its latest moment came after the latest
    run's. A machine off at that moment runs it late, once; a task never run is owed its latest moment, so a
    fresh installation (`make run` on a new clone) has its findings and tables at once."""
    if not task.enabled:
        return None
    moment = slot(task.at, now)
    return moment if last is None or moment > last.due_at else None


def next_run(task: ScheduledTask, now: dt.datetime, last: ScheduleRun | None = None) -> dt.datetime | None:
    """When the task runs next: now (a run is owed), or its next moment; None when it is disabled."""
    if not task.enabled:
        return None
    if due(task, now, last):
        return timezone.localtime(now)
    return slot(task.at, now) + dt.timedelta(days=1)


def runner_missing(task: ScheduledTask) -> bool:
    return task.kind not in jobs.RUNNERS


def claim(task: ScheduledTask, moment: dt.datetime, *, manual: bool = False, user=None) -> ScheduleRun | None:
    """Register the run of `task` for `moment` and queue its job, or None if it is already registered (another
    scheduler claimed it). The task's row is locked while checking, the (task, moment) key is unique."""
    try:
        with transaction.atomic():
            locked = ScheduledTask.objects.unrestricted().select_for_update().get(pk=task.pk)
            if not manual and due(locked, moment, last_run(locked)) != moment:
                return None  # claimed meanwhile (the lock waited for the other scheduler's commit)
            if runner_missing(locked):
                return ScheduleRun.objects.create(
                    task=locked, due_at=moment, manual=manual, user=user, status=ScheduleRun.Status.SKIPPED,
                    finished_at=timezone.now(),
                    message=f"已跳过：任务类型“{locked.kind}”没有登记执行程序（相应的功能尚未安装）。")
            run = ScheduleRun.objects.create(task=locked, due_at=moment, manual=manual, user=user)
            # A manual run's job is its user's (they follow it on the job page); a scheduled one is the system's,
            # and so is the run of a 系统管理员 (no business scope: the run list shows its result).
            paths = scope.scope_paths(user, "admin") if user is not None else []
            path = paths[0] if paths else ""
            job = Job.objects.create(kind=KIND, title=f"定时任务：{locked.title}", user=user, org_path=path,
                                     params={**locked.params, "schedule_run": run.pk})
            run.job = job
            run.save(update_fields=["job"])
            jobs.submit(job)  # queued when this transaction commits
            return run
    except IntegrityError:
        return None


def tick(now: dt.datetime | None = None) -> list[ScheduleRun]:
    """Claim and queue every run owed at `now`, in the tasks' order (time of day, then `order`)."""
    now = now or timezone.now()
    claimed = []
    for task in ScheduledTask.objects.unrestricted().filter(enabled=True).order_by("at", "order", "code"):
        moment = due(task, now, last_run(task))
        if moment is None:
            continue
        run = claim(task, moment)
        if run is not None:
            log.info("scheduled %s for %s: %s", task.code, moment, run.get_status_display())
            claimed.append(run)
    return claimed


def may_administer(user) -> bool:
    """Scheduled tasks are system configuration (三员分立: the 系统管理员's), also open to the department
    administrators of a root organization."""
    from .config.services import can_edit

    return scope.has_duty(user, scope.Duty.SYSADMIN) or (not scope.duty_of(user) and can_edit(user, ""))


def system_tasks(user):
    """The system-wide tasks (issued by no organization) for one who may administer them, else none."""
    if not may_administer(user):
        return ScheduledTask.objects.none()
    return ScheduledTask.objects.unrestricted().filter(org_path="")


def run_now(user, task: ScheduledTask) -> ScheduleRun:
    """立即运行: a run keyed by this moment, unless one of the task is still waiting or running."""
    from django.core.exceptions import ValidationError

    busy = task.runs.filter(status__in=(ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING)).exists()
    if busy:
        raise ValidationError(f"“{task.title}”正在排队或运行，请等它完成后再运行")
    run = claim(task, timezone.now(), manual=True, user=user)
    if run is None:
        raise ValidationError("刚刚已有一次运行，请稍后再试")
    return run


@jobs.runner(KIND)
def run_scheduled(job: Job, progress: jobs.Progress) -> None:
    """Run a scheduled task's own runner with this job, timing it and writing the result on its run."""
    run = ScheduleRun.objects.select_related("task").get(pk=job.params["schedule_run"])
    started = time.perf_counter()
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRun.Status.RUNNING, started_at=timezone.now())
    status = ScheduleRun.Status.FAILED
    try:
        fn = jobs.RUNNERS.get(run.task.kind)
        if fn is None:
            job.status = Job.Status.FAILED
            job.message = f"任务类型“{run.task.kind}”没有登记执行程序"
            return
        fn(job, progress)
        if job.status != Job.Status.FAILED:
            status = ScheduleRun.Status.DONE
    except Exception as exc:
        job.message = job.message or f"任务执行出错：{exc}"
        raise
    finally:
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=status, finished_at=timezone.now(), seconds=round(time.perf_counter() - started, 2),
            result=job.result or {}, message=job.message)

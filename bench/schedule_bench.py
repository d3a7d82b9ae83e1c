"""The scheduled nightly run at province scale against an already seeded database (DATABASE_URL picks it).

    DATABASE_URL=... .venv/bin/python bench/schedule_bench.py

Installs the default schedule if there is none, then runs every enabled task the way the worker does (a claimed
`ScheduleRun` and its job, run in this process through `core.jobs.run_job`): the compliance table, the rule scan
of the whole tree, the dashboard roll-ups (the reminders are skipped while no module registers them). It does so
twice — the first night (a scan that opens every finding when the table is empty) and a following night (steady
state) — and prints each task's seconds and result and the night's total. Last, the cost of re-judging after one
change (a dues payment of one member; a meeting of one branch), which every service pays instead of a scan.
Writes findings and derived tables: run it on a benchmark database only.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

import harness  # noqa: E402

from django.db import connection  # noqa: E402

from zugong.core import config, jobs, rules, schedule  # noqa: E402
from zugong.core.models import Finding, ScheduledTask, ScheduleRun  # noqa: E402
from zugong.members.models import Membership  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402


def night(label: str) -> float:
    total = 0.0
    print(f"  {label}:", flush=True)
    for task in ScheduledTask.objects.unrestricted().filter(enabled=True).order_by("at", "order", "code"):
        run = schedule.run_now(None, task)
        if run.status == ScheduleRun.Status.SKIPPED:
            print(f"    {task.at:%H:%M} {task.title}: skipped ({task.kind}: no runner registered)", flush=True)
            continue
        started = time.perf_counter()
        status = jobs.run_job.call(run.job_id)
        seconds = time.perf_counter() - started
        total += seconds
        run.refresh_from_db()
        print(f"    {task.at:%H:%M} {task.title}: {seconds:.1f} s, {status}; {run.message}", flush=True)
        print(f"BENCH schedule night={label.split()[0]} task={task.code} seconds={seconds:.1f} result={run.result}",
              flush=True)
    print(f"  {label} total: {total:.1f} s", flush=True)
    return total


def rejudge_ms(changes: dict, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        rules.rejudge(changes)
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times)[len(times) // 2]


def main() -> None:
    orgs = Organization.objects.unrestricted().count()
    print(f"scheduled nightly run ({connection.vendor}, {orgs:,} organizations)", flush=True)
    if not ScheduledTask.objects.unrestricted().exists():
        config.install(None, ["schedule"])
    # Runs left by an earlier bench must not block `run_now`.
    ScheduleRun.objects.filter(status__in=(ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING)).update(
        status=ScheduleRun.Status.FAILED)
    first = night("first night" if not Finding.objects.unrestricted().exists() else "a night")
    second = night("following night")
    print(f"BENCH schedule nightly_total_first={first:.1f} nightly_total_following={second:.1f}", flush=True)
    harness.record("scheduled nightly run, first night", round(first, 1), unit="s")
    harness.record("scheduled nightly run, following night", round(second, 1), unit="s")

    member = Membership.objects.unrestricted().order_by("pk").values_list("pk", flat=True)[1000]
    branch = (Organization.objects.unrestricted().filter(kind=Organization.Kind.BRANCH).order_by("pk")
              .values_list("pk", flat=True)[1000])
    payment = rejudge_ms({"members.duespayment": {"membership_id": {member}}})
    meeting = rejudge_ms({"branchlife.meeting": {"organization_id": {branch}}})
    print(f"  re-judging after one change: a dues payment {payment:.0f} ms, a branch meeting {meeting:.0f} ms "
          "(median of 5; every rule reading the changed model, restricted to the rows concerned)", flush=True)
    print(f"BENCH schedule rejudge_payment_ms={payment:.0f} rejudge_meeting_ms={meeting:.0f}", flush=True)
    harness.record("re-judging after one dues payment", round(payment, 1), stat="p50", samples=5)
    harness.record("re-judging after one branch meeting", round(meeting, 1), stat="p50", samples=5)


if __name__ == "__main__":
    harness.run(main)

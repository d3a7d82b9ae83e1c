"""`zugong scheduler [--once] [--interval 30]`: queue the scheduled tasks (定时任务) when they are due.

Started by `make run` beside `zugong worker`, which runs what this queues; each check also marks failed the
jobs whose worker died (`core.jobs.reap`). Every `--interval` seconds it claims
the runs owed (`core.schedule.tick`): safe to run twice (a run is keyed by task and moment), and a task missed
while the machine was off runs once when the scheduler starts. `--once` checks once and exits (cron, tests).
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from zugong.core import config, jobs, schedule
from zugong.core.models import ScheduledTask


class Command(BaseCommand):
    help = "定时任务：到点把任务交给后台任务进程（zugong worker）运行；错过的（如关机）开机后补运行一次"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次就退出")
        parser.add_argument("--interval", type=float, default=30, help="检查间隔（秒），默认 30")

    def handle(self, *args, once=False, interval=30, **opts):
        if not ScheduledTask.objects.unrestricted().exists():
            for domain, code, created in config.install(None, ["schedule"]):
                self.stdout.write(f"已安装定时任务：{code}")
        for task in ScheduledTask.objects.unrestricted().order_by("at", "order"):
            state = "启用" if task.enabled else "停用"
            missing = "（任务类型未登记，将跳过）" if schedule.runner_missing(task) else ""
            self.stdout.write(f"定时任务 {task.at:%H:%M} {task.title}：{state}{missing}")
        while True:
            close_old_connections()
            try:
                for job in jobs.reap():  # jobs whose worker died: failed, retryable
                    self.stdout.write(f"任务 {job.pk}（{job.title}）：{jobs.INTERRUPTED}")
                for run in schedule.tick():
                    self.stdout.write(f"{run.due_at:%Y-%m-%d %H:%M} {run.task.title}：{run.get_status_display()}")
            except Exception as exc:  # a database hiccup must not end the loop
                self.stderr.write(f"定时任务检查出错：{exc}")
                if once:
                    raise
            if once:
                return
            time.sleep(interval)

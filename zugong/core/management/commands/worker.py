"""`zugong worker [db_worker options]`: the background task worker (django-tasks-db's `db_worker`), which first
marks failed the jobs a previous worker left running when it died (`core.jobs.reap`, retryable by their owner).

`make run` starts it beside `zugong scheduler` (which reaps every 30 s too); the options are `db_worker`'s
(`--interval 1`, `--batch`, `--max-tasks N` …).
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from zugong.core import jobs


class Command(DbWorkerCommand):
    help = "后台任务进程：运行导入、导出、规则检查等任务；启动时先把进程中断而遗留为“进行中”的任务标为失败（可重试）"

    def handle(self, *args, **options):
        for job in jobs.reap():
            self.stdout.write(f"任务 {job.pk}（{job.title}）：{jobs.INTERRUPTED}")
        return super().handle(*args, **options)

"""`zugong calendar sync`: refill the working-day calendar from the chinese-calendar package."""

from django.core.management.base import BaseCommand

from zugong.core import workdays


class Command(BaseCommand):
    help = "工作日历：sync 按 chinese-calendar 包更新法定节假日和调休上班日"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync", "show"])

    def handle(self, *args, **opts):
        if opts["action"] == "sync":
            n = workdays.sync()
            self.stdout.write(f"已写入 {n} 天，日历覆盖至 {workdays.covered_until():%Y-%m-%d}。")
        else:
            until = workdays.covered_until()
            self.stdout.write(f"日历覆盖至 {until:%Y-%m-%d}。" if until else "工作日历为空，请运行 zugong calendar sync。")

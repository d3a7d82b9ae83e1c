"""`zugong reminders [--user 用户名 …]`: build and send the reminders now (the nightly job does the same)."""

from django.core.management.base import BaseCommand, CommandError

from zugong.accounts.models import User
from zugong.notifications import services


class Command(BaseCommand):
    help = "生成并发送提醒（期限临近、逾期、新发现的问题）：所有有管辖范围的在用账号，或 --user 指定的账号"

    def add_arguments(self, parser):
        parser.add_argument("--user", action="append", default=[], help="只为这个用户名生成（可重复）")

    def handle(self, *args, **opts):
        users = None
        if opts["user"]:
            users = list(User.objects.filter(username__in=opts["user"], is_active=True))
            missing = set(opts["user"]) - {u.username for u in users}
            if missing:
                raise CommandError("没有这些在用账号：" + "、".join(sorted(missing)))
        run = services.run(users)
        self.stdout.write(run.message)

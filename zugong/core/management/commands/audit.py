"""`zugong audit verify`: check the audit log's hash chain; exit non-zero at the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from zugong.core import audit


class Command(BaseCommand):
    help = "操作日志工具：verify 校验哈希链是否完整"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        checked, broken = audit.verify()
        if broken:
            raise CommandError(
                f"操作日志校验失败：第一条异常记录 ID {broken.entry_id}，{broken.reason}（此前 {checked} 条完好）"
            )
        self.stdout.write(f"操作日志完好：共校验 {checked} 条记录，哈希链完整。")

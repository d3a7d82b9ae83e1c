"""`zugong restore IN`: restore a `zugong backup` archive into an empty database, then `zugong audit verify`."""

from django.core.management.base import BaseCommand, CommandError

from zugong.core import backup


class Command(BaseCommand):
    help = "恢复：把 zugong backup 生成的备份文件恢复到空数据库（同类数据库），然后校验操作日志"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件路径")

    def handle(self, *args, archive, **options):
        try:
            r = backup.restore(archive)
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"恢复完成：{r.tables} 张表 {r.rows} 行，行数与备份一致；附件 {r.files} 个"
            f"{'，密钥 %d 个' % r.keys if r.keys else ''}{'，操作日志锚点已放回' if r.anchor else ''}。")
        if not r.audit_ok:
            raise CommandError(f"数据已恢复，但操作日志校验未通过：{r.audit_message}")
        self.stdout.write(r.audit_message)

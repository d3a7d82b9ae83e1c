"""`zugong backup OUT [--with-keys]`: one owner-only archive of the database, media and audit anchor."""

from django.core.management.base import BaseCommand, CommandError

from zugong.core import backup


class Command(BaseCommand):
    help = "备份：数据库一致性快照（SQLite 在线备份 / PostgreSQL pg_dump）、附件文件和操作日志锚点，写入一个备份文件"

    def add_arguments(self, parser):
        parser.add_argument("out", help="备份文件路径（如 /backup/zugong-20261206.tar.gz），不得已存在")
        parser.add_argument("--with-keys", action="store_true",
                            help="同时备份密钥（var/keys）。默认不含密钥：密钥应另行离线保管")

    def handle(self, *args, out, with_keys=False, **options):
        try:
            r = backup.backup(out, with_keys=with_keys)
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"备份完成：{r.path}（{'SQLite' if r.engine == 'sqlite' else 'PostgreSQL'}，{r.tables} 张表 {r.rows} 行，"
            f"附件 {r.files} 个，{'含' if r.anchor else '无'}操作日志锚点，{'含密钥' if r.keys else '不含密钥'}；"
            "文件仅所有者可读）")
        if not r.keys:
            self.stdout.write("提示：备份不含密钥。请另行离线保管 var/keys 目录（或 ZUGONG_KEY_* 环境变量），"
                              "恢复时先放回密钥，否则加密数据无法读取、操作日志无法校验。")

"""`zugong pii rotate` / `zugong pii rekey`: personal-data keys (`core.pii`).

rotate: a new current encryption key and index key (`keys.rotate("pii")`, `keys.rotate("pii-index")`), then
rekey. rekey: rewrite every encrypted column and keyed hash with the current keys (the old keys stay in the
key directory: backups written before still read)."""

from django.core.management.base import BaseCommand

from zugong.core import audit, keys, pii


class Command(BaseCommand):
    help = "个人信息密钥：rotate 更换加密密钥和索引密钥并重新加密；rekey 按当前密钥重新加密全部身份证号和电话"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate", "rekey"])

    def handle(self, *args, action, **options):
        if action == "rotate":
            for name in (pii.KEY, pii.INDEX_KEY):
                self.stdout.write(f"密钥 {name} 已更换为第 {keys.rotate(name)} 版")
        counts = pii.rekey(log=self.stdout.write)
        with audit.acting_as(name="系统（个人信息密钥命令）"):  # a security event in the audit chain
            audit.security_event(
                "更换个人信息密钥" if action == "rotate" else "重新加密个人信息", target="个人信息密钥",
                note="；".join(f"{label}：{n} 条" for label, n in counts.items()) or "没有需要重新加密的记录",
                changes=[audit.change("版本", f"{pii.KEY} 第 {keys.current(pii.KEY)[0]} 版")])
        self.stdout.write(f"重新加密完成：共 {sum(counts.values())} 条记录")

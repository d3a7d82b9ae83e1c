"""`zugong defaults install [--domain D …] [--org CODE] [--reset]`: install the default configuration of every
domain (or of the named ones) for the subtree of `--org` (default: the root organization).
`zugong defaults list`: the domains with defaults.

Each app registers its installer in its `defaults.py` (`zugong.core.config.installer`). Installing is
idempotent: rows already present keep a department's own numbers; `--reset` puts the defaults back.
"""

from django.core.management.base import BaseCommand, CommandError

from zugong.core import config


def organization(code: str | None):
    """The organization of `--org`, or the root organization."""
    from zugong.orgs.models import Organization

    qs = Organization.objects.unrestricted()
    if code:
        org = qs.filter(code=code).first()
        if org is None:
            raise CommandError(f"组织代码 {code} 不存在")
        return org
    org = qs.filter(depth=1).order_by("path").first()
    if org is None:
        raise CommandError("还没有党组织，请先建立组织体系（例如 zugong seed）")
    return org


def report(write, org, rows, reset: bool) -> None:
    for domain, code, created in rows:
        state = "已安装" if created else ("已恢复默认值" if reset else "已存在，未改动")
        write(f"[{domain}] {code}：{state}（适用于 {org.name}）")


class Command(BaseCommand):
    help = "默认设定：install 安装各业务的默认设定（本地规则、选派项目、班子配备要求、评分标准、认定标准）；list 列出可安装的业务"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["install", "list"])
        parser.add_argument("--domain", action="append", help="只安装该业务的默认设定（可重复；默认全部）")
        parser.add_argument("--org", help="适用范围的组织代码（默认：根组织）")
        parser.add_argument("--reset", action="store_true", help="已有的默认设定也恢复为默认值")

    def handle(self, *args, action, **opts):
        if action == "list":
            for item in config.installers():
                self.stdout.write(f"{item.domain}\t{item.label}")
            return
        org = organization(opts["org"])
        try:
            rows = config.install(org, opts["domain"], reset=opts["reset"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        report(self.stdout.write, org, rows, opts["reset"])

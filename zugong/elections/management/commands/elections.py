"""`zugong elections local-rules [--org CODE] [--reset]`: install the reminder before a term ends.
(Elections for a province-scale benchmark database: `zugong demo elections`.)

The lead time of the reminder is local practice (when to send the 换届请示 is not fixed nationally:
regulations.md §3), so it is a `core.LocalRule` row a department may change without code: default 6 months,
for the subtree of `--org` (default: the root). Existing rows are left as they are unless --reset.
"""

from django.core.management.base import BaseCommand, CommandError

from zugong.core.models import LocalRule
from zugong.orgs.models import Organization

from ...rules import DEFAULT_REMINDER_MONTHS

DEFAULTS = [
    {
        "code": "elections.local.term_reminder",
        "template": "term_reminder",
        "title": f"任期届满前 {DEFAULT_REMINDER_MONTHS} 个月提醒换届",
        "params": {"months": DEFAULT_REMINDER_MONTHS},
        "severity": "reminder",
        "regulation": "本地工作安排（换届请示提前量，各地自定）",
        "article": "",
    },
]


def install(organization: Organization, reset: bool = False) -> list[tuple[str, bool]]:
    out = []
    for default in DEFAULTS:
        values = {k: v for k, v in default.items() if k != "code"} | {"organization": organization, "active": True}
        if reset:
            _row, created = LocalRule.objects.update_or_create(code=default["code"], defaults=values)
        else:
            _row, created = LocalRule.objects.get_or_create(code=default["code"], defaults=values)
        out.append((default["code"], created))
    return out


class Command(BaseCommand):
    help = "换届选举：local-rules 安装默认的本地规则（任期届满前提醒换届的提前量）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["local-rules"])
        parser.add_argument("--org", help="适用范围的组织代码（默认：根组织）")
        parser.add_argument("--reset", action="store_true", help="已有的同名规则也恢复为默认值")

    def handle(self, *args, **opts):
        if opts["org"]:
            org = Organization.objects.unrestricted().filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码 {opts['org']} 不存在")
        else:
            org = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
            if org is None:
                raise CommandError("还没有党组织，请先建立组织体系（例如 zugong seed）")
        for code, created in install(org, opts["reset"]):
            state = "已安装" if created else ("已恢复默认值" if opts["reset"] else "已存在，未改动")
            self.stdout.write(f"{code}：{state}（适用于 {org.name}）")

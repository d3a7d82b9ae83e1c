"""`zugong branchlife compliance`: the compliance table (the default local rules of organizational life:
`zugong defaults install --domain branchlife`; the province-scale meetings for the benchmark: `zugong demo meetings`).

    zugong branchlife compliance [--org 代码] [--as-of 2026-06-30]   # rebuild ComplianceStat (set-based)
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from zugong.orgs.models import Organization

def _org(code):
    if code:
        org = Organization.objects.unrestricted().filter(code=code).first()
        if org is None:
            raise CommandError(f"组织代码 {code} 不存在")
        return org
    org = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    if org is None:
        raise CommandError("还没有党组织，请先建立组织体系（例如 zugong seed）")
    return org


class Command(BaseCommand):
    help = "组织生活：compliance 重算落实情况统计"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compliance"])
        parser.add_argument("--org", help="组织代码（默认：根组织）")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="按某日计算（默认今天）")

    def log(self, text):
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, action, **opts):
        if action == "compliance":
            from zugong.branchlife import compliance

            path = _org(opts["org"]).path if opts["org"] else ""
            started = time.perf_counter()
            n = compliance.refresh(path, opts["as_of"], log=self.log)
            self.log(f"组织生活落实情况：写入 {n:,} 行，用时 {time.perf_counter() - started:.1f} 秒")

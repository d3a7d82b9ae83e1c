"""`zugong branchlife compliance|seed-meetings`: the compliance table and the province-scale meetings for the
benchmark (the default local rules of organizational life: `zugong defaults install --domain branchlife`).

    zugong branchlife compliance [--org 代码] [--as-of 2026-06-30]   # rebuild ComplianceStat (set-based)
    zugong branchlife seed-meetings [--seed 1] [--if-empty]           # a year and a half of meetings (bench)
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

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
    help = "组织生活：compliance 重算落实情况统计；seed-meetings 生成组织生活记录（性能测试）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compliance", "seed-meetings"])
        parser.add_argument("--org", help="组织代码（默认：根组织）")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="按某日计算（默认今天）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true", help="seed-meetings：已有组织生活记录时什么也不做")

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
        else:
            self.seed_meetings(opts)

    def seed_meetings(self, opts):
        from zugong.branchlife.defaults import install
        from zugong.branchlife.models import Meeting
        from zugong.demo import meetings
        from zugong.demo.loader import SeedError

        if Meeting.objects.unrestricted().exists():
            if opts["if_empty"]:
                self.log("已有组织生活记录，跳过。")
                return
            raise CommandError("已有组织生活记录；seed-meetings 只在没有记录时运行")
        started = time.perf_counter()
        disabled = connection.disable_constraint_checking()
        try:
            with transaction.atomic():
                counts = meetings.seed_meetings(opts["seed"], log=self.log, appraisals=False, minutes=False,
                                                fast_indexes=True)
                install(_org(None))
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if disabled:
                connection.enable_constraint_checking()
        meetings.analyze()
        self.log(f"TOTAL meetings={counts['meetings']} absences={counts['absences']} "
                 f"study_records={counts['study']} seconds={time.perf_counter() - started:.1f}")

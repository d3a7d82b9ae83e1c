"""`zugong demo meetings|elections|cadres`: add one domain's demonstration data to a database already seeded
(by `zugong seed`); each step does nothing when its data is present. bench/seed_bench.py runs them on the
province-scale database; `zugong seed --scale demo` seeds the same domains itself.

    zugong demo meetings [--seed 1] [--if-empty]    # a year and a half of organizational life (~4.5 M rows)
    … [--as-of 2026-06-30]                          # each: the day the data runs up to (default today; give
                                                    # the seed's own --as-of)
    zugong demo elections                           # elections of one organization in ten, postponements
    zugong demo cadres [--staff-share 0.68]         # cadre records (province scale: ~300 thousand cadres)
    zugong demo service --items 1000000             # 我为群众办实事 items over the seeded tree (bench/service_bench.py)
    zugong demo talent                              # talent programmes: 三晋英才, editions, experts, the pool
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from zugong.demo.management.commands.seed import add_as_of_argument
from zugong.orgs.models import Organization


def _root():
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    if root is None:
        raise CommandError("还没有党组织，请先建立组织体系（例如 zugong seed）")
    return root


class Command(BaseCommand):
    help = ("演示数据：meetings 组织生活记录；elections 选举记录；cadres 干部信息；service 办实事事项"
            "；talent 人才工程（在已生成的数据上补充，已有则跳过）")
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("meetings", help="为已有的党组织和党员生成一年半的组织生活记录（省级性能测试用）")
        s.add_argument("--seed", type=int, default=1)
        s.add_argument("--if-empty", action="store_true", help="已有组织生活记录时什么也不做")
        add_as_of_argument(s)
        s = sub.add_parser("elections", help="补充十分之一组织的选举记录和经批准的延期换届（已有选举记录时跳过）")
        add_as_of_argument(s)
        s = sub.add_parser("cadres", help="为已生成的演示/基准数据生成干部信息（已有则跳过）")
        s.add_argument("--seed", type=int, default=1)
        add_as_of_argument(s)
        s.add_argument("--staff-share", type=float, default=0.12,
                       help="机关一般工作人员中建立干部信息的比例（默认 0.12；全省基准数据 0.68）")
        s = sub.add_parser("service", help="在已有组织体系上批量生成办实事事项（性能测试用）")
        s.add_argument("--items", type=int, default=1_000_000, help="事项数（默认 1000000）")
        s.add_argument("--seed", type=int, default=1)
        s.add_argument("--if-empty", action="store_true", help="已有办实事事项时什么也不做")
        add_as_of_argument(s)
        s = sub.add_parser("talent", help="生成人才工程演示数据：人才项目、批次、申报、评审专家、人才库（已有则跳过）")
        s.add_argument("--seed", type=int, default=1)
        add_as_of_argument(s)

    def log(self, text):
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, action, **opts):
        getattr(self, action)(opts)

    def meetings(self, opts):
        from zugong.branchlife.defaults import install
        from zugong.branchlife.models import Meeting
        from zugong.demo import meetings
        from zugong.demo.loader import SeedError

        if Meeting.objects.unrestricted().exists():
            if opts["if_empty"]:
                self.log("已有组织生活记录，跳过。")
                return
            raise CommandError("已有组织生活记录；demo meetings 只在没有记录时运行")
        started = time.perf_counter()
        disabled = connection.disable_constraint_checking()
        try:
            with transaction.atomic():
                counts = meetings.seed_meetings(opts["seed"], reference_date=opts["as_of"], log=self.log,
                                                appraisals=False, minutes=False,
                                                fast_indexes=True)
                install(_root())
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if disabled:
                connection.enable_constraint_checking()
        meetings.analyze()
        self.log(f"TOTAL meetings={counts['meetings']} absences={counts['absences']} "
                 f"study_records={counts['study']} seconds={time.perf_counter() - started:.1f}")

    def elections(self, opts):
        from zugong.demo.elections import seed_elections
        from zugong.elections.defaults import install
        from zugong.elections.models import Election, TermAdjustment

        if Election.objects.unrestricted().exists() or TermAdjustment.objects.unrestricted().exists():
            self.log("elections: 已有选举记录，跳过")
            return
        root = _root()
        with transaction.atomic():
            counts = seed_elections(1, reference=opts["as_of"], log=self.log, rate=0.1)
            install(root)
        self.log(f"elections: {counts}")

    def cadres(self, opts):
        from zugong.demo.cadres import seed_if_missing

        started = time.perf_counter()
        counts = seed_if_missing(opts["seed"], opts["staff_share"], log=self.log, as_of=opts["as_of"])
        if counts:
            self.log(f"干部信息已生成：{counts.get('cadres_cadre', 0):,} 名干部，"
                     f"用时 {time.perf_counter() - started:.1f} 秒")

    def service(self, opts):
        from django.utils import timezone

        from zugong.demo.service_bench import seed_items
        from zugong.service.models import ServiceTask

        existing = ServiceTask.objects.unrestricted().count()
        if existing and opts["if_empty"]:
            self.log(f"已有 {existing:,} 件办实事事项，跳过。")
            return
        if opts["items"] < 1:
            raise CommandError("--items 应为正整数")
        try:
            with transaction.atomic():
                counts = seed_items(opts["items"], opts["as_of"] or timezone.localdate(), seed=opts["seed"],
                                    log=self.log)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with connection.cursor() as cur:  # planner statistics (and PostgreSQL's visibility map) after the commit
            cur.execute("VACUUM ANALYZE service_servicetask" if connection.vendor == "postgresql"
                        and not connection.in_atomic_block else "ANALYZE service_servicetask")
        self.log("TOTAL " + " ".join(f"{k}={v}" for k, v in counts.items()))

    def talent(self, opts):
        from django.utils import timezone

        from zugong.demo.talent import seed_talent

        with transaction.atomic():
            counts = seed_talent(opts["seed"], opts["as_of"] or timezone.localdate(), root=_root(), log=self.log)
        if not counts:
            self.log("talent: 已有人才项目，跳过")
            return
        self.log("TOTAL " + " ".join(f"{k}={v}" for k, v in counts.items()))

"""`zugong cadres seed`: add cadre records to a seeded database (skipped when cadres exist).

    zugong cadres seed                       # staff share 0.12 (demo)
    zugong cadres seed --staff-share 0.68    # province scale: ~300 thousand cadres (bench/seed_bench.py)
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "干部信息：seed 生成干部数据（已有干部时跳过）"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("seed", help="为已生成的演示/基准数据生成干部信息（已有则跳过）")
        s.add_argument("--seed", type=int, default=1)
        s.add_argument("--staff-share", type=float, default=0.12,
                       help="机关一般工作人员中建立干部信息的比例（默认 0.12；全省基准数据 0.68）")

    def handle(self, *args, action, **opts):
        from zugong.cadres.seed import seed_if_missing

        started = time.perf_counter()
        counts = seed_if_missing(opts["seed"], opts["staff_share"], log=lambda s: self.stdout.write(s))
        if counts:
            self.stdout.write(f"干部信息已生成：{counts.get('cadres_cadre', 0):,} 名干部，"
                              f"用时 {time.perf_counter() - started:.1f} 秒")

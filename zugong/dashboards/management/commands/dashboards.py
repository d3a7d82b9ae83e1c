"""`zugong dashboards refresh [--as-of 2026-03-01] [--metric term ...]`: rebuild the dashboard roll-ups."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ... import rollups


class Command(BaseCommand):
    help = "组织工作看板：refresh 重新计算各级组织的汇总数据（换届、组织生活、标准化、软弱涣散整顿）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument("--as-of", help="统计截止日期，默认今天，例如 2026-03-01")
        parser.add_argument("--metric", action="append", choices=sorted(rollups.METRICS), help="只计算某项指标")

    def handle(self, *args, **opts):
        try:
            as_of = dt.date.fromisoformat(opts["as_of"]) if opts["as_of"] else None
        except ValueError as exc:
            raise CommandError("--as-of 应写作 2026-03-01") from exc
        run = rollups.refresh(as_of, opts["metric"])
        for code, n in run.rows.items():
            self.stdout.write(f"{rollups.title_of(code)}（{code}）：{n:,} 行")
        skipped = [m.title for c, m in rollups.METRICS.items() if c not in run.rows and (not opts["metric"] or c in opts["metric"])]
        if skipped:
            self.stdout.write(f"未计算（数据表尚不存在）：{'、'.join(skipped)}")
        self.stdout.write(f"截至 {run.as_of:%Y-%m-%d}，用时 {run.seconds:.1f} 秒")

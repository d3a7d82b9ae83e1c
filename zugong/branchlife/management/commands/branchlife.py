"""`zugong branchlife compliance|local-rules`: the compliance table and the default local rules of
organizational life (the province-scale meetings for the benchmark: `zugong demo meetings`).

    zugong branchlife compliance [--org 代码] [--as-of 2026-06-30]   # rebuild ComplianceStat (set-based)
    zugong branchlife local-rules [--org 代码] [--reset]              # 党课每季度至少一次 (a local rule)
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from zugong.core.models import LocalRule
from zugong.orgs.models import Organization

DEFAULTS = [
    {
        "code": "branchlife.local.lecture_quarterly",
        "template": "meeting_frequency",
        "title": "党课每季度至少一次",
        "params": {"kind": "lecture", "period": "quarter"},
        "severity": "warning",
        # A common local rule (regulations.md §2: not in the 支部工作条例 text); name the local document here.
        "regulation": "本地“三会一课”制度（地方做法，依据文件待填）",
        "article": "",
    },
]


def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    out = []
    for default in DEFAULTS:
        values = {k: v for k, v in default.items() if k != "code"} | {"organization": organization, "active": True}
        if reset:
            _row, created = LocalRule.objects.update_or_create(code=default["code"], defaults=values)
        else:
            _row, created = LocalRule.objects.get_or_create(code=default["code"], defaults=values)
        out.append((default["code"], created))
    return out


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
    help = "组织生活：compliance 重算落实情况统计；local-rules 安装默认本地规则"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compliance", "local-rules"])
        parser.add_argument("--org", help="组织代码（默认：根组织）")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="按某日计算（默认今天）")
        parser.add_argument("--reset", action="store_true", help="local-rules：已有的同名规则也恢复为默认值")

    def log(self, text):
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, action, **opts):
        if action == "local-rules":
            org = _org(opts["org"])
            for code, created in install(org, opts["reset"]):
                state = "已安装" if created else ("已恢复默认值" if opts["reset"] else "已存在，未改动")
                self.log(f"{code}：{state}（适用于 {org.name}）")
        else:
            from zugong.branchlife import compliance

            path = _org(opts["org"]).path if opts["org"] else ""
            started = time.perf_counter()
            n = compliance.refresh(path, opts["as_of"], log=self.log)
            self.log(f"组织生活落实情况：写入 {n:,} 行，用时 {time.perf_counter() - started:.1f} 秒")

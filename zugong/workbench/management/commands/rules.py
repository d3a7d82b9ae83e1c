"""`zugong rules scan [--org CODE] [--as-of YYYY-MM-DD]`: run every rule over a subtree and update findings."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from zugong.core import rules


class Command(BaseCommand):
    help = "规则检查：scan 对一个组织子树按某日运行全部规则，新增并消除问题预警；list 列出规则目录"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["scan", "list"])
        parser.add_argument("--org", help="组织代码（默认全部）")
        parser.add_argument("--as-of", help="检查基准日 YYYY-MM-DD（默认今天），用于复现某日的检查结果")
        parser.add_argument("--rule", action="append", help="只运行指定规则代码（可多次）")

    def handle(self, *args, **opts):
        from zugong.orgs.models import Organization

        if opts["action"] == "list":
            for rule in rules.all_rules():
                self.stdout.write(f"{rule.code}\t{rules.SEVERITY_LABELS[rule.severity]}\t{rule.title}\t{rule.citation}")
            return
        path = ""
        if opts["org"]:
            org = Organization.objects.unrestricted().filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码 {opts['org']} 不存在")
            path = org.path
        try:
            as_of = dt.date.fromisoformat(opts["as_of"]) if opts["as_of"] else None
        except ValueError:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD，实为 {opts['as_of']}") from None
        selected = rules.all_rules()
        if opts["rule"]:
            unknown = set(opts["rule"]) - {r.code for r in selected}
            if unknown:
                raise CommandError(f"没有这些规则：{'、'.join(sorted(unknown))}")
            selected = [r for r in selected if r.code in opts["rule"]]
        result = rules.scan(path, as_of, selected)
        for code, n in sorted(result.per_rule.items()):
            self.stdout.write(f"{code}\t{n}")
        self.stdout.write(
            f"检查基准日 {result.as_of:%Y-%m-%d}：规则 {len(selected)} 条，新增问题 {result.opened} 个，"
            f"消除 {result.resolved} 个，现存 {result.still_open} 个。"
        )

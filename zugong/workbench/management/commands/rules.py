"""`zugong rules scan [--org CODE] [--as-of YYYY-MM-DD]`: run every rule over a subtree and update findings.
`zugong rules list`: the catalogue (code, severity, title, citation). `zugong rules facts`: which facts of
regulations.md the rules encode (docs/rules-coverage.md), and the counts."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from zugong.core import rules


class Command(BaseCommand):
    help = ("规则检查：scan 对一个组织子树按某日运行全部规则，新增并消除问题预警；list 列出规则目录（代码、级别、名称、依据）；"
            "facts 列出各项规定事项由哪些规则检查及覆盖数")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["scan", "list", "facts"])
        parser.add_argument("--org", help="组织代码（默认全部）")
        parser.add_argument("--as-of", help="检查基准日 YYYY-MM-DD（默认今天），用于复现某日的检查结果")
        parser.add_argument("--rule", action="append", help="只运行指定规则代码（可多次）")

    def handle(self, *args, **opts):
        from zugong.orgs.models import Organization

        if opts["action"] == "list":
            return self.catalogue(rules.all_rules())
        if opts["action"] == "facts":
            return self.facts(rules.all_rules())
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

    def catalogue(self, selected):
        """One block per rule: code and severity, then its title and the citation of each edition (with the
        day it took effect when there are several), indented."""
        for rule in selected:
            self.stdout.write(f"{rule.code}  [{rules.SEVERITY_LABELS[rule.severity]}]")
            self.stdout.write(f"    {rule.title}")
            seen = set()
            for edition in rule.editions:
                if edition.citation in seen:
                    continue
                seen.add(edition.citation)
                since, day = "", edition.effective_from
                if day and len(rule.editions) > 1:
                    since = f"（{day.year}年{day.month}月{day.day}日起）"
                self.stdout.write(f"    依据：{edition.citation}{since}")
        self.stdout.write(f"共 {len(selected)} 条规则。")

    def facts(self, selected):
        from zugong.core import coverage

        if not coverage.DOC.exists():
            raise CommandError(f"找不到 {coverage.DOC}（规定事项清单随源代码提供）")
        fact_map = coverage.facts()
        by_fact = coverage.coverage(selected, fact_map)
        for fid, fact in fact_map.items():
            codes = "、".join(by_fact[fid]) or "—"
            self.stdout.write(f"{fid}\t{coverage.STATUS_LABELS[fact.status]}\t{codes}\t{fact.text}")
        covered = sum(1 for codes in by_fact.values() if codes)
        in_code = [r for r in selected if r.code in rules.RULES]
        tagged = [r for r in selected if r.facts]
        regulation_rules = [r for r in selected if any(f in fact_map for f in r.facts)]
        by_status = {}
        for fid, fact in fact_map.items():
            total, done = by_status.get(fact.status, (0, 0))
            by_status[fact.status] = (total + 1, done + bool(by_fact[fid]))
        self.stdout.write("；".join(f"{coverage.STATUS_LABELS[status]} {t} 项（已覆盖 {d} 项）"
                                   for status, (t, d) in by_status.items()))
        self.stdout.write(
            f"规定事项 {len(fact_map)} 项，已有规则检查 {covered} 项，未覆盖 {len(fact_map) - covered} 项。"
            f"规则 {len(selected)} 条（代码中的 {len(in_code)} 条、本地规则设定 {len(selected) - len(in_code)} 条），"
            f"标注了所依据事项的 {len(tagged)} 条，其中依据上述规定事项的 {len(regulation_rules)} 条。"
        )

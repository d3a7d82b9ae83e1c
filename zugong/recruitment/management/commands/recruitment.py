"""`zugong recruitment local-rules [--org CODE]`: install the default local rules of recruitment.

Facts that are not (verified) national rules are local rules (`core.LocalRule` rows): numbers and a citation
an organization department may change without code. The defaults installed here come from the reported 2026
revision of the 细则 (regulations.md §1.4, unverified) and apply to the subtree of `--org` (default: every
root organization). Existing rows with the same code are left as they are, so a department's own numbers
survive a re-run; --reset puts the defaults back.
"""

from django.core.management.base import BaseCommand, CommandError

from zugong.core.models import LocalRule
from zugong.orgs.models import Organization

from ...rules import DETAILS, EDITION_2026, IN_FORCE_2026

DEFAULTS = [
    {
        "code": "recruitment.local.candidate_publicity",
        "template": "publicity_working_days",
        "title": "确定发展对象前公示不少于5个工作日",
        "params": {"days": 5, "stage": "candidate"},
        "severity": "warning",
        "regulation": f"{DETAILS}（{EDITION_2026}）",
        "article": "第十三条",
        "effective_from": IN_FORCE_2026,
    },
    {
        "code": "recruitment.local.meeting_after_prereview",
        "template": "step_within_months",
        "title": "上级党委预审后一个月内召开支部大会讨论接收",
        "params": {"from": "prereview_on", "to": "branch_meeting_on", "months": 1},
        "severity": "warning",
        "regulation": f"{DETAILS}（{EDITION_2026}）",
        "article": "第十九条",
        "effective_from": IN_FORCE_2026,
    },
]


def install(organization: Organization, reset: bool = False) -> list[tuple[str, bool]]:
    """Create (or with `reset`, restore) the default local rules for an organization's subtree."""
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
    help = "发展党员：local-rules 安装默认的本地规则（公示工作日数、预审后召开支部大会的期限）"

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


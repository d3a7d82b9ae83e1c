"""The default local rules of recruitment (`zugong defaults install --domain recruitment`).

Facts that are not (verified) national rules are local rules (`core.LocalRule` rows): numbers and a citation
an organization department may change without code. The defaults come from the reported 2026 revision of the
细则 (regulations.md §1.4, unverified) and apply to the subtree of the organization they are installed for.
"""

from zugong.core import config
from zugong.core.models import LocalRule

from .rules import DETAILS, EDITION_2026, IN_FORCE_2026

DEFAULTS = [
    {
        "code": "recruitment.local.candidate_publicity",
        "template": "publicity_working_days",
        "title": "确定发展对象前公示不少于5个工作日",
        "params": {"days": 5, "stage": "candidate"},
        "severity": "warning",
        "regulation": f"{DETAILS}（{EDITION_2026}）",
        "article": config.UNVERIFIED_ARTICLE,  # reported as 第十三条 (regulations.md A22)
        "effective_from": IN_FORCE_2026,
    },
    {
        "code": "recruitment.local.meeting_after_prereview",
        "template": "step_within_months",
        "title": "上级党委预审后一个月内召开支部大会讨论接收",
        "params": {"from": "prereview_on", "to": "branch_meeting_on", "months": 1},
        "severity": "warning",
        "regulation": f"{DETAILS}（{EDITION_2026}）",
        "article": config.UNVERIFIED_ARTICLE,  # reported as 第十九条 (regulations.md §1.4)
        "effective_from": IN_FORCE_2026,
    },
]


@config.installer("recruitment", "发展党员的本地规则（发展对象公示工作日数、预审后召开支部大会的期限）", order=10)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    """Create (or with `reset`, restore) the default local rules for an organization's subtree."""
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

"""The default local rules of recruitment (`zugong defaults install --domain recruitment`).

Facts that are not (verified) national rules are local rules (`core.LocalRule` rows): numbers and a citation
an organization department may change without code. The publicity and the pre-review lead time come from the
reported 2026 revision of the 细则 (regulations.md §1.4, unverified: 条款号待核); the lead time of the
conversion meeting is local practice (the 细则 says only 及时: a warning after one month, an error after three).
They apply to the subtree of the organization they are installed for.
"""

from zugong.core import config
from zugong.core.config import UNVERIFIED_ARTICLE
from zugong.core.models import LocalRule

from .rules import DETAILS, EDITION_2026, IN_FORCE_2014, IN_FORCE_2026

CONVERSION_PRACTICE = "本地工作安排（细则规定预备期满后及时讨论转正，期限各地自定）"

DEFAULTS = [
    {
        "code": "recruitment.local.candidate_publicity",
        "template": "publicity_working_days",
        "title": "确定发展对象前公示不少于5个工作日",
        "params": {"days": 5, "stage": "candidate"},
        "severity": "warning",
        "regulation": f"{DETAILS}（{EDITION_2026}）",
        "article": UNVERIFIED_ARTICLE,
        "effective_from": IN_FORCE_2026,
    },
    {
        "code": "recruitment.local.meeting_after_prereview",
        "template": "step_within_months",
        "title": "上级党委预审后一个月内召开支部大会讨论接收",
        "params": {"from": "prereview_on", "to": "branch_meeting_on", "months": 1},
        "severity": "warning",
        "regulation": f"{DETAILS}（{EDITION_2026}）",
        "article": UNVERIFIED_ARTICLE,
        "effective_from": IN_FORCE_2026,
    },
    {
        "code": "recruitment.local.conversion_late",
        "template": "conversion_lead_time",
        "title": "预备期满超过一个月未讨论转正",
        "params": {"months": 1, "until": 3},
        "severity": "warning",
        "regulation": CONVERSION_PRACTICE,
        "article": "",
        "effective_from": IN_FORCE_2014,
    },
    {
        "code": "recruitment.local.conversion_overdue",
        "template": "conversion_lead_time",
        "title": "预备期满超过三个月未讨论转正",
        "params": {"months": 3, "until": 0},
        "severity": "error",
        "regulation": CONVERSION_PRACTICE,
        "article": "",
        "effective_from": IN_FORCE_2014,
    },
]


@config.installer("recruitment", "发展党员的本地规则（发展对象公示工作日数、预审后召开支部大会的期限、"
                                 "预备期满后讨论转正的期限）", order=10)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    """Create (or with `reset`, restore) the default local rules for an organization's subtree."""
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

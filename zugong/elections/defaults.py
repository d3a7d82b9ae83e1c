"""The reminder before a term ends (`zugong defaults install --domain elections`).

The lead time of the reminder is local practice (when to send the 换届请示 is not fixed nationally:
regulations.md §3), so it is a `core.LocalRule` row a department may change without code: default 6 months.
"""

from zugong.core import config
from zugong.core.models import LocalRule

from .rules import DEFAULT_REMINDER_MONTHS

DEFAULTS = [
    {
        "code": "elections.local.term_reminder",
        "template": "term_reminder",
        "title": f"任期届满前 {DEFAULT_REMINDER_MONTHS} 个月提醒换届",
        "params": {"months": DEFAULT_REMINDER_MONTHS},
        "severity": "reminder",
        "regulation": "本地工作安排（换届请示提前量，各地自定）",
        "article": "",
    },
]


@config.installer("elections", "换届的本地规则（任期届满前提醒换届的提前量）", order=30)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

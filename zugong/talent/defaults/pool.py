"""Talent default configuration: the pool's local rules (`zugong defaults install --domain talent-pool`).

The numbers are local practice (practice.md §4 gives none nationally): an instalment unpaid 30 days after it
fell due, and last year's annual review missing at the end of March. Each department replaces them, and the
document, with its own programme's management rules."""

from zugong.core import config
from zugong.core.models import LocalRule
from zugong.core.rules import UNVERIFIED_ARTICLE

from ..rules.pool import OVERDUE, REVIEW_MISSING

DOCUMENT = "人才支持计划管理办法（请改为本地文件名称）"
DEFAULTS = [
    {"code": OVERDUE, "template": OVERDUE, "title": "人才津贴到期超过 30 天未发放", "params": {"days": 30},
     "severity": "warning", "regulation": DOCUMENT, "article": UNVERIFIED_ARTICLE},
    {"code": REVIEW_MISSING, "template": REVIEW_MISSING, "title": "一季度结束后人才上一年度考核未完成",
     "params": {"month": 3}, "severity": "warning", "regulation": DOCUMENT, "article": UNVERIFIED_ARTICLE},
]


@config.installer("talent-pool", "人才工程：人才库（津贴到期未发放、年度考核未完成）", order=96)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

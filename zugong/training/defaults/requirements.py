"""Training default configuration: the training requirements (培训要求) as local rule rows
(`zugong defaults install --domain training-requirements`).

An edition is a row: when a new 规划 changes a number, a department issues a new row (its own code, the new
`effective_from`) and gives the old one its `effective_to`; the evaluators take the row in force on the judged
period's last day.
"""

from zugong.core import config
from zugong.core.models import LocalRule
from zugong.core.rules import UNVERIFIED_ARTICLE

from .. import requirements_eval as ev

CADRE_REGULATION = "《干部教育培训工作条例》（2023年修订）"
PLAN = "《全国干部教育培训规划》"
MEMBER_PLAN = "《全国党员教育培训工作规划》（2019—2023年）"

DEFAULTS = [
    {
        "code": "training.cadre_cycle", "template": ev.CADRE_CYCLE,
        "title": "县处级以上领导干部每 5 年参加脱产或集中培训累计 3 个月或 550 学时以上",
        "params": {"years": 5, "hours": 550, "days": 90, "grace_months": 12, "levels": ["1", "2", "3"]},
        "severity": "warning", "regulation": CADRE_REGULATION, "article": UNVERIFIED_ARTICLE,
    },
    {
        "code": "training.cadre_year", "template": ev.CADRE_YEAR,
        "title": "乡科级领导干部和一级主任科员以下公务员每年参加脱产或集中培训累计 12 天或 90 学时以上",
        "params": {"hours": 90, "days": 12, "levels": ["4", "5"]},
        "severity": "warning", "regulation": CADRE_REGULATION, "article": UNVERIFIED_ARTICLE,
    },
    {
        "code": "training.online", "template": ev.ONLINE,
        "title": "干部每年参加网络培训不少于 50 学时",
        "params": {"hours": 50, "levels": ["1", "2", "3", "4", "5"]},
        "severity": "reminder", "regulation": PLAN, "article": UNVERIFIED_ARTICLE,
    },
    {
        "code": "training.committee", "template": ev.COMMITTEE,
        "title": "基层党组织书记和委员每年参加集中学习培训不少于 56 学时，至少参加 1 次集中培训",
        "params": {"hours": 56, "trainings": 1, "org_kinds": ["committee", "general_branch", "branch"]},
        "severity": "warning", "regulation": MEMBER_PLAN, "article": UNVERIFIED_ARTICLE,
    },
    {
        "code": "training.new_secretary", "template": ev.NEW_SECRETARY,
        "title": "新任基层党组织书记 6 个月内参加培训",
        "params": {"months": 6, "lookback_months": 24, "org_kinds": ["committee", "general_branch", "branch"]},
        "severity": "warning", "regulation": MEMBER_PLAN, "article": UNVERIFIED_ARTICLE,
    },
    {
        "code": "training.probationary", "template": ev.PROBATIONARY,
        "title": "预备党员在预备期内至少参加 1 次集中培训",
        "params": {"months": 12, "lookback_months": 12},
        "severity": "reminder", "regulation": MEMBER_PLAN, "article": UNVERIFIED_ARTICLE,
    },
]


@config.installer("training-requirements", "培训要求（干部 5 年和年度培训、网络培训、基层党组织书记和委员、新任书记、预备党员）",
                  order=40)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

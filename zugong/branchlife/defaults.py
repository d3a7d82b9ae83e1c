"""The default local rules of organizational life (`zugong defaults install --domain branchlife`)."""

from zugong.core import config
from zugong.core.models import LocalRule

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
    {
        # The 条例's lecture rule names 党委（党组）书记 (a national rule, branchlife.committee_secretary_lecture_yearly);
        # that the branch secretary lectures once a year is local practice.
        "code": "branchlife.local.secretary_lecture_yearly",
        "template": "secretary_lecture",
        "title": "党支部书记每年至少讲一次党课",
        "params": {"period": "year"},
        "severity": "warning",
        "regulation": "本地“三会一课”制度（地方做法，依据文件待填）",
        "article": "",
    },
]


@config.installer("branchlife", "组织生活的本地规则（党课每季度至少一次，党支部书记每年至少讲一次党课）", order=20)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

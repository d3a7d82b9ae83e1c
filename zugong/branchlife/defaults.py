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
]


@config.installer("branchlife", "组织生活的本地规则（党课每季度至少一次）", order=20)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

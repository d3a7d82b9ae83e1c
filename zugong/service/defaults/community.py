"""Service default configuration: 在职党员到社区报到 (`zugong defaults install --domain service-community`).

The numbers are local practice (practice.md §5 gives none nationally): a registered member who has not served
for 12 months is followed up by the branch; a registration the community leaves unconfirmed for 30 days is a
reminder to it. Each department replaces them, and the document, with its own.
"""

from zugong.core import config
from zugong.core.models import LocalRule
from zugong.core.rules import UNVERIFIED_ARTICLE

from ..rules.community import IDLE, UNCONFIRMED

DOCUMENT = "在职党员到社区报到管理办法（请改为本地文件名称）"
DEFAULTS = [
    {"code": IDLE, "template": IDLE, "title": "在职党员报到后连续 12 个月未参加社区服务",
     "params": {"months": 12}, "severity": "warning", "regulation": DOCUMENT, "article": UNVERIFIED_ARTICLE},
    {"code": UNCONFIRMED, "template": UNCONFIRMED, "title": "在职党员到社区报到超过 30 天社区党组织未确认",
     "params": {"days": 30}, "severity": "reminder", "regulation": DOCUMENT, "article": UNVERIFIED_ARTICLE},
]


@config.installer("service-community", "我为群众办实事：在职党员到社区报到（长期未服务、社区未确认）", order=92)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

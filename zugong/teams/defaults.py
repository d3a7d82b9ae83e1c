"""The default composition standards of leadership teams (`zugong defaults install --domain teams`): common
practice, marked as such in their document field, for each department to replace (see `standards`)."""

from zugong.core import config
from zugong.core.models import LocalRule

from .standards import COMPOSITION, DEFAULT_KINDS, DEFAULT_VACANCY_MONTHS, PRACTICE, VACANCY

DEFAULTS = [
    *({
        "code": f"teams.local.composition_level{level}",
        "template": COMPOSITION,
        "title": f"{name}党政领导班子至少配备1名女干部和1名{age}岁及以下的年轻干部",
        "params": {"level": level, "young_age": age, "women": 1, "young": 1, "kinds": DEFAULT_KINDS},
        "severity": "warning",
        "regulation": PRACTICE,
        "article": "",
    } for level, name, age in ((1, "省部级", 50), (2, "厅局级", 45), (3, "县处级", 40), (4, "乡科级", 35))),
    {
        "code": "teams.local.vacancy",
        "template": VACANCY,
        "title": f"班子职位空缺不超过{DEFAULT_VACANCY_MONTHS}个月",
        "params": {"months": DEFAULT_VACANCY_MONTHS},
        "severity": "warning",
        "regulation": PRACTICE,
        "article": "",
    },
]


@config.installer("teams", "领导班子配备要求（各层级女干部、年轻干部、职位空缺期限）", order=40)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    """Create (or with `reset`, restore) the default standards for an organization's subtree; rows already
    present keep the department's own numbers."""
    return config.install_rows(LocalRule, DEFAULTS, {"organization": organization, "active": True}, reset)

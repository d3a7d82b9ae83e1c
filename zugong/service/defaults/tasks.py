"""Service default configuration: urgency classes (立刻办 / 限期办 / 分期办) and categories.

practice.md §5 names the three classes but no national time limits; the shipped limits (立刻办 3 working days,
限期办 20, 分期办 60 with its phases planned inside) are starting values marked as such, which each department
replaces with its own document's numbers.
"""

from zugong.core import config

from ..models import TaskCategory, UrgencyClass

PRACTICE = "默认值（请改为本地文件规定的办结时限）"
URGENCY = [
    {"code": "immediate", "name": "立刻办", "limit_workdays": 3, "phased": False, "remind_workdays": 1, "order": 1},
    {"code": "limited", "name": "限期办", "limit_workdays": 20, "phased": False, "remind_workdays": 3, "order": 2},
    {"code": "phased", "name": "分期办", "limit_workdays": 60, "phased": True, "remind_workdays": 5, "order": 3},
]
CATEGORIES = [
    {"code": "livelihood", "name": "民生服务", "order": 1},
    {"code": "governance", "name": "基层治理", "order": 2},
    {"code": "rural", "name": "乡村振兴", "order": 3},
    {"code": "infrastructure", "name": "基础设施", "order": 4},
    {"code": "elderly", "name": "一老一小", "order": 5},
    {"code": "employment", "name": "就业创业", "order": 6},
    {"code": "environment", "name": "环境整治", "order": 7},
    {"code": "other", "name": "其他", "order": 9},
]


@config.installer("service-tasks", "我为群众办实事：紧急程度及默认办结时限、事项类别", order=90)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    fixed = {"organization": organization, "active": True}
    return (config.install_rows(UrgencyClass, [u | {"regulation": PRACTICE} for u in URGENCY], fixed, reset)
            + config.install_rows(TaskCategory, CATEGORIES, fixed, reset))

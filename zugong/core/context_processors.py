"""What every page's shell needs: the user's scope (the organizations they act for) and the sidebar."""

from . import scope
from .config.services import can_edit

NAV = [
    # (title, URL name — None while the domain is not built yet —, "manage" when only managers see it,
    # "root_admin" when only the administrators of a root organization do)
    ("首页", "home", ""),
    ("组织体系", "orgs:tree", ""),
    ("换届", "elections:terms", ""),
    ("人员", "people:list", ""),
    ("党员", "members:roster", ""),
    ("发展党员", "recruitment:list", ""),
    ("组织生活", "branchlife:list", ""),
    ("标准化建设", "standardization:scores", ""),
    ("软弱涣散整顿", "weakorgs:cases", ""),
    ("干部", "cadres:roster", ""),
    ("领导班子", "teams:list", ""),
    ("任免审批表导入", "adform:import", "manage"),
    ("选拔任用", "appointments:list", ""),
    ("干部选派", "dispatch:list", ""),
    ("考核", None, ""),
    ("培训", None, ""),
    ("人才", None, ""),
    ("办实事", None, ""),
    ("统计", "dashboards:home", ""),
    ("规则与预警", "core:rules", ""),
    ("定时任务", "workbench:schedule", "root_admin"),
    ("数据导入", "core:imports", "manage"),
    ("操作日志", "core:audit", ""),
    ("用户管理", "accounts:users", "manage"),
]


def shell(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    grants = [g for g in user.grants.select_related("organization")]
    can_manage = bool(scope.scope_paths(user, "manage"))
    allowed = {"", *(["manage"] if can_manage else []), *(["root_admin"] if can_edit(user, "") else [])}
    return {
        "nav": [item for item in NAV if item[2] in allowed],
        "scope_grants": grants,
        "can_manage": can_manage,
        "can_change": bool(scope.scope_paths(user, "change")),
    }

"""What every page's shell needs: the user's scope (the organizations they act for) and the sidebar."""

from . import scope

NAV = [
    # (title, url name or None when the domain is not built yet, icon)
    ("首页", "home", "home"),
    ("组织体系", "orgs:tree", "sitemap"),
    ("人员", "people:list", "users"),
    ("党员", None, "flag"),
    ("发展党员", None, "user-plus"),
    ("组织生活", None, "calendar"),
    ("干部", None, "briefcase"),
    ("考核", None, "clipboard-check"),
    ("培训", None, "school"),
    ("人才", None, "star"),
    ("办实事", None, "heart-handshake"),
    ("统计", None, "chart-bar"),
    ("规则与预警", "core:rules", "alert-triangle"),
    ("数据导入", "core:imports", "file-import"),
    ("操作日志", "core:audit", "history"),
    ("用户管理", "accounts:users", "shield-lock"),
]


def shell(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    grants = [g for g in user.grants.select_related("organization")]
    return {
        "nav": NAV,
        "scope_grants": grants,
        "can_manage": bool(scope.scope_paths(user, "manage")),
        "can_change": bool(scope.scope_paths(user, "change")),
    }

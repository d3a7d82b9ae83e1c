"""What every page's shell needs: the user's scope (the organizations they act for) and the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

from . import scope
from .config.services import can_edit
from .scope import Duty, Role, duty_of

# The level of a grant: on a 党委 (a committee, from the province down to a township or a unit's committee) or on
# a grass-roots organization (党总支, 党支部, 党小组). Kinds are orgs' `Organization.Kind` values (core stays below
# orgs, so they are named here as strings).
COMMITTEE, BRANCH = "committee", "branch"
BRANCH_KINDS = ("general_branch", "branch", "party_group")
LEVELS = frozenset({COMMITTEE, BRANCH})
ROLES = frozenset(Role.values)
MANAGERS = frozenset({Role.DEPT_ADMIN, Role.ORG_ADMIN})  # the "manage" action (imports)
NO_DUTY: frozenset = frozenset()


@dataclass(frozen=True)
class NavEntry:
    """One sidebar entry: its title, its URL name, and who uses it — the roles and the levels of grant (a user
    sees it when one of their grants has one of the roles at one of the levels)."""

    title: str
    url: str
    roles: frozenset = ROLES
    levels: frozenset = LEVELS
    everyone: bool = False  # shown to every signed-in user, with or without a grant
    root_admin: bool = False  # only for the administrators of a root organization (system-wide settings)
    # 三员分立: the system duties (`Duty`) whose pages these are; an account with a duty sees only these entries,
    # a business account never sees them.
    duties: frozenset = NO_DUTY

    def used_by(self, grants: list[tuple[str, str]], duty: str = "") -> bool:
        if duty or self.duties:
            return duty in self.duties
        return self.everyone or any(role in self.roles and level in self.levels for role, level in grants)

    @property
    def namespace(self) -> str:
        return self.url.partition(":")[0] if ":" in self.url else ""


ONLY_COMMITTEES = frozenset({COMMITTEE})

# Only built modules are listed (a module is added here when its pages exist: docs/architecture.md).
NAV = [
    NavEntry("首页", "home", everyone=True),
    NavEntry("组织体系", "orgs:tree"),
    NavEntry("换届", "elections:terms"),
    NavEntry("人员", "people:list"),
    NavEntry("党员", "members:roster"),
    NavEntry("发展党员", "recruitment:list"),
    NavEntry("组织生活", "branchlife:list"),
    NavEntry("标准化建设", "standardization:scores"),
    # identified and rectified by the committees above the organization
    NavEntry("软弱涣散整顿", "weakorgs:cases", levels=ONLY_COMMITTEES),
    # cadres are managed by the committees' organization departments, never by a branch
    NavEntry("干部", "cadres:roster", levels=ONLY_COMMITTEES),
    NavEntry("领导班子", "teams:list", levels=ONLY_COMMITTEES),
    NavEntry("任免审批表导入", "adform:import", roles=MANAGERS, levels=ONLY_COMMITTEES),
    NavEntry("选拔任用", "appointments:list", levels=ONLY_COMMITTEES),
    NavEntry("干部选派", "dispatch:list", levels=ONLY_COMMITTEES),
    NavEntry("考核", "assessment:index", levels=ONLY_COMMITTEES),
    NavEntry("培训", "training:index"),
    NavEntry("办实事", "service:index"),
    # talent programmes are run by the committees' organization departments (人才工作领导小组办公室)
    NavEntry("人才工程", "talent:index", levels=ONLY_COMMITTEES),
    NavEntry("统计", "dashboards:home", levels=ONLY_COMMITTEES),
    # the annual party statistics (党内统计年报) are reported by the committees
    NavEntry("党内统计", "stats:home", levels=ONLY_COMMITTEES),
    NavEntry("规则与预警", "core:rules"),
    NavEntry("定时任务", "workbench:schedule", roles=MANAGERS, levels=ONLY_COMMITTEES, root_admin=True),
    NavEntry("数据导入", "core:imports", roles=MANAGERS),
    # the system duties' pages (三员分立): accounts (系统管理员, 安全管理员), policy and tokens (安全管理员), the
    # global audit log (安全审计员)
    NavEntry("账号管理", "accounts:users", duties=frozenset({Duty.SYSADMIN, Duty.SECADMIN})),
    NavEntry("定时任务", "workbench:schedule", duties=frozenset({Duty.SYSADMIN})),
    NavEntry("令牌管理", "accounts:all_tokens", duties=frozenset({Duty.SECADMIN})),
    NavEntry("安全策略", "accounts:policy", duties=frozenset({Duty.SECADMIN})),
    NavEntry("操作日志", "core:audit", duties=frozenset({Duty.AUDITOR})),
    NavEntry("安全日志", "core:security_log", duties=frozenset({Duty.AUDITOR})),
]

# Namespaces with one entry: every page of the namespace marks that entry as the current one.
_SHARED = {ns for ns in (e.namespace for e in NAV) if sum(e.namespace == ns for e in NAV) > 1}


def grant_levels(grants) -> list[tuple[str, str]]:
    """(role, level) of each grant (`accounts.ScopeGrant` rows with their organization)."""
    return [(g.role, BRANCH if g.organization.kind in BRANCH_KINDS else COMMITTEE) for g in grants]


def nav_for(user, current: str = "", grants=None) -> list[tuple[NavEntry, bool]]:
    """The sidebar of a user: the entries their grants use, each with whether it is the current page's
    (`current`: the resolved view name)."""
    grants = grant_levels(user.grants.select_related("organization") if grants is None else grants)
    namespace = current.partition(":")[0] if ":" in current else ""
    duty = duty_of(user)
    root_admin = not duty and any(e.root_admin for e in NAV) and can_edit(user, "")
    return [(e, e.url == current or bool(namespace and e.namespace == namespace and namespace not in _SHARED))
            for e in NAV if e.used_by(grants, duty) and (root_admin or not e.root_admin)]


def shell(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    grants = [g for g in user.grants.select_related("organization")]
    match = getattr(request, "resolver_match", None)
    return {
        "nav": nav_for(user, match.view_name if match else "", grants),
        "scope_grants": grants,
        "can_manage": bool(scope.scope_paths(user, "manage")),
        "duty": duty_of(user),
        "can_change": bool(scope.scope_paths(user, "change")),
    }

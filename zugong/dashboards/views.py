"""The organization-work dashboard (组织工作看板) of any subtree the user may see: terms and elections,
meeting compliance, standardization grades, weak organizations and their rectification. Figures come from
the precomputed roll-ups (`rollups.py`), stamped with when they were computed; each chart has its table and
an .xlsx export of that table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.db.models.functions import Substr
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import exports, jobs, scope
from zugong.core.middleware import client_ip
from zugong.core.models import Job
from zugong.elections.selectors import reminder_months
from zugong.orgs.models import Organization
from zugong.orgs.selectors import chosen_or_own
from zugong.standardization.services import grade_order

from . import panels, rollups
from .models import DueOrganization

DUE_LIMIT = 15


def _node(request) -> Organization:
    return chosen_or_own(request.user, request.GET.get("org"))


def build_panels(org: Organization, run, available) -> list[panels.Panel]:
    ctx = {"reminder_months": run.reminder_months if run else reminder_months(org.path)}
    out = []
    if "term" in available:
        out.append(panels.term_panel(rollups.rows_for(org, "term", ctx=ctx)))
    if "compliance" in available:
        out.append(panels.compliance_panel(rollups.rows_for(org, "compliance", ctx=ctx)))
    for code, builder in EXTRA_PANELS:
        if code in available:
            out.append(builder(rollups.rows_for(org, code, ctx=ctx)))
    return out


# Panels of metrics from other apps (standardization grades, weak organizations): (metric code, builder).
EXTRA_PANELS: list = [
    ("grade", lambda rows: panels.grade_panel(rows, grade_order())),
    ("weak", panels.weak_panel),
]


def due_list(request, org: Organization):
    """The organizations of the subtree whose election is overdue or due soonest (precomputed list)."""
    # The ids first (a narrow sort, no join), then the rows with their organizations.
    ids = list(DueOrganization.objects.visible_to(request.user).subtree(org.path)
               .order_by("election_due", "org_path").values_list("pk", flat=True)[:DUE_LIMIT])
    rows = DueOrganization.objects.visible_to(request.user).filter(pk__in=ids).select_related("organization")
    return sorted(rows, key=lambda d: (d.election_due, d.org_path))


def child_choices(request, org: Organization) -> list[dict]:
    """The active sub-organizations one level down. Near the root they are selected by depth (indexed, few
    rows there) with the path prefix as an expression, since a path range would walk the whole subtree (the
    province's 138,000 rows for 11 cities); further down the path range is the narrower one."""
    qs = Organization.objects.visible_to(request.user)
    if org.depth <= 2:
        qs = qs.annotate(prefix=Substr("path", 1, len(org.path))).filter(depth=org.depth + 1, prefix=org.path)
    else:
        qs = qs.filter(path__subtree=org.path, depth=org.depth + 1)
    return list(qs.exclude(kind=Organization.Kind.PARTY_GROUP).filter(status=Organization.Status.ACTIVE)
                .order_by("path").values("code", "name")[:500])


@login_required
def dashboard(request):
    org = _node(request)
    run = rollups.latest_run()
    months = run.reminder_months if run else reminder_months(org.path)
    available = rollups.available_metrics()
    all_panels = build_panels(org, run, available)
    due = due_list(request, org)
    today = run.as_of if run else timezone.localdate()
    due_panel = panels.Panel("due", f"需换届的组织（已逾期和 {months} 个月内届满，最早的 {DUE_LIMIT} 个）",
                             ["党组织", "类别", "本届任期开始", "任期届满", "换届期限", "状态"], panels.due_rows(due, today))
    export = request.GET.get("export", "")
    if export:
        panel = next((p for p in [*all_panels, due_panel] if p.code == export), None)
        if panel is None:
            raise Http404
        stamp = f"（{run.computed_at:%Y-%m-%d %H%M}计算）" if run else ""
        rows = list(panel.rows)
        return exports.respond(request, exports.Export(f"{org.display_name}-{panel.title}{stamp}", panel.headers,
                                                       lambda: rows, len(rows), f"组织：{org.display_name}"))
    children = child_choices(request, org)
    chain = list(Organization.objects.visible_to(request.user)
                 .filter(path__in=[org.path[:i] for i in range(4, len(org.path), 4)]).order_by("depth")) \
        if org.depth > 1 else []
    missing = [t for c, t in (("compliance", "组织生活按期开展率"), ("grade", "标准化规范化建设等次"),
                              ("weak", "软弱涣散党组织及整顿"))
               if c not in available]
    return render(request, "dashboards/dashboard.html", {
        "title": "组织工作看板", "org": org, "run": run, "panels": all_panels, "due_panel": due_panel, "due": due,
        "children": children, "chain": chain, "today": today, "missing": missing, "months": months,
        "can_refresh": bool(scope.scope_paths(request.user, "admin")),
        "stale": run is None,
    })


@require_POST
@login_required
def refresh(request):
    paths = scope.scope_paths(request.user, "admin")
    if not paths:
        raise PermissionDenied("只有组织部门管理员可以重新计算看板数据")
    job = Job.objects.create(kind="dashboards_refresh", title="重新计算组织工作看板数据", user=request.user,
                             org_path=paths[0], params={"ip": client_ip(request)})
    with scope.bypass():
        jobs.submit(job)
    return redirect("core:job", pk=job.pk)

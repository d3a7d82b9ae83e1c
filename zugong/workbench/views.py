"""The workbench's pages: home (工作台), global search, the findings list and the rule scan button.

They read organizations and people (the kernel) and the findings of every domain, so they sit above both;
core keeps the rule engine, the catalogue and the findings helpers (`zugong.core.rule_views`)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import jobs, rules, scope
from zugong.core.middleware import client_ip
from zugong.core.models import Job
from zugong.core.rule_views import open_findings, record_url, severity_counts
from zugong.orgs.models import Organization
from zugong.orgs.services import node_counts
from zugong.people import search as people_search
from zugong.people.models import Person

from . import todos


@login_required
def home(request):
    """工作台: the user's to-dos (`todos.py`), each linking to where it is done; a branch's user also sees
    the branch's month."""
    user, today = request.user, timezone.localdate()
    roots = list(Organization.objects.visible_to(user).filter(path__in=scope.scope_paths(user)))
    findings, findings_total, findings_rules = todos.findings_by_rule(user)
    running, finished = todos.my_jobs(user)
    context = {
        "today": today, "days": todos.DAYS,
        "summary": [(r, node_counts(r)) for r in roots],
        "deadline_groups": todos.deadline_groups(user, today),
        "findings": findings, "findings_total": findings_total, "findings_rules": findings_rules,
        "transfers": todos.transfers_waiting(user),
        "cases": todos.cases_waiting(user),
        "notices": todos.under_notice(user, today),
        "running_jobs": running, "finished_jobs": finished,
    }
    branches = todos.branch_orgs(user)
    if branches:
        context |= {
            "branches": branches,
            "meetings_due": todos.meetings_due(branches, today),
            "arrears": todos.arrears(user, branches, today),
            "study": todos.study_hours_short(user, branches, today),
            "branch_cases": todos.branch_cases(user, branches),
        }
    return render(request, "workbench/home.html", context)


@login_required
def search(request):
    q = request.GET.get("q", "").strip()
    people = people_search.search(Person.objects.visible_to(request.user), q)[:50] if q else []
    visible = Organization.objects.visible_to(request.user)
    orgs = (visible.filter(name__contains=q)[:50] if q and not q.isdigit() else
            visible.filter(code__startswith=q)[:50] if q else [])
    return render(request, "workbench/search.html", {"q": q, "people": people, "orgs": orgs})


# ---------------------------------------------------------------- findings


@login_required
def finding_list(request):
    qs = open_findings(request.user).select_related("organization", "person")
    org_code = request.GET.get("org", "").strip()
    if org_code:
        org = Organization.objects.visible_to(request.user).filter(code=org_code).first()
        qs = qs.subtree(org.path) if org else qs.none()
    if request.GET.get("severity") in rules.SEVERITY_LABELS:
        qs = qs.filter(severity=request.GET["severity"])
    page = Paginator(qs.order_by("org_path", "rule", "id"), 50).get_page(request.GET.get("page"))
    for f in page:
        f.url = record_url(f.model, f.object_id)
    return render(request, "core/finding_list.html", {"page": page, "labels": rules.SEVERITY_LABELS,
                                                      "counts": severity_counts(qs)})


@require_POST
@login_required
def start_scan(request):
    """Queue a rule scan of the user's subtree (or one organization of it) as a background job."""
    code = request.POST.get("org", "").strip()
    if code:
        org = Organization.objects.visible_to(request.user, "manage").filter(code=code).first()
        if org is None:
            raise Http404
        paths = [org.path]
    else:
        paths = scope.scope_paths(request.user, "manage")
    if not paths:
        raise PermissionDenied("您没有运行规则检查的权限")
    try:
        as_of = dt.date.fromisoformat(request.POST["as_of"]) if request.POST.get("as_of") else None
    except ValueError:
        messages.error(request, "检查基准日应写作 2026-03-01")
        return redirect("core:rules")
    job = Job.objects.create(
        kind="scan", title=f"规则检查（{len(paths)} 个管辖范围）", user=request.user, org_path=paths[0],
        params={"paths": paths, "as_of": as_of.isoformat() if as_of else None, "ip": client_ip(request)},
    )
    with scope.bypass():
        jobs.submit(job)
    return redirect("core:job", pk=job.pk)

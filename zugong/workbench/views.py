"""The workbench's pages: home (工作台), global search, the findings list, the rule scan button and the scheduled
tasks (定时任务).

They read organizations and people (the kernel) and the findings of every domain, so they sit above both;
core keeps the rule engine, the catalogue and the findings helpers (`zugong.core.rule_views`)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import audit, jobs, rules, schedule, scope
from zugong.core.config import services as config_services
from zugong.core.config.views import row_page
from zugong.core.middleware import client_ip
from zugong.core.models import AuditEntry, Job, ScheduledTask, ScheduleRun
from zugong.core.rule_views import open_findings, record_url, severity_counts
from zugong.orgs.models import Organization
from zugong.orgs.services import node_counts
from zugong.people import search as people_search
from zugong.people.models import Person

from .forms import ScheduledTaskForm


@login_required
def home(request):
    orgs = Organization.objects.visible_to(request.user)
    roots = list(orgs.filter(path__in=scope.scope_paths(request.user)))
    summary = [(r, node_counts(r)) for r in roots]
    recent = AuditEntry.objects.visible_to(request.user)[:10]
    my_jobs = Job.objects.visible_to(request.user).filter(user=request.user)[:5]
    return render(request, "workbench/home.html", {"summary": summary, "recent": recent, "jobs": my_jobs})


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


# ---------------------------------------------------------------- scheduled work


def _require_schedule_admin(user) -> None:
    """Schedules are system-wide: only the administrators of a root organization see and change them."""
    if not config_services.can_edit(user, ""):
        raise PermissionDenied("只有上级组织部门（根组织）的管理员可以查看和设置定时任务")


@login_required
def schedule_list(request):
    """Each scheduled task: when it last ran, how long it took, its result, when it runs next."""
    _require_schedule_admin(request.user)
    now = timezone.now()
    tasks = list(ScheduledTask.objects.visible_to(request.user).filter(org_path=""))
    for task in tasks:
        task.last = schedule.last_run(task)
        task.last_done = task.runs.exclude(status__in=(ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING)
                                           ).order_by("-due_at", "-id").first()
        task.next = schedule.next_run(task, now, task.last)
        task.missing = schedule.runner_missing(task)
        task.busy = task.last is not None and not task.last.finished
    runs = ScheduleRun.objects.filter(task__in=tasks).select_related("task", "user")[:30]
    return render(request, "workbench/schedule.html", {"tasks": tasks, "runs": runs, "now": now})


@login_required
def schedule_edit(request, pk):
    """Change a task's time of day and switch (audited by the model)."""
    task = get_object_or_404(ScheduledTask.objects.visible_to(request.user).filter(org_path=""), pk=pk)
    _require_schedule_admin(request.user)
    return row_page(request, task, ScheduledTaskForm, done=reverse("workbench:schedule"),
                    saved=f"已保存定时任务“{task.title}”的设置", title=f"定时任务：{task.title}",
                    denied="只有上级组织部门（根组织）的管理员可以设置定时任务")


@require_POST
@login_required
def schedule_run(request, pk):
    """立即运行: queue a run of the task now; its progress is on the job page."""
    task = get_object_or_404(ScheduledTask.objects.visible_to(request.user).filter(org_path=""), pk=pk)
    _require_schedule_admin(request.user)
    try:
        with audit.acting_as(request.user, ip=client_ip(request)):
            run = schedule.run_now(request.user, task)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("workbench:schedule")
    if run.status == ScheduleRun.Status.SKIPPED:
        messages.warning(request, run.message)
        return redirect("workbench:schedule")
    messages.success(request, f"已开始运行“{task.title}”")
    return redirect("core:job", pk=run.job_id)

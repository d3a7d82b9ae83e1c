"""The workbench's pages: home (工作台), global search, the findings list, the rule scan button and the scheduled
tasks (定时任务).

They read organizations and people (the kernel) and the findings of every domain, so they sit above both;
core keeps the rule engine, the catalogue and the findings helpers (`zugong.core.rule_views`)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import audit, duties, jobs, rule_views, rules, schedule, scope, workdays
from zugong.core.config.views import row_page
from zugong.core.lists import list_page
from zugong.core.middleware import client_ip
from zugong.core.models import Finding, Job, ScheduleRun
from zugong.core.rule_views import severity_counts
from zugong.orgs.models import Organization
from zugong.orgs.services import node_counts
from zugong.people import search as people_search
from zugong.people.models import Person

from . import todos
from .filtersets import FindingFilterSet
from .forms import ScheduledTaskForm
from .tables import FindingTable


@login_required
def home(request):
    """工作台: the user's to-dos (`todos.py`), each linking to where it is done; a branch's user also sees
    the branch's month. A system duty's account (三员分立, no business data) lands on its duty's page."""
    duty = scope.duty_of(request.user)
    if duty:
        return redirect(duties.HOME[duty])
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


BULK_ACK_LIMIT = 10_000  # findings acknowledged in one go (one transaction, one audit entry each)


def _finding_base(user):
    return Finding.objects.visible_to(user).select_related("organization", "person")


@login_required
def finding_list(request):
    """问题预警: filters (module, rule, severity, organization, state, date), clickable counts, the 按规则
    grouping with counts per child organization, bulk acknowledgement and the export (core.exports)."""
    code = request.GET.get("org", "").strip()
    if code:  # old links: ?org=代码 → the organization picker's value
        query = request.GET.copy()
        del query["org"]
        org = Organization.objects.visible_to(request.user).filter(code=code).first()
        query["organization"] = org.pk if org else "0"
        return redirect(f"{request.path}?{query.urlencode()}")
    base = _finding_base(request.user)
    filterset = FindingFilterSet(request.GET or None, queryset=base, request=request)
    valid = filterset.is_bound and filterset.is_valid()
    qs = filterset.qs if valid else base.none()
    titles = {r.code: r.title for r in filterset.rules}
    counts = severity_counts(qs)
    extra = {"counts": counts,
             "severity_counts": [(code, label, counts[code]) for code, label in rules.SEVERITY_LABELS.items()],
             "rule_counts": [(titles.get(r["rule"], r["rule"]), r["rule"], r["n"]) for r in
                             qs.values("rule").annotate(n=Count("id")).order_by("-n", "rule")[:12]],
             "view": request.GET.get("view", ""), "query": _query_without(request, "page", "view", "export"),
             "query_severity": _query_without(request, "page", "view", "export", "severity"),
             "query_rule": _query_without(request, "page", "view", "export", "rule"),
             "can_ack": bool(scope.scope_paths(request.user, "change")),
             # Working-day rules do not judge past the calendar (core.workdays): say so while today is past it.
             "calendar_notice": workdays.missing_notice(timezone.localdate())}
    if extra["view"] == "rules":
        extra.update(_by_rule(request, filterset, qs, titles))
    base = base.order_by("org_path", "rule", "id")
    # An invalid filter (an organization outside the user's scope) shows nothing, and says why.
    return list_page(request, queryset=base, unfiltered=base.none(), filterset_class=FindingFilterSet,
                     table_class=partial(FindingTable, rule_titles=titles), template="core/finding_list.html",
                     title="问题预警", export_name="问题预警", extra=extra)


def _query_without(request, *names) -> str:
    q = request.GET.copy()
    for n in names:
        q.pop(n, None)
    return q.urlencode()


def _by_rule(request, filterset, qs, titles) -> dict:
    """按规则: each rule's count and its counts per child organization of the chosen organization (else the
    user's first subtree); findings of the organization itself in 本级. One GROUP BY."""
    parent = filterset.form.cleaned_data.get("organization") if filterset.is_bound else None
    if parent is None:
        paths = scope.scope_paths(request.user)
        parent = Organization.objects.visible_to(request.user).filter(path__in=paths[:1]).first()
    if parent is None:
        return {"groups": [], "children": [], "parent": None}
    width = len(parent.path) + parent.steplen
    children = list(Organization.objects.visible_to(request.user)
                    .filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))
    cells: dict[str, dict[str, int]] = {}
    for r in (qs.subtree(parent.path).annotate(prefix=Substr("org_path", 1, width))
              .values("rule", "prefix").annotate(n=Count("id")).order_by()):
        key = r["prefix"] if len(r["prefix"]) == width else "self"
        row = cells.setdefault(r["rule"], {})
        row[key] = row.get(key, 0) + r["n"]
    groups = sorted(((titles.get(rule, rule), rule, sum(row.values()), row.get("self", 0),
                      [row.get(c.path, 0) for c in children]) for rule, row in cells.items()),
                    key=lambda g: (-g[2], g[1]))
    return {"groups": groups, "children": children, "parent": parent}


@require_POST
@login_required
def finding_bulk_ack(request):
    """确认知悉 of the selected findings (or all filtered ones) with one note: one transaction, audited (one
    entry on each finding, one operation). Only open, not yet acknowledged findings the user may change."""
    note = request.POST.get("note", "").strip()
    back = f"{reverse('workbench:findings')}?{request.POST.get('query', '')}"
    if not note:
        messages.error(request, "请填写知悉说明（例如整改安排）")
        return redirect(back)
    targets = Finding.objects.visible_to(request.user, "change").open().filter(acknowledged_at__isnull=True)
    if request.POST.get("all") == "1":
        filterset = FindingFilterSet(QueryDict(request.POST.get("query", "")), queryset=targets, request=request)
        if not filterset.is_valid():
            messages.error(request, "筛选条件有误，请重新筛选后再确认")
            return redirect(back)
        targets = filterset.qs
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        if not ids:
            messages.error(request, "请先勾选要确认知悉的问题预警")
            return redirect(back)
        targets = targets.filter(pk__in=ids)
    findings = list(targets.order_by("id")[:BULK_ACK_LIMIT + 1])
    if len(findings) > BULK_ACK_LIMIT:
        messages.error(request, f"一次最多确认 {BULK_ACK_LIMIT:,} 条，请缩小筛选范围")
        return redirect(back)
    if not findings:
        messages.error(request, "没有可确认的问题预警（已确认、已消除，或不在您可修改的范围内）")
        return redirect(back)
    rule_views.acknowledge_all(request.user, findings, note)
    messages.success(request, f"已确认知悉 {len(findings):,} 条问题预警")
    return redirect(back)


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


DENIED_SCHEDULE = "只有系统管理员或上级组织部门（根组织）的管理员可以查看和设置定时任务"


def _require_schedule_admin(user) -> None:
    """Schedules are system-wide configuration: the 系统管理员 and the administrators of a root organization."""
    if not schedule.may_administer(user):
        raise PermissionDenied(DENIED_SCHEDULE)


@login_required
def schedule_list(request):
    """Each scheduled task: when it last ran, how long it took, its result, when it runs next."""
    _require_schedule_admin(request.user)
    now = timezone.now()
    tasks = list(schedule.system_tasks(request.user))
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
    _require_schedule_admin(request.user)
    task = get_object_or_404(schedule.system_tasks(request.user), pk=pk)
    return row_page(request, task, ScheduledTaskForm, done=reverse("workbench:schedule"),
                    saved=f"已保存定时任务“{task.title}”的设置", title=f"定时任务：{task.title}",
                    allowed=True)


@require_POST
@login_required
def schedule_run(request, pk):
    """立即运行: queue a run of the task now; its progress is on the job page."""
    _require_schedule_admin(request.user)
    task = get_object_or_404(schedule.system_tasks(request.user), pk=pk)
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
    if scope.duty_of(request.user):  # a duty account sees no business job page: the run list shows its result
        return redirect("workbench:schedule")
    return redirect("core:job", pk=run.job_id)

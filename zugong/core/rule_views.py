"""Rule catalogue and the scan job; findings shown on records and organizations.

The findings list and the scan button take an organization code, so they live above orgs, in
`zugong.workbench.views`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from . import audit, jobs, rules, scope
from .config import services as config_services
from .config.forms import LocalRuleForm
from .config.views import row_page
from .models import Finding, Job, LocalRule

# Where a finding's record is shown: model label → URL name taking the record's pk. Apps add theirs.
RECORD_URLS: dict[str, str] = {"people.person": "people:detail", "orgs.organization": "orgs:detail"}


def record_url(model: str, object_id) -> str | None:
    name = RECORD_URLS.get(model)
    try:
        return reverse(name, args=[object_id]) if name else None
    except NoReverseMatch:
        return None


def open_findings(user):
    """The open findings (`Finding.objects.open()`: not resolved, not excepted) the user may see."""
    return Finding.objects.visible_to(user).open()


def severity_counts(qs) -> dict[str, int]:
    counts = {r["severity"]: r["n"] for r in qs.values("severity").annotate(n=Count("id")).order_by()}
    return {s: counts.get(s, 0) for s in (rules.ERROR, rules.WARNING, rules.REMINDER)}


def child_counts(user, parent) -> dict[str, dict[str, int]]:
    """Open findings per severity rolled up to each child of `parent` (keyed by child path): one query."""
    width = len(parent.path) + parent.steplen
    rows = (
        open_findings(user).subtree(parent.path).exclude(org_path=parent.path)
        .annotate(prefix=Substr("org_path", 1, width)).values("prefix")
        .annotate(errors=Count("id", filter=Q(severity=rules.ERROR)), total=Count("id")).order_by()
    )
    return {r["prefix"]: r for r in rows}


def for_person(user, person):
    """Every finding that concerns a person, on any of their records (membership, recruitment case …)."""
    rows = list(Finding.objects.visible_to(user).select_related("person", "organization")
                .filter(Q(person=person) | Q(model="people.person", object_id=person.pk)).open_first())
    for f in rows:
        f.url = record_url(f.model, f.object_id)
    return rows


def visible_rules(user) -> list:
    """National rules, and the local rules issued within or above the user's subtrees (`visible_to`)."""
    hidden = set(LocalRule.objects.unrestricted().values_list("code", flat=True)) - set(
        LocalRule.objects.visible_to(user).values_list("code", flat=True))
    return [r for r in rules.all_rules() if r.code not in hidden]


@login_required
def catalogue(request):
    counts = {r["rule"]: r for r in
              open_findings(request.user).values("rule").annotate(n=Count("id")).order_by()}
    groups: dict[str, list] = {}
    for rule in sorted(visible_rules(request.user), key=lambda r: (r.local, r.model, r.code)):
        rule.open_count = counts.get(rule.code, {}).get("n", 0)
        groups.setdefault("本地规则" if rule.local else rule.model_class._meta.verbose_name, []).append(rule)
    local_rows = {r.code: r for r in LocalRule.objects.visible_to(request.user)}
    for items in groups.values():
        for rule in items:
            row = local_rows.get(rule.code)
            rule.local_row = row if row and config_services.can_edit(request.user, row.org_path) else None
    return render(request, "core/rules_catalogue.html", {
        "groups": groups, "labels": rules.SEVERITY_LABELS,
        "can_scan": bool(scope.scope_paths(request.user, "manage")),
        "can_schedule": config_services.can_edit(request.user, ""),  # schedules are system-wide
    })


@login_required
def rule_detail(request, code):
    rule = next((r for r in visible_rules(request.user) if r.code == code), None)
    if rule is None:
        raise Http404
    qs = open_findings(request.user).filter(rule=code).select_related("organization", "person")
    per_org = (qs.values("organization__name", "organization__code", "organization_id")
               .annotate(n=Count("id")).order_by("-n")[:50])
    page = Paginator(qs.order_by("org_path", "id"), 50).get_page(request.GET.get("page"))
    for f in page:
        f.url = record_url(f.model, f.object_id)
    return render(request, "core/rule_detail.html", {
        "rule": rule, "per_org": per_org, "page": page, "labels": rules.SEVERITY_LABELS})


@require_POST
@login_required
def acknowledge(request, pk):
    """Record that the organization knows of a finding and what it will do (the finding stays open)."""
    finding = get_object_or_404(open_findings(request.user), pk=pk)
    if not scope.can(request.user, "change", finding.org_path):
        raise PermissionDenied("您只有查看权限，不能确认问题预警")
    note = request.POST.get("note", "").strip()
    if not note:
        messages.error(request, "请填写知悉说明（例如整改安排）")
    else:
        acknowledge_all(request.user, [finding], note)
        messages.success(request, "已确认知悉")
    return redirect(request.POST.get("next") or "workbench:findings")


def acknowledge_all(user, findings: list, note: str) -> None:
    """确认知悉 of findings the caller has checked the user may change: one transaction, one audit operation
    (an entry on each finding with the note), one UPDATE."""
    now = timezone.now()
    with audit.operation(findings[0] if len(findings) == 1 else None, "acknowledge", note=note) as op:
        for f in findings:
            op.fact("确认知悉", f"{f.detail}（{f.citation}）", field="acknowledgement", on=f, note=note)
        Finding.objects.visible_to(user, "change").filter(pk__in=[f.pk for f in findings]).update(
            acknowledged_by=user, acknowledged_at=now, acknowledgement=note)
    for f in findings:
        f.acknowledged_by, f.acknowledged_at, f.acknowledgement = user, now, note


@login_required
def local_rule_edit(request, pk):
    """Change a local rule's numbers, level, document and dates: local practice configured without code."""
    rule = get_object_or_404(LocalRule.objects.visible_to(request.user).select_related("organization"), pk=pk)
    return row_page(request, rule, LocalRuleForm, template=rule.template_info, done=reverse("core:rules"),
                    saved=f"已保存本地规则“{rule.title}”，下次检查起生效", title=f"本地规则：{rule.title}",
                    denied="只有组织部管理员可以修改本地规则")


@jobs.runner("scan")
def run_scan(job: Job, progress: jobs.Progress) -> None:
    as_of = dt.date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else None
    selected = rules.all_rules()
    progress.total(len(selected) * len(job.params["paths"]))
    opened = resolved = still = 0
    for k, path in enumerate(job.params["paths"]):
        result = rules.scan(path, as_of, selected,
                            progress=lambda i, n, k=k: progress.step(k * n + i, force=True))
        opened, resolved, still = opened + result.opened, resolved + result.resolved, still + result.still_open
    job.result = {"opened": opened, "resolved": resolved, "open": still}
    job.message = f"检查完成：新增问题 {opened:,} 个，消除 {resolved:,} 个，现存 {still:,} 个。"

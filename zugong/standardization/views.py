"""Standardization pages: scores with ranks, the subtree ranking chart, a branch's score card with its history and
the inspector's form, scoring runs (background job), and the checklists (edited by department admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import exports, jobs, record_tabs, scope
from zugong.core.config import num
from zugong.core.config.views import new_edition_page, row_page
from zugong.core.lists import list_page
from zugong.core.middleware import client_ip
from zugong.core.models import Job
from zugong.orgs.models import Organization

from . import scoring, services
from .filtersets import ScoreFilterSet
from .forms import ChecklistCreateForm, ChecklistForm, ChecklistItemForm, ComputeForm, InspectorScoreForm
from .models import BranchScore, Checklist, ChecklistItem, InspectorScore
from .tables import ScoreTable


def _scores(request):
    return BranchScore.objects.visible_to(request.user)


def _latest_year(request) -> int:
    return _scores(request).aggregate(y=Max("year"))["y"] or timezone.localdate().year


@login_required
def score_list(request):
    qs = _scores(request).select_related("organization")
    if not request.GET.get("year"):
        qs = qs.filter(year=_latest_year(request))
    qs = services.ranking(qs)
    return list_page(request, queryset=qs, filterset_class=ScoreFilterSet, table_class=ScoreTable,
                     template="standardization/list.html", title="党支部标准化规范化建设得分",
                     export_name="标准化建设得分", extra={"compute_form": _compute_form(request)})


def _compute_form(request):
    return ComputeForm(user=request.user, initial={"year": timezone.localdate().year}) \
        if scope.scope_paths(request.user, "manage") else None


def _root(request, code: str):
    """The organization whose children are ranked: the one named by code, else the user's first scope root."""
    visible = Organization.objects.visible_to(request.user)
    if code:
        org = visible.filter(code=code).first()
        if org is None:
            raise Http404
        return org
    paths = scope.scope_paths(request.user)
    return visible.filter(path=paths[0]).first() if paths else None


@login_required
def ranking(request):
    """Children of an organization ranked by their branches' average score, with the grade counts."""
    code = request.GET.get("org", "").strip()
    root = _root(request, code)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else _latest_year(request)
    rows, grades = [], []
    if root is not None:
        scores = _scores(request).subtree(root.path).filter(year=year)
        grades = list(scores.order_by().values_list("grade", flat=True).distinct())
        order = {b["grade"]: i for c in Checklist.objects.visible_to(request.user) for i, b in
                 enumerate(c.grade_bands or [])}
        grades.sort(key=lambda g: order.get(g, 99))
        cut = len(root.path) + Organization.steplen
        grouped = (scores.annotate(child=Substr("org_path", 1, cut)).order_by().values("child")
                   .annotate(n=Count("pk"), avg=Avg("total"), **{f"g{i}": Count("pk", filter=Q(grade=g))
                                                                  for i, g in enumerate(grades)}))
        names = dict(Organization.objects.visible_to(request.user).filter(path__in=[g["child"] for g in grouped])
                     .values_list("path", "name"))
        codes = dict(Organization.objects.visible_to(request.user).filter(path__in=list(names))
                     .values_list("path", "code"))
        for g in grouped:
            rows.append({"name": names.get(g["child"], root.name if len(g["child"]) <= len(root.path) else "其他"),
                         "code": codes.get(g["child"], ""), "n": g["n"], "avg": round(float(g["avg"] or 0), 2),
                         "grades": [g[f"g{i}"] for i in range(len(grades))]})
        rows.sort(key=lambda r: -r["avg"])
        for i, r in enumerate(rows, 1):
            r["rank"] = i
    if request.GET.get("export") == "xlsx":
        out = [[r["rank"], r["name"], r["code"], r["n"], r["avg"], *r["grades"]] for r in rows]
        return exports.respond(request, exports.Export(
            f"标准化建设排名{year}", ["名次", "组织", "组织代码", "党支部数", "平均分", *grades], lambda: out, len(out),
            f"组织：{root.name}；年度：{year}" if root else f"年度：{year}"))
    chart = {
        "tooltip": {"trigger": "axis"}, "legend": {"data": grades}, "grid": {"containLabel": True},
        "xAxis": {"type": "category", "data": [_short(r["name"], root) for r in rows], "axisLabel": {"rotate": 30}},
        "yAxis": [{"type": "value", "name": "党支部数"}, {"type": "value", "name": "平均分", "max": 110}],
        "series": [{"name": g, "type": "bar", "stack": "grades", "data": [r["grades"][i] for r in rows]}
                   for i, g in enumerate(grades)]
        + [{"name": "平均分", "type": "line", "yAxisIndex": 1, "data": [r["avg"] for r in rows]}],
    }
    return render(request, "standardization/ranking.html", {
        "title": "标准化建设排名", "root": root, "year": year, "rows": rows, "grades": grades, "chart": chart,
        "code": code})


def _short(name: str, root) -> str:
    """A child's name without the parent's ("中共太原市小店区坞城街道…" under 小店区 → "坞城街道…")."""
    base = root.name.removeprefix("中共").removesuffix("委员会") if root else ""
    short = name.removeprefix("中共")
    return short.removeprefix(base) or short


def _get_score(request, pk) -> BranchScore:
    return get_object_or_404(_scores(request).select_related("organization", "checklist"), pk=pk)


@login_required
def detail(request, pk):
    score = _get_score(request, pk)
    lines = scoring.explain(score)
    given = {s.item_id: s for s in InspectorScore.objects.visible_to(request.user)
             .filter(organization=score.organization_id, year=score.year).select_related("inspector")}
    for line in lines:
        line["given"] = given.get(line["item"].pk)
    history = services.history(request.user, score.organization)
    log = record_tabs.log(request, score, list(given.values()))  # the score's and the inspectors' entries
    return render(request, "standardization/detail.html", {
        "score": score, "lines": lines, "history": history, "log": log,
        "can_score": scope.can(request.user, "change", score.org_path),
        "title": f"{score.organization.name} {score.year}年标准化建设得分"})


@require_POST
@login_required
def inspect(request, pk):
    """An inspector scores one item of a branch for the score's year, then the branch is re-scored."""
    score = _get_score(request, pk)
    form = InspectorScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("standardization:detail", pk=pk)
    item = get_object_or_404(ChecklistItem.objects.visible_to(request.user).filter(checklist=score.checklist_id),
                             pk=form.cleaned_data["item"])
    refused = scoring.not_in_force_message(score.checklist, score.year)
    if refused:
        messages.error(request, refused)
        return redirect("standardization:detail", pk=pk)
    try:
        with transaction.atomic():  # the points and the recomputed total stand or fall together
            services.set_inspector_score(request.user, score.organization, item, year=score.year,
                                         points=form.cleaned_data["points"], note=form.cleaned_data["note"])
            scoring.compute(score.checklist, score.year, score.org_path, note="考评评分后重新计算")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已记录“{item.title}”{num(form.cleaned_data['points'])} 分，得分已重新计算")
        if not BranchScore.objects.visible_to(request.user).filter(pk=pk).exists():  # another checklist governs it now
            messages.warning(request, f"“{score.organization.name}”{score.year}年已改按其他评分标准评分")
            return redirect("standardization:scores")
    return redirect("standardization:detail", pk=pk)


@require_POST
@login_required
def compute(request):
    form = ComputeForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("standardization:scores")
    checklist, year = form.cleaned_data["checklist"], form.cleaned_data["year"]
    org = form.cleaned_data["organization"]
    path = org.path if org else checklist.org_path
    if not scope.can(request.user, "manage", path):
        path = next((p for p in scope.scope_paths(request.user, "manage") if p.startswith(checklist.org_path)), None)
        if path is None:
            raise PermissionDenied("只有组织部门或党组织管理员可以计算得分")
    job = Job.objects.create(kind="standardization_score", title=f"标准化建设评分（{year}年）", user=request.user,
                             org_path=path, params={"checklist": checklist.pk, "year": year, "path": path,
                                                    "ip": client_ip(request)})
    with scope.bypass():
        jobs.submit(job)
    return redirect("core:job", pk=job.pk)


# ---------------------------------------------------------------- configuration


@login_required
def checklist_list(request):
    checklists = Checklist.objects.visible_to(request.user).select_related("organization")
    return render(request, "standardization/checklists.html", {
        "title": "标准化建设评分标准", "checklists": checklists,
        "can_admin": bool(scope.scope_paths(request.user, "admin"))})


def _checklist_preview(checklist, user) -> dict:
    items = list(checklist.items.visible_to(user).order_by("order", "pk"))
    return {"preview_head": ["考评方面", "考评内容", "分值"],
            "preview_rows": [[i.area, i.title, num(i.max_points)] for i in items],
            "preview_foot": f"共 {len(items)} 项，合计 {num(sum(i.max_points for i in items))} 分"}


@login_required
def checklist_create(request):
    return new_edition_page(request, form_class=ChecklistCreateForm, create=services.create_checklist,
                            preview=_checklist_preview, cancel_url=reverse("standardization:checklists"),
                            done="standardization:checklist")


def _get_checklist(request, pk) -> Checklist:
    return get_object_or_404(Checklist.objects.visible_to(request.user).select_related("organization"), pk=pk)


@login_required
def checklist_detail(request, pk):
    checklist = _get_checklist(request, pk)
    items = list(checklist.items.visible_to(request.user).order_by("order", "pk"))
    areas = {}
    for i in items:
        areas[i.area] = areas.get(i.area, 0) + i.max_points
    return render(request, "standardization/checklist.html", {
        "checklist": checklist, "items": items, "areas": areas, "total": sum(areas.values()),
        "can_admin": scope.can(request.user, "admin", checklist.org_path),
        "can_issue": bool(scope.scope_paths(request.user, "admin")), "title": str(checklist)})


@login_required
def checklist_edit(request, pk):
    checklist = _get_checklist(request, pk)
    return row_page(request, checklist, ChecklistForm, save=services.save_checklist, saved="评分标准已保存",
                    done=reverse("standardization:checklist", args=[pk]), title=f"修改评分标准：{checklist}")


@login_required
def item_edit(request, pk):
    item = get_object_or_404(ChecklistItem.objects.visible_to(request.user).select_related("checklist"), pk=pk)
    return _item_form(request, item.checklist, item)


@login_required
def item_create(request, pk):
    return _item_form(request, _get_checklist(request, pk), None)


def _item_form(request, checklist, item):
    return row_page(request, item or ChecklistItem(checklist=checklist), ChecklistItemForm,
                    save=services.save_item, saved="评分项目已保存", delete=services.delete_item,
                    deleted="评分项目已删除", done=reverse("standardization:checklist", args=[checklist.pk]),
                    title=f"评分项目：{checklist}")

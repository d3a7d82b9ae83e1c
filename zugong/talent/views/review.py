"""Talent pages: expert review — the expert pool, rounds (conflicts, assignment, progress, results, the
buttons), swapping a reviewer, and the reviewer's own pages.

Staff pages look records up through the user's scope (`visible_to`). The reviewer's pages (`my_reviews`,
`review_sheet`) bypass the org scope for one thing only: the assignments of an Expert whose `user` is the
logged-in user (`review_services.reviewer_assignments`); any other assignment is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from zugong.core import scope
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.orgs.models import Organization

from .. import review_services as services
from ..conflicts import round_applications
from ..forms.review import DeclareForm, ExpertForm, PublishForm, RoundForm, ScoreSheetForm, SwapForm
from ..models import Assignment, Conflict, Expert, ReviewRound
from ..tables.review import ExpertFilterSet, ExpertTable, RoundFilterSet, RoundTable

# ---------------------------------------------------------------- the expert pool


@login_required
def experts(request):
    qs = Expert.objects.visible_to(request.user).select_related("unit", "user")
    return list_page(request, queryset=qs, filterset_class=ExpertFilterSet, table_class=ExpertTable,
                     template="talent/review/experts.html", title="评审专家库", export_name="评审专家库",
                     extra={"may_add": bool(scope.scope_paths(request.user, "manage"))})


def _may_manage(user, row) -> bool:
    return scope.can(user, "manage", row.issuing_path())


@login_required
def expert(request, pk):
    row = get_object_or_404(Expert.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, ExpertForm, saved="专家信息已保存", done=reverse("talent:experts"),
                    title=f"评审专家：{row.name}", allowed=_may_manage(request.user, row),
                    denied="只有专家库所属单位的管理员可以修改专家信息", user=request.user)


@login_required
def expert_new(request):
    paths = scope.scope_paths(request.user, "manage")
    org = Organization.objects.visible_to(request.user).filter(path__in=paths).order_by("path").first()
    if org is None:
        raise PermissionDenied("只有党组织管理员可以添加评审专家")
    row = Expert(organization=org)
    return row_page(request, row, ExpertForm, saved="专家已加入专家库", done=reverse("talent:experts"),
                    title=f"添加评审专家（{org.name}）", allowed=True, user=request.user)


# ---------------------------------------------------------------- rounds


@login_required
def rounds(request):
    qs = ReviewRound.objects.visible_to(request.user).select_related("edition", "tier")
    return list_page(request, queryset=qs, filterset_class=RoundFilterSet, table_class=RoundTable,
                     template="talent/review/rounds.html", title="专家评审轮次", export_name="专家评审轮次",
                     extra={"may_add": bool(scope.scope_paths(request.user, "manage"))})


@login_required
def round_new(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        row = form.instance
        if not _may_manage(request.user, row.edition):
            raise PermissionDenied("只有人才项目主办单位的管理员可以设立评审轮次")
        row.save()
        messages.success(request, "评审轮次已设立")
        return redirect("talent:round", pk=row.pk)
    return render(request, "core/form.html", {"form": form, "title": "设立专家评审轮次"})


ACTIONS = {
    "detect": (lambda u, r, d: services.detect_conflicts(u, r), "回避关系已排查"),
    "assign": (lambda u, r, d: services.assign_round(u, r), "评审专家已分配"),
    "reset": (lambda u, r, d: services.reset_assignments(u, r), "已撤销分配，可重新分配"),
    "open": (lambda u, r, d: services.open_round(u, r), "评审已开始"),
    "close": (lambda u, r, d: services.close_round(u, r), "评审已结束，结果待发布"),
    "publish": (lambda u, r, d: services.publish_round(u, r, d), "评审结果已发布"),
}


@login_required
def round_page(request, pk):
    rnd = get_object_or_404(ReviewRound.objects.visible_to(request.user).select_related("edition", "tier"), pk=pk)
    may = _may_manage(request.user, rnd)
    publish_form = PublishForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        if not may:
            raise PermissionDenied("只有人才项目主办单位的管理员可以组织专家评审")
        run, done = ACTIONS[action]
        on = None
        if action == "publish":
            on = publish_form.cleaned_data["on"] if publish_form.is_valid() else None
        try:
            result = run(request.user, rnd, on)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, done)
            for m in getattr(result, "short", {}).values():
                messages.warning(request, m)
        return redirect("talent:round", pk=rnd.pk)
    apps = list(round_applications(rnd))
    app_ids = [a.pk for a in apps]
    conflicts = (Conflict.objects.visible_to(request.user).filter(application_id__in=app_ids)
                 .select_related("expert", "application__person").order_by("application_id", "expert_id"))
    assignments = (Assignment.objects.visible_to(request.user).filter(round=rnd)
                   .select_related("expert", "application__person", "application__tier"))
    load = (Assignment.objects.visible_to(request.user).filter(round=rnd).values("expert__pk", "expert__name")
            .annotate(n=Count("pk"), done=Count("pk", filter=Q(submitted_at__isnull=False))).order_by("-n"))
    done, total = services.progress(rnd)
    closed = rnd.status in (ReviewRound.Status.CLOSED, ReviewRound.Status.PUBLISHED)
    results = services.round_results(rnd) if closed and may else []
    return render(request, "talent/review/round.html", {
        "round": rnd, "may": may, "apps": apps, "conflicts": conflicts, "assignments": assignments,
        "load": load, "done": done, "total": total, "results": results, "rule": services.TRIM_RULE,
        "publish_form": publish_form, "S": ReviewRound.Status})


@login_required
def assignment_swap(request, pk):
    a = get_object_or_404(Assignment.objects.visible_to(request.user).select_related("round", "expert",
                                                                                   "application__person"), pk=pk)
    if not _may_manage(request.user, a.round):
        raise PermissionDenied("只有人才项目主办单位的管理员可以更换评审专家")
    form = SwapForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.swap_reviewer(request.user, a, form.cleaned_data["expert"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "评审专家已更换")
            return redirect("talent:round", pk=a.round_id)
    return render(request, "core/form.html",
                  {"form": form, "title": f"更换评审专家：{a.application.person.name}（原专家 {a.expert.name}）"})


@login_required
def assignment_scores(request, pk):
    """The staff enter an expert's paper score sheet (an expert without a reviewer account)."""
    a = get_object_or_404(Assignment.objects.visible_to(request.user).select_related(
        "round", "expert", "application__person", "application__tier"), pk=pk)
    if not _may_manage(request.user, a.round):
        raise PermissionDenied("只有人才项目主办单位的管理员可以代录评分")
    criteria = services.criteria_for(a.application)
    initial = {"comment": a.comment}
    for s in services.scores_of(a):
        initial[f"score_{s.criterion_id}"], initial[f"comment_{s.criterion_id}"] = s.score, s.comment
    form = ScoreSheetForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_paper_scores(request.user, a, form.scores(), form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已代录专家“{a.expert.name}”的评分")
            return redirect("talent:round", pk=a.round_id)
    return render(request, "core/form.html", {
        "form": form, "title": f"代录纸质评分表：{a.application.person.name}（{a.application.tier.name}），专家 {a.expert.name}"})


# ---------------------------------------------------------------- the reviewer


@login_required
def my_reviews(request):
    rows = services.reviewer_assignments(request.user).order_by("round_id", "submitted_at", "pk")
    return render(request, "talent/review/my_reviews.html", {"rows": rows})


@login_required
def review_sheet(request, pk):
    a = services.reviewer_assignments(request.user).filter(pk=pk).first()
    if a is None:
        raise Http404
    app = a.application
    criteria = services.criteria_for(app)
    existing = {s.criterion_id: s for s in services.scores_of(a)}
    initial = {"comment": a.comment}
    for cid, s in existing.items():
        initial[f"score_{cid}"], initial[f"comment_{cid}"] = s.score, s.comment
    post = request.POST if request.method == "POST" else None
    form = ScoreSheetForm(post if post and post.get("action") == "score" else None, criteria=criteria,
                          initial=initial)
    declare = DeclareForm(post if post and post.get("action") == "declare" else None)
    if post and post.get("action") == "score" and form.is_valid():
        try:
            services.submit_scores(request.user, a, form.scores(), form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "评分已提交")
            return redirect("talent:my_reviews")
    if post and post.get("action") == "declare" and declare.is_valid():
        try:
            services.declare_conflict(request.user, a, declare.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(declare, exc)
        else:
            messages.success(request, "已申明回避，该申报不再由您评审")
            return redirect("talent:my_reviews")
    documents = services.documents_of(app)
    return render(request, "talent/review/sheet.html", {
        "a": a, "app": app, "form": form, "declare": declare, "documents": documents,
        "may_score": a.round.status == ReviewRound.Status.OPEN})


urlpatterns = [
    path("experts/", experts, name="experts"),
    path("experts/new/", expert_new, name="expert_new"),
    path("experts/<int:pk>/", expert, name="expert"),
    path("rounds/", rounds, name="rounds"),
    path("rounds/new/", round_new, name="round_new"),
    path("rounds/<int:pk>/", round_page, name="round"),
    path("assignments/<int:pk>/swap/", assignment_swap, name="assignment_swap"),
    path("assignments/<int:pk>/scores/", assignment_scores, name="assignment_scores"),
    path("reviews/", my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", review_sheet, name="review_sheet"),
]

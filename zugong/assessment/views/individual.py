"""Pages of routine (平时) and annual (年度) assessment of individuals: the rounds, the grades per pool with the
quota shown live, the confirming step (all or per person, refused rows with the reasons), and the result page
that explains every grade. Thin: permission, form, a service call, render; every query through the user's scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from zugong.core import record_tabs, rule_views, scope
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.orgs.models import Organization
from zugong.people.models import Person

from .. import bars
from .. import individual_services as services
from ..forms.individual import (
    ApprovalForm,
    ExceptionForm,
    OpenRoundForm,
    PolicyForm,
    PoolForm,
    PoolPeopleForm,
    QuotaRuleForm,
    UploadForm,
)
from ..models import (
    AnnualGrade,
    AnnualProposal,
    AnnualRound,
    AssessmentPolicy,
    Pool,
    PoolMember,
    QuotaRule,
    QuotaSnapshot,
    RoutineGrade,
    RoutineGradeValue,
    RoutineRound,
)
from ..quotas import policy_for

STATUS = AnnualProposal.Status


def _error_text(exc) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(m for ms in exc.message_dict.values() for m in ms)
    return "；".join(exc.messages) if hasattr(exc, "messages") else str(exc)


@login_required
def home(request):
    annual = (AnnualRound.objects.visible_to(request.user).select_related("organization")
              .annotate(n=Count("proposals"),
                        confirmed=Count("proposals", filter=Q(proposals__status=STATUS.CONFIRMED)),
                        refused=Count("proposals", filter=Q(proposals__status=STATUS.REFUSED)))[:50])
    routine = RoutineRound.objects.visible_to(request.user).select_related("organization").annotate(
        n=Count("grades"), confirmed=Count("grades", filter=Q(grades__status=STATUS.CONFIRMED)))[:50]
    form = OpenRoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        org, year, period = (form.cleaned_data[k] for k in ("organization", "year", "period"))
        try:
            if period:
                rnd = services.open_routine_round(request.user, org, year, period)
                return redirect("assessment:individual_routine", pk=rnd.pk)
            rnd = services.open_annual_round(request.user, org, year)
            return redirect("assessment:individual_annual", pk=rnd.pk)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
    return render(request, "assessment/individual/home.html", {"annual": annual, "routine": routine, "form": form})


# ---------------------------------------------------------------- routine


@login_required
def routine_round(request, pk):
    rnd = get_object_or_404(RoutineRound.objects.visible_to(request.user).select_related("organization"), pk=pk)
    units = Organization.objects.visible_to(request.user).filter(path__subtree=rnd.org_path).active().order_by(
        "path")[:300]
    unit = None
    if request.GET.get("unit") or request.POST.get("unit"):
        unit = get_object_or_404(units.model.objects.visible_to(request.user).filter(path__subtree=rnd.org_path),
                                 pk=request.GET.get("unit") or request.POST.get("unit"))
    if request.method == "POST":
        try:
            if "confirm" in request.POST:
                counts = services.confirm_routine(request.user, rnd)
                messages.success(request, f"已确认 {counts['confirmed']} 人；未通过 {counts['refused']} 人")
            elif unit is not None:
                people = Person.objects.visible_to(request.user, "change").filter(org_path__subtree=unit.path)
                chosen = {p: request.POST.get(f"g{p.pk}") for p in people if request.POST.get(f"g{p.pk}")}
                services.propose_routine(request.user, rnd, unit, chosen)
                messages.success(request, f"已保存 {len(chosen)} 人的拟定等次")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect(reverse("assessment:individual_routine", args=[rnd.pk])
                        + (f"?unit={unit.pk}" if unit else ""))
    grades = RoutineGrade.objects.visible_to(request.user).filter(round=rnd)
    per_pool = services.routine_quotas(rnd)
    pools = {p.pk: p for p in Pool.objects.visible_to(request.user).filter(pk__in=list(per_pool))}
    pool_rows = [{"pool": pools.get(pid), "quota": q, "n": n, "good": hits,
                  "over": bool(q and hits > q.allowed)} for pid, (q, n, hits) in per_pool.items() if pid in pools]
    rows = []
    if unit is not None:
        existing = {g.person_id: g for g in grades.filter(organization=unit).select_related("pool")}
        for p in Person.objects.visible_to(request.user).filter(org_path__subtree=unit.path).order_by(
                "stroke_key")[:500]:
            rows.append({"person": p, "grade": existing.get(p.pk)})
    return render(request, "assessment/individual/routine.html", {
        "round": rnd, "units": units, "unit": unit, "rows": rows, "pool_rows": pool_rows,
        "quota_data": {str(r["pool"].pk): {"name": r["pool"].name, "allowed": r["quota"].allowed if r["quota"] else None}
                       for r in pool_rows},
        "choices": RoutineGradeValue.choices, "refused": grades.filter(status=STATUS.REFUSED).select_related(
            "person", "pool")[:200],
        "can_confirm": scope.can(request.user, "manage", rnd.org_path),
        "can_propose": unit is not None and scope.can(request.user, "change", unit.path),
    })


# ---------------------------------------------------------------- annual


@login_required
def annual_round(request, pk):
    rnd = get_object_or_404(AnnualRound.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if request.method == "POST":
        return _annual_post(request, rnd)
    proposals = AnnualProposal.objects.visible_to(request.user).filter(round=rnd)
    status = request.GET.get("status", "")
    shown = proposals.filter(status=status) if status in STATUS.values else proposals
    page = Paginator(shown.select_related("person", "organization", "pool").order_by("org_path", "pool_id", "pk"),
                     50).get_page(request.GET.get("page"))
    counts = dict(proposals.order_by().values_list("status").annotate(c=Count("pk")))
    pool_counts = {r["pool_id"]: r for r in proposals.order_by().values("pool_id").annotate(
        n=Count("pk"), proposed_excellent=Count("pk", filter=Q(proposed=AnnualGrade.EXCELLENT)),
        excellent=Count("pk", filter=Q(status=STATUS.CONFIRMED, grade=AnnualGrade.EXCELLENT)))}
    snapshots = {s.pool_id: s for s in QuotaSnapshot.objects.visible_to(request.user).filter(
        annual_round=rnd).select_related("approval")}
    pools = Pool.objects.visible_to(request.user).filter(pk__in=list(pool_counts)).order_by("name")[:300]
    pool_rows = [{"pool": p, "counts": pool_counts[p.pk], "snapshot": snapshots.get(p.pk)} for p in pools]
    return render(request, "assessment/individual/annual.html", {
        "round": rnd, "page": page, "counts": counts, "total": sum(counts.values()), "status": status,
        "statuses": [(v, label, counts.get(v, 0)) for v, label in STATUS.choices], "pool_rows": pool_rows, "upload": UploadForm(),
        "approval_form": ApprovalForm(), "policy": policy_for(rnd.org_path),
        "can_confirm": scope.can(request.user, "manage", rnd.org_path),
    })


def _annual_post(request, rnd):
    back = redirect("assessment:individual_annual", pk=rnd.pk)
    try:
        if "confirm_all" in request.POST:
            counts = services.confirm_annual(request.user, rnd)
            messages.success(request, f"已确认 {counts['confirmed']} 人；未通过 {counts['refused']} 人；"
                                      f"暂缓定等次 {counts['pending']} 人")
        elif "confirm" in request.POST:
            proposal = get_object_or_404(AnnualProposal.objects.visible_to(request.user).filter(round=rnd),
                                         pk=request.POST["confirm"])
            counts = services.confirm_annual(request.user, rnd, AnnualProposal.objects.visible_to(
                request.user).filter(pk=proposal.pk))
            proposal.refresh_from_db()
            (messages.success if proposal.status == STATUS.CONFIRMED else messages.warning)(
                request, f"{proposal.person.name}：{proposal.get_status_display()}")
            return redirect("assessment:individual_result", pk=proposal.pk)
        elif "approve" in request.POST:
            pool = get_object_or_404(Pool.objects.visible_to(request.user), pk=request.POST["approve"])
            form = ApprovalForm(request.POST)
            if not form.is_valid():
                messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
                return back
            services.record_approval(request.user, pool, rnd.year, **form.cleaned_data)
            messages.success(request, f"已登记“{pool.name}”{rnd.year}年提高优秀比例的批准记录，请重新确认")
        elif "upload" in request.POST:
            return _upload(request, rnd)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return back


def _upload(request, rnd):
    from zugong.core import imports, jobs, uploads
    from zugong.core.models import Job

    form = UploadForm(request.POST, request.FILES)
    if not scope.scope_paths(request.user, "manage"):
        raise PermissionDenied("您没有导入数据的权限")
    if not form.is_valid() or not form.cleaned_data["file"].name.lower().endswith(".xlsx"):
        messages.error(request, "请选择 .xlsx 格式的 Excel 文件")
        return redirect("assessment:individual_annual", pk=rnd.pk)
    upload = form.cleaned_data["file"]
    try:
        uploads.check_before_storing(upload, "xlsx")
    except uploads.Refused as exc:
        messages.error(request, str(exc))
        return redirect("assessment:individual_annual", pk=rnd.pk)
    importer = imports.IMPORTERS["annual-grades"]
    job = Job(kind="import", title=f"{importer.title}导入（{rnd.year}年度）：{upload.name}", user=request.user,
              org_path=scope.scope_paths(request.user, "manage")[0],
              params={"importer": importer.kind, "mode": "all", "options": {"year": rnd.year}})
    uploads.store(job, upload)
    job.save()
    with scope.bypass():
        jobs.submit(job)
    return redirect("core:job", pk=job.pk)


# ---------------------------------------------------------------- the result: every grade explained


@login_required
def result(request, pk):
    proposal = get_object_or_404(AnnualProposal.objects.visible_to(request.user).select_related(
        "person", "organization", "pool", "round__organization", "confirmed_by", "exception_by"), pk=pk)
    rnd = proposal.round
    if request.method == "POST":
        form = ExceptionForm(request.POST)
        if form.is_valid():
            try:
                services.record_exception(request.user, proposal, form.cleaned_data["exception_reason"])
                messages.success(request, "已作为例外办理，确认时不再因上述原因退回")
                return redirect("assessment:individual_result", pk=proposal.pk)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _error_text(exc))
    else:
        form = ExceptionForm()
    routine = {(g.period): g for g in RoutineGrade.objects.visible_to(request.user).filter(
        person_id=proposal.person_id, year=proposal.year).select_related("round")}
    policy = policy_for(rnd.org_path)
    periods = policy.routine_periods if policy else 4
    from ..models.individual import period_label

    quarters = [{"label": period_label(i, periods), "grade": routine.get(i)} for i in range(1, periods + 1)]
    snapshot = QuotaSnapshot.objects.visible_to(request.user).filter(
        annual_round=rnd, pool=proposal.pool).select_related("rule", "approval").first()
    checked = bars.bars_for(proposal.year, [proposal.person_id]).get(proposal.person_id, [])
    bar_rows = [{"bar": b, "effect": bars.EFFECT_LABELS.get(b.effect, b.effect),
                 "url": rule_views.record_url(b.evidence, b.evidence_pk)} for b in checked]
    reasons = [dict(r, url=rule_views.record_url(r["evidence"], r["evidence_pk"]) if r.get("evidence") else None)
               for r in proposal.reasons or []]
    tab = request.GET.get("tab", "info")
    return render(request, "assessment/individual/result.html", {
        "p": proposal, "round": rnd, "quarters": quarters, "policy": policy, "snapshot": snapshot,
        "bar_rows": bar_rows, "reasons": reasons, "form": form, "tab": tab,
        "can_except": scope.can(request.user, "admin", rnd.org_path) and proposal.status != STATUS.CONFIRMED,
        "can_confirm": scope.can(request.user, "manage", rnd.org_path),
        **record_tabs.tabs(request, proposal, tab=tab),
    })


# ---------------------------------------------------------------- settings: quotas and the policy


DENIED = "只有制定该设定的组织部门（或其上级）的管理员可以修改考核设置"


@login_required
def settings_list(request):
    """等次比例和个人考核设置: the rows that apply to the user (their own, those above, the national defaults)."""
    quotas = QuotaRule.objects.visible_to(request.user).select_related("organization").order_by("kind", "org_path",
                                                                                                  "code")
    policies = AssessmentPolicy.objects.visible_to(request.user).select_related("organization").order_by("org_path",
                                                                                                         "code")
    return render(request, "assessment/individual/settings.html", {"quotas": quotas, "policies": policies})


@login_required
def quota_edit(request, pk):
    row = get_object_or_404(QuotaRule.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, QuotaRuleForm, saved="等次比例已保存", done=reverse("assessment:individual_settings"),
                    title=f"修改等次比例：{row.title}", denied=DENIED)


@login_required
def policy_edit(request, pk):
    row = get_object_or_404(AssessmentPolicy.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, PolicyForm, saved="个人考核设置已保存",
                    done=reverse("assessment:individual_settings"), title=f"修改个人考核设置：{row.title}",
                    denied=DENIED)


# ---------------------------------------------------------------- pools set up by hand


@login_required
def pool_list(request):
    """考核组: the default pools (per department, leaders apart) and those set up by hand."""
    pools = (Pool.objects.visible_to(request.user).filter(active=True).select_related("organization", "unit")
             .annotate(placed=Count("members")).order_by("org_path", "is_default", "name"))
    form = PoolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pool = services.create_pool(request.user, data["organization"], name=data["name"], kind=data["kind"],
                                        leaders=data["leaders"], category=data["category"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已设立考核组“{pool.name}”，请编入人员")
            return redirect("assessment:individual_pool", pk=pool.pk)
    page = Paginator(pools, 50).get_page(request.GET.get("page"))
    return render(request, "assessment/individual/pools.html", {"page": page, "form": form})


@login_required
def pool_detail(request, pk):
    pool = get_object_or_404(Pool.objects.visible_to(request.user).select_related("organization", "unit"), pk=pk)
    form = PoolPeopleForm(request.POST or None, user=request.user)
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                services.remove_from_pool(request.user, pool, int(request.POST["remove"]))
                messages.success(request, "已移出考核组（回到所在部门的考核组）")
                return redirect("assessment:individual_pool", pk=pool.pk)
            if form.is_valid():
                n = services.place_people(request.user, pool, form.cleaned_data["people"])
                messages.success(request, f"已编入 {n} 人")
                return redirect("assessment:individual_pool", pk=pool.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    members = (PoolMember.objects.visible_to(request.user).filter(pool=pool).select_related("person__organization")
               .order_by("person__stroke_key", "pk"))
    return render(request, "assessment/individual/pool.html", {
        "pool": pool, "form": form, "members": Paginator(members, 100).get_page(request.GET.get("page")),
        "can_manage": scope.can(request.user, "manage", pool.org_path)})


urlpatterns = [
    path("individual/", home, name="individual_home"),
    path("individual/routine/<int:pk>/", routine_round, name="individual_routine"),
    path("individual/annual/<int:pk>/", annual_round, name="individual_annual"),
    path("individual/result/<int:pk>/", result, name="individual_result"),
    path("individual/settings/", settings_list, name="individual_settings"),
    path("individual/pools/", pool_list, name="individual_pools"),
    path("individual/pools/<int:pk>/", pool_detail, name="individual_pool"),
    path("individual/settings/quotas/<int:pk>/", quota_edit, name="individual_quota_edit"),
    path("individual/settings/policies/<int:pk>/", policy_edit, name="individual_policy_edit"),
]

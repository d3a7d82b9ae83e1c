"""Talent pages: the pool — the list of recognised talents (filters, .xlsx export, .docx roster), a talent's page
(person, tier, period, tags, the allowance against the schedule, reviews, the application, dispatch records and
the priority counties), the support-period steps of a talent, the statistics with charts, the priority counties.
Thin: `pool_services` changes, `pool_selectors` reads; every query goes through `visible_to`."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import exports, record_tabs, scope
from zugong.core.config.services import can_edit
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from .. import pool_documents, pool_selectors
from .. import pool_services as services
from ..actions import ACTIONS
from ..forms import pool as pool_forms
from ..models import AllowanceInstalment, AllowancePayment, PeriodicReview, PriorityCounty, Talent
from ..steps import SUPPORT_STEPS, WORKFLOW
from ..tables.pool import TalentFilterSet, TalentTable

STEP_FORMS = {"allowance": pool_forms.AllowanceForm, "periodic_review": pool_forms.PeriodicReviewForm,
              "renew": pool_forms.RenewForm, "exit": pool_forms.ExitForm}


def _pool_qs(request):
    return Talent.objects.visible_to(request.user).select_related("person", "program", "organization")


@login_required
def pool(request):
    return list_page(request, queryset=_pool_qs(request), filterset_class=TalentFilterSet, table_class=TalentTable,
                     template="talent/pool/list.html", title="人才库", export_name="人才库",
                     extra={"query": request.GET.urlencode()})


@login_required
def pool_docx(request):
    """The roster (.docx) of the talents the list shows with the same filters."""
    filterset = TalentFilterSet(request.GET or None, queryset=_pool_qs(request), request=request)
    valid = filterset.is_bound and filterset.is_valid()
    qs = filterset.qs if valid else _pool_qs(request)
    content = pool_documents.pool_roster(qs.order_by("-since", "id").iterator(chunk_size=exports.CHUNK),
                                         exports.describe_filters(filterset.form) if valid else "")
    response = HttpResponse(content, content_type=pool_documents.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('人才库花名册.docx')}"
    return response


def _application_url(talent) -> str:
    if not talent.application_id:
        return ""
    try:
        return reverse("talent:detail", args=[talent.application_id])
    except NoReverseMatch:
        return ""


@login_required
def talent(request, pk):
    talent = get_object_or_404(_pool_qs(request).select_related("edition", "unit", "application"), pk=pk)
    payments = list(AllowancePayment.objects.visible_to(request.user).filter(talent=talent))
    reviews = list(PeriodicReview.objects.visible_to(request.user).filter(talent=talent))
    instalments = list(AllowanceInstalment.objects.visible_to(request.user).filter(tier_id=talent.tier_id)
                       .order_by("number")) if talent.tier_id else []
    today = timezone.localdate()
    counties = pool_selectors.counties_in_force(today)
    dispatches = pool_selectors.dispatches_of(request.user, [talent.person_id])
    dispatch_rows = []
    for d in dispatches:
        host_path = d.host_org.path if d.host_org_id else (d.host_unit.org_path if d.host_unit_id else "")
        dispatch_rows.append({"dispatch": d, "county": pool_selectors.county_of(host_path, counties)})
    may_change = scope.can(request.user, "change", talent.org_path)
    tab = "log" if request.GET.get("tab") == "log" else "findings"
    context = {
        "talent": talent, "person": talent.person, "schedule": services.schedule(talent, instalments, payments,
                                                                                  reviews, today),
        "reviews": sorted(reviews, key=lambda r: (r.year, r.kind)), "application_url": _application_url(talent),
        "dispatches": dispatch_rows, "unit_county": pool_selectors.county_of(talent.org_path, counties),
        "tags": services.split_tags(talent.tags), "may_change": may_change,
        "tags_form": pool_forms.TagsForm(initial={"tags": talent.tags}),
        "steps": [WORKFLOW.step(k) for k in SUPPORT_STEPS] if may_change and talent.status != "exited" else [],
        "tab": tab, **record_tabs.tabs(request, talent, tab=tab),
    }
    return render(request, "talent/pool/talent.html", context)


@login_required
@require_POST
def talent_tags(request, pk):
    talent = get_object_or_404(_pool_qs(request), pk=pk)
    form = pool_forms.TagsForm(request.POST)
    if form.is_valid():
        try:
            services.set_tags(request.user, talent, form.cleaned_data["tags"])
            messages.success(request, "已保存标签")
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, "；".join(getattr(e, "messages", None) or [str(e)]))
    return redirect("talent:talent", pk=talent.pk)


@login_required
def talent_step(request, pk):
    """A support-period step of a talent (?step=allowance|periodic_review|renew|exit): recorded on the
    application's timeline when the talent came through the chain, else on the talent."""
    talent = get_object_or_404(_pool_qs(request).select_related("application"), pk=pk)
    kind = request.GET.get("step", "")
    if kind not in STEP_FORMS:
        raise Http404
    if not scope.can(request.user, "change", talent.org_path):
        raise PermissionDenied("您无权修改该人才的信息")
    definition = WORKFLOW.step(kind)
    case = talent.application or talent
    form_class = STEP_FORMS[kind]
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, user=request.user, step=definition, case=case)
        if form.is_valid():
            try:
                ACTIONS[kind](request.user, case, form.record(), form.cleaned_data)
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, f"已记录“{definition.label}”")
                return redirect("talent:talent", pk=talent.pk)
    else:
        initial = {"on": timezone.localdate()}
        if kind == "periodic_review":
            initial |= {"kind": "annual", "year": timezone.localdate().year - 1, "grade": "qualified"}
        form = form_class(initial=initial, user=request.user, step=definition, case=case)
    return render(request, "talent/pool/step.html", {"talent": talent, "form": form, "definition": definition})


def _chart(kind: str, labels: list, values: list) -> dict:
    if not values:
        return {"series": []}
    if kind == "pie":
        return {"tooltip": {"trigger": "item"}, "legend": {"top": 0},
                "series": [{"type": "pie", "radius": "60%", "top": 30,
                            "data": [{"name": str(a), "value": b} for a, b in zip(labels, values)]}]}
    return {"tooltip": {"trigger": "axis"}, "grid": {"left": 10, "right": 20, "top": 20, "bottom": 10,
                                                      "containLabel": True},
            "xAxis": {"type": "category", "data": [str(a) for a in labels]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"name": "人数", "type": "bar" if kind == "bar" else "line", "data": values}]}


@login_required
def pool_stats(request):
    filterset = TalentFilterSet(request.GET or None, queryset=_pool_qs(request), request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else _pool_qs(request)
    figures = pool_selectors.stats(qs)
    panels = [
        ("tier", "按层次", "pie", [(r["tier_name"], r["n"]) for r in figures["by_tier"]]),
        ("field", "按专业领域", "bar", [(r["field"], r["n"]) for r in figures["by_field"]]),
        ("city", "按市", "bar", [(r["city"], r["n"]) for r in figures["by_city"]]),
        ("year", "按认定年度", "bar", [(r["year"], r["n"]) for r in figures["by_year"]]),
    ]
    context = {"filter": filterset, "figures": figures, "title": "人才库统计",
               "panels": [{"code": code, "title": title, "rows": rows,
                           "chart": _chart(kind, [a for a, _ in rows], [b for _, b in rows])}
                          for code, title, kind, rows in panels]}
    return render(request, "talent/pool/stats.html", context)


@login_required
def priority_counties(request):
    rows = list(PriorityCounty.objects.visible_to(request.user).select_related("organization")
                .order_by("until", "name"))
    form = pool_forms.PriorityCountyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_priority_county(request.user, data["organization"], since=data.get("since"),
                                         document=data.get("document", ""), name=data.get("name", ""))
        except PermissionDenied as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, f"已将{data['organization'].name}列入重点帮扶县名单")
            return redirect("talent:priority_counties")
    today = timezone.localdate()
    context = {"rows": [(r, can_edit(request.user, r.organization.path)) for r in rows], "form": form,
               "end_form": pool_forms.EndCountyForm(initial={"until": today}),
               "may_add": bool(scope.scope_paths(request.user, "admin"))}
    return render(request, "talent/pool/counties.html", context)


@login_required
@require_POST
def priority_county_end(request, pk):
    row = get_object_or_404(PriorityCounty.objects.visible_to(request.user).select_related("organization"), pk=pk)
    form = pool_forms.EndCountyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退出日期")
        return redirect("talent:priority_counties")
    try:
        services.end_priority_county(request.user, row, form.cleaned_data["until"])
        messages.success(request, f"{row.name}已退出重点帮扶县名单")
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(getattr(e, "messages", None) or [str(e)]))
    return redirect("talent:priority_counties")


urlpatterns = [
    path("pool/", pool, name="pool"),
    path("pool/roster.docx", pool_docx, name="pool_docx"),
    path("pool/stats/", pool_stats, name="pool_stats"),
    path("pool/<int:pk>/", talent, name="talent"),
    path("pool/<int:pk>/tags/", talent_tags, name="talent_tags"),
    path("pool/<int:pk>/step/", talent_step, name="talent_step"),
    path("priority-counties/", priority_counties, name="priority_counties"),
    path("priority-counties/<int:pk>/end/", priority_county_end, name="priority_county_end"),
]

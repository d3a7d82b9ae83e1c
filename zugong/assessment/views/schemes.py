"""Pages of the classified assessment (分类考核): the schemes, a scheme's ranked tables and bar charts per
category (and its indicators), the 计算 button, the .xlsx 考核结果通报, a unit's explained result (every line,
the radar of dimensions against the category's average, year over year) and the entry of typed-in values.
Thin: `schemes_services` does the work; every query goes through `visible_to`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from zugong.core import exports, scope
from zugong.orgs.models import Organization

from .. import schemes_services as services
from .. import scoring
from ..forms.schemes import ValuesForm
from ..models import IndicatorValue, Scheme, SchemeCategory, SchemeIndicator, SchemeUnit, UnitResult

GRADE_COLORS = ["#2fb344", "#206bc4", "#f59f00", "#d63939"]


def _scheme(request, pk) -> Scheme:
    return get_object_or_404(Scheme.objects.visible_to(request.user).select_related("organization"), pk=pk)


def _color(scheme: Scheme, grade: str) -> str:
    grades = list(scheme.grades)
    if grade == grades[-1] and len(grades) > 1:
        return GRADE_COLORS[-1]
    i = grades.index(grade) if grade in grades else 1
    return GRADE_COLORS[min(i, len(GRADE_COLORS) - 2)]


def short(name: str) -> str:
    return name.removeprefix("中共").removesuffix("委员会") or name


@login_required
def scheme_list(request):
    schemes = (Scheme.objects.visible_to(request.user).select_related("organization")
               .annotate(n_categories=Count("categories", distinct=True), n_units=Count("units", distinct=True))
               .order_by("-year", "code"))
    manage = bool(scope.scope_paths(request.user, "manage"))
    return render(request, "assessment/schemes/list.html", {"schemes": schemes, "may_import": manage})


def _category_rows(request, scheme: Scheme):
    """Each category of the scheme with the results the user may see (rank order) and its chart."""
    categories = list(SchemeCategory.objects.visible_to(request.user).filter(scheme=scheme).order_by("order", "pk"))
    results = (UnitResult.objects.visible_to(request.user).filter(scheme=scheme)
               .select_related("organization").order_by("rank", "org_path"))
    by_cat: dict[int, list[UnitResult]] = {}
    for r in results:
        by_cat.setdefault(r.category_id, []).append(r)
    placed = dict(SchemeUnit.objects.visible_to(request.user).filter(scheme=scheme).order_by()
                  .values("category").annotate(n=Count("pk")).values_list("category", "n"))
    out = []
    for cat in categories:
        rows = by_cat.get(cat.pk, [])
        chart = {
            "tooltip": {"trigger": "axis"}, "grid": {"containLabel": True, "left": 10, "right": 10, "bottom": 10},
            "xAxis": {"type": "category", "data": [short(r.organization.display_name) for r in rows],
                      "axisLabel": {"rotate": 30, "interval": 0}},
            "yAxis": {"type": "value", "name": "得分"},
            "series": [{"type": "bar", "name": "得分", "label": {"show": True, "position": "top"},
                        "data": [{"value": round(r.score, 2), "itemStyle": {"color": _color(scheme, r.grade)}}
                                 for r in rows]}],
        }
        out.append({"category": cat, "results": rows, "chart": chart, "units": placed.get(cat.pk, 0),
                    "option_id": f"option-{cat.pk}",
                    "limit": rows[0].top_limit if rows else scoring.top_limit(placed.get(cat.pk, 0), scheme.top_share)})
    return out


def _indicator_groups(request, scheme: Scheme):
    """Per category: its dimensions (weight = the sum of their indicators') with the indicators."""
    indicators = (SchemeIndicator.objects.visible_to(request.user).filter(category__scheme=scheme)
                  .select_related("category").order_by("category__order", "order", "pk"))
    groups: dict[int, dict] = {}
    for ind in indicators:
        g = groups.setdefault(ind.category_id, {"category": ind.category, "dimensions": {}})
        d = g["dimensions"].setdefault(ind.dimension, {"name": ind.dimension, "weight": 0, "indicators": []})
        d["weight"] += ind.weight
        method = scoring.METHODS.get(ind.method)
        d["indicators"].append({"ind": ind, "method": method.label if method else ind.method,
                                "params": method.describe(services.spec_of(ind)) if method else "",
                                "measure": services.measure_label(ind)})
    return [{"category": g["category"], "dimensions": list(g["dimensions"].values())} for g in groups.values()]


@login_required
def scheme_detail(request, pk):
    scheme = _scheme(request, pk)
    tab = request.GET.get("tab", "results")
    categories = _category_rows(request, scheme)
    if request.GET.get("export") == "xlsx":
        return _export(request, scheme, categories)
    context = {"scheme": scheme, "tab": tab, "categories": categories, "may_manage": services.can_manage(
        request.user, scheme), "grades": scheme.grades}
    if tab == "indicators":
        context["groups"] = _indicator_groups(request, scheme)
    return render(request, "assessment/schemes/detail.html", context)


def _export(request, scheme: Scheme, categories):
    """考核结果通报: per category a heading line, then rank, unit, score, grade."""
    rows = []
    for c in categories:
        rows.append([f"{c['category'].name}（{len(c['results'])} 个单位）", "", "", ""])
        for r in c["results"]:
            grade = r.grade + (f"（{r.get_veto_display()}）" if r.veto else "")
            rows.append([r.rank, r.organization.name, round(r.score, 2), grade])
        rows.append(["", "", "", ""])
    return exports.respond(request, exports.Export(
        f"{scheme.name}考核结果通报", ["名次", "单位", "得分", "等次"], lambda: rows, len(rows),
        f"方案：{scheme.code}（{scheme.year}年）", widths=[24, 40, 10, 16]))


@login_required
@require_POST
def scheme_compute(request, pk):
    scheme = _scheme(request, pk)
    run = services.compute(scheme, user=request.user, note="手动计算")
    messages.success(request, f"已计算 {run.units} 个单位的得分、名次和等次（用时 {run.seconds:.1f} 秒）")
    return redirect("assessment:scheme", pk=scheme.pk)


@login_required
def scheme_result(request, pk):
    result = get_object_or_404(UnitResult.objects.visible_to(request.user)
                               .select_related("scheme", "category", "organization"), pk=pk)
    scheme = result.scheme
    values = {v.indicator_id: v for v in IndicatorValue.objects.visible_to(request.user)
              .filter(organization=result.organization, indicator__category=result.category)
              .select_related("entered_by")}
    lines = services.explain(result, values)
    # the methods used, each once, with its formula (below the table)
    formulas = list(dict.fromkeys((line["method"], line["formula"]) for line in lines if line.get("method")))
    dims = scoring.dimension_weights(services.spec_of(i) for i in SchemeIndicator.objects.visible_to(request.user)
                                     .filter(category=result.category).order_by("order", "pk"))
    scoring_dims = {k: w for k, w in dims.items() if w > 0}
    radar = {
        "tooltip": {}, "legend": {"data": ["本单位", "本类别平均"], "bottom": 0},
        "radar": {"indicator": [{"name": k, "max": w} for k, w in scoring_dims.items()], "radius": "65%"},
        "series": [{"type": "radar", "data": [
            {"name": "本单位", "value": [round(result.dimensions.get(k, 0), 2) for k in scoring_dims]},
            {"name": "本类别平均", "value": [round(result.category_averages.get(k, 0), 2) for k in scoring_dims]}]}],
    }
    history = list(UnitResult.objects.visible_to(request.user)
                   .filter(organization=result.organization, scheme__org_path=scheme.org_path)
                   .select_related("scheme", "category").order_by("scheme__year", "scheme__code"))
    trend = {
        "tooltip": {"trigger": "axis"}, "legend": {"data": ["得分", "名次"], "bottom": 0},
        "grid": {"containLabel": True, "left": 10, "right": 10},
        "xAxis": {"type": "category", "data": [f"{h.scheme.year}年" for h in history]},
        "yAxis": [{"type": "value", "name": "得分"}, {"type": "value", "name": "名次", "inverse": True, "minInterval": 1, "min": 1}],
        "series": [{"name": "得分", "type": "bar", "data": [round(h.score, 2) for h in history]},
                   {"name": "名次", "type": "line", "yAxisIndex": 1, "data": [h.rank for h in history]}],
    }
    typed = SchemeIndicator.objects.visible_to(request.user).filter(category=result.category,
                                                                   source=SchemeIndicator.Source.TYPED).exists()
    unit = SchemeUnit.objects.visible_to(request.user).filter(scheme=scheme, organization=result.organization).first()
    return render(request, "assessment/schemes/result.html", {
        "result": result, "scheme": scheme, "lines": lines, "formulas": formulas, "radar": radar, "trend": trend, "history": history,
        "dimensions": [(k, w, result.dimensions.get(k, 0), result.category_averages.get(k, 0))
                       for k, w in dims.items()],
        "unit": unit, "may_enter": unit is not None and typed and scope.can(request.user, "change",
                                                                           result.organization.path)})


@login_required
def scheme_values(request, pk):
    """Typed-in values of one unit of a scheme (填报), saved as one audited operation; the category is scored
    again. `pk` is the unit's placement in the scheme (`SchemeUnit`); the user must be able to change the unit."""
    unit = get_object_or_404(SchemeUnit.objects.visible_to(request.user).select_related("category", "scheme"), pk=pk)
    scheme = unit.scheme
    organization = get_object_or_404(Organization.objects.visible_to(request.user, "change"),
                                     pk=unit.organization_id)
    indicators = list(SchemeIndicator.objects.visible_to(request.user).filter(
        category=unit.category, source=SchemeIndicator.Source.TYPED).order_by("order", "pk"))
    stored = {v.indicator_id: v for v in IndicatorValue.objects.visible_to(request.user).filter(
        organization=organization, indicator__in=indicators).select_related("entered_by")}
    form = ValuesForm(request.POST or None, indicators=indicators, stored=stored)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.save_values(request.user, scheme, organization, form.entered(), expected=form.expected())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存 {n} 项指标数值，并重新计算了“{unit.category.name}”的得分和名次"
                             if n else "数值没有变化")
            result = UnitResult.objects.visible_to(request.user).filter(scheme=scheme, organization=organization).first()
            return redirect("assessment:scheme_result", pk=result.pk) if result else redirect(
                "assessment:scheme", pk=scheme.pk)
    rows = [{"ind": i, "field": form[f"v{i.pk}"], "stored": stored.get(i.pk)} for i in indicators]
    return render(request, "assessment/schemes/values.html", {
        "scheme": scheme, "unit": unit, "organization": organization, "form": form, "rows": rows})


urlpatterns = [
    path("schemes/", scheme_list, name="schemes"),
    path("schemes/<int:pk>/", scheme_detail, name="scheme"),
    path("schemes/<int:pk>/compute/", scheme_compute, name="scheme_compute"),
    path("schemes/units/<int:pk>/values/", scheme_values, name="scheme_values"),
    path("schemes/results/<int:pk>/", scheme_result, name="scheme_result"),
]

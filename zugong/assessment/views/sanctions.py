"""Pages of sanctions (处分、问责、组织处理) and investigations per person, and the bars they put on an annual
grade. Thin: the services do the work; every query goes through `visible_to`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import record_tabs, scope
from zugong.core.config import services as config_services
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.people.models import Person

from .. import bars
from .. import sanctions_services as services
from ..forms.sanctions import CloseForm, InvestigationForm, RestoreForm, SanctionEffectForm, SanctionForm
from ..models import Investigation, Sanction, SanctionEffect

RELATED = ("person", "person__organization", "discipline_span")


def _sanction(request, pk) -> Sanction:
    return get_object_or_404(Sanction.objects.visible_to(request.user).select_related(*RELATED), pk=pk)


def _investigation(request, pk) -> Investigation:
    return get_object_or_404(Investigation.objects.visible_to(request.user)
                             .select_related("person", "person__organization", "sanction"), pk=pk)


def _require_change(request, person) -> None:
    if not services.can_change(request.user, person):
        raise PermissionDenied("您对该人员只有查看权限，不能登记或修改处分")


def _errors(form, exc) -> None:
    apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))


def _form_page(request, form, title, back, note=""):
    return render(request, "assessment/sanctions/form.html", {"form": form, "title": title, "back": back,
                                                              "note": note})


def bars_by_year(person_id: int, years) -> list[dict]:
    """The person's bars year by year (three queries a year), heaviest first."""
    rows = []
    for year in years:
        found = bars.bars_for(year, [person_id]).get(person_id, [])
        rows.append({"year": year, "bars": found, "ruling": bars.heaviest(found)})
    return rows


def _years(sanctions, investigations) -> list[int]:
    starts = [s.decided_on.year for s in sanctions] + [i.opened_on.year for i in investigations]
    if not starts:
        return []
    this_year = timezone.localdate().year
    return list(range(this_year, min(starts) - 1, -1))[:8]


def person_context(user, person) -> dict:
    sanctions = list(Sanction.objects.visible_to(user).filter(person=person).select_related("discipline_span"))
    investigations = list(Investigation.objects.visible_to(user).filter(person=person).select_related("sanction"))
    return {"person": person, "sanctions": sanctions, "investigations": investigations,
            "years": bars_by_year(person.pk, _years(sanctions, investigations)),
            "can_change": services.can_change(user, person)}


# ---------------------------------------------------------------- lists


@login_required
def sanction_list(request):
    from ..tables.sanctions import SanctionFilterSet, SanctionTable

    qs = Sanction.objects.visible_to(request.user).select_related("person", "person__organization")
    return list_page(request, queryset=qs, filterset_class=SanctionFilterSet, table_class=SanctionTable,
                     template="assessment/sanctions/list.html", title="处分、问责和组织处理",
                     export_name="处分、问责和组织处理",
                     extra={"can_change": bool(scope.scope_paths(request.user, "change")),
                            "new_url": "assessment:sanctions_create", "new_label": "登记处分"})


@login_required
def investigation_list(request):
    from ..tables.sanctions import InvestigationFilterSet, InvestigationTable

    qs = Investigation.objects.visible_to(request.user).select_related("person", "person__organization")
    return list_page(request, queryset=qs, filterset_class=InvestigationFilterSet, table_class=InvestigationTable,
                     template="assessment/sanctions/list.html", title="立案审查", export_name="立案审查",
                     extra={"can_change": bool(scope.scope_paths(request.user, "change")),
                            "new_url": "assessment:investigations_create", "new_label": "登记立案审查"})


# ---------------------------------------------------------------- a sanction


@login_required
def sanction_detail(request, pk):
    sanction = _sanction(request, pk)
    tab = request.GET.get("tab", "")
    context = {"sanction": sanction, "can_change": services.can_change(request.user, sanction.person),
               "investigations": Investigation.objects.visible_to(request.user).filter(sanction=sanction),
               **record_tabs.tabs(request, sanction, tab=tab, whole_record=True)}
    reach = [sanction.decided_on.year + i for i in range(4)]
    context["years"] = [y for y in bars_by_year(sanction.person_id, reach)
                        if any(b.evidence_pk == sanction.pk and b.evidence == bars.EVIDENCE_SANCTION
                               for b in y["bars"])]
    return render(request, "assessment/sanctions/detail.html", context)


@login_required
def sanction_create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记处分的权限")
    initial = {"decided_on": timezone.localdate()}
    if request.GET.get("person", "").isdigit():
        initial["person"] = request.GET["person"]
    form = SanctionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sanction = services.record_sanction(request.user, form.cleaned_data["person"], **form.values())
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已登记{sanction.person.name}的{sanction.get_kind_display()}")
            return redirect("assessment:sanctions_detail", pk=sanction.pk)
    return _form_page(request, form, "登记处分、问责或组织处理", reverse("assessment:sanctions_list"),
                      note="留党察看、开除党籍同时记入该党员的党员信息，无需另行登记。")


@login_required
def sanction_edit(request, pk):
    sanction = _sanction(request, pk)
    _require_change(request, sanction.person)
    form = SanctionForm(request.POST or None, instance=sanction, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_sanction(request.user, _sanction(request, pk), **form.values())
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, "处分记录已保存")
            return redirect("assessment:sanctions_detail", pk=pk)
    return _form_page(request, form, f"修改处分记录（{sanction.person.name}）",
                      reverse("assessment:sanctions_detail", args=[pk]))


@login_required
@require_POST
def sanction_delete(request, pk):
    sanction = _sanction(request, pk)
    _require_change(request, sanction.person)
    person = sanction.person
    for warning in services.delete_sanction(request.user, sanction):
        messages.warning(request, warning)
    messages.success(request, f"已删除{person.name}的处分记录")
    return redirect("assessment:sanctions_person", pk=person.pk)


@login_required
def sanction_restore(request, pk):
    sanction = _sanction(request, pk)
    _require_change(request, sanction.person)
    end = sanction.probation_end
    form = RestoreForm(request.POST or None, initial={"on": min(end, timezone.localdate()) if end else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.restore_rights(request.user, sanction, on=form.cleaned_data["on"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, "已登记恢复党员权利")
            return redirect("assessment:sanctions_detail", pk=pk)
    return _form_page(request, form, f"恢复党员权利（{sanction.person.name}）",
                      reverse("assessment:sanctions_detail", args=[pk]),
                      note=f"{sanction.text}，察看期至 {sanction.effective_until:%Y-%m-%d}。"
                      if sanction.effective_until else "")


@login_required
def person_sanctions(request, pk):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("organization"), pk=pk)
    return render(request, "assessment/sanctions/person.html", person_context(request.user, person))


# ---------------------------------------------------------------- investigations


@login_required
def investigation_detail(request, pk):
    record = _investigation(request, pk)
    context = {"record": record, "can_change": services.can_change(request.user, record.person),
               **record_tabs.tabs(request, record, tab=request.GET.get("tab", ""), whole_record=True)}
    return render(request, "assessment/sanctions/investigation.html", context)


@login_required
def investigation_create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记立案审查的权限")
    initial = {"opened_on": timezone.localdate()}
    if request.GET.get("person", "").isdigit():
        initial["person"] = request.GET["person"]
    form = InvestigationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record = services.open_investigation(request.user, data.pop("person"), **data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已登记{record.person.name}的立案审查")
            return redirect("assessment:investigations_detail", pk=record.pk)
    return _form_page(request, form, "登记立案审查", reverse("assessment:investigations_list"),
                      note="立案审查期间参加年度考核、暂不定等次；结案后不予处分或仅受警告的，补定等次。")


@login_required
def investigation_close(request, pk):
    record = _investigation(request, pk)
    _require_change(request, record.person)
    initial = {"closed_on": record.closed_on or timezone.localdate(), "outcome": record.outcome,
               "sanction": record.sanction_id}
    form = CloseForm(request.POST or None, record=record, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_investigation(request.user, record, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, "已登记结案")
            return redirect("assessment:investigations_detail", pk=pk)
    return _form_page(request, form, f"登记结案（{record.person.name}）",
                      reverse("assessment:investigations_detail", args=[pk]))


@login_required
@require_POST
def investigation_delete(request, pk):
    record = _investigation(request, pk)
    _require_change(request, record.person)
    person = record.person
    services.delete_investigation(request.user, record)
    messages.success(request, f"已删除{person.name}的立案审查记录")
    return redirect("assessment:sanctions_person", pk=person.pk)


# ---------------------------------------------------------------- the table (configuration)


@login_required
def effect_list(request):
    rows = list(SanctionEffect.objects.visible_to(request.user).select_related("organization")
                .order_by("org_path", "pk"))
    can_edit = {r.pk for r in rows if config_services.can_edit(request.user, r.org_path)}
    return render(request, "assessment/sanctions/effects.html", {"rows": rows, "can_edit": can_edit})


@login_required
def effect_edit(request, pk):
    row = get_object_or_404(SanctionEffect.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, SanctionEffectForm, saved=f"已保存“{row.get_kind_display()}”对年度考核的影响",
                    done=reverse("assessment:sanctions_effects"),
                    title=f"修改处分对年度考核的影响：{row.get_kind_display()}",
                    denied="只有组织部门管理员可以修改处分对年度考核的影响")


urlpatterns = [
    path("sanctions/", sanction_list, name="sanctions_list"),
    path("sanctions/new/", sanction_create, name="sanctions_create"),
    path("sanctions/<int:pk>/", sanction_detail, name="sanctions_detail"),
    path("sanctions/<int:pk>/edit/", sanction_edit, name="sanctions_edit"),
    path("sanctions/<int:pk>/delete/", sanction_delete, name="sanctions_delete"),
    path("sanctions/<int:pk>/restore/", sanction_restore, name="sanctions_restore"),
    path("sanctions/person/<int:pk>/", person_sanctions, name="sanctions_person"),
    path("sanctions/effects/", effect_list, name="sanctions_effects"),
    path("sanctions/effects/<int:pk>/", effect_edit, name="sanctions_effect_edit"),
    path("investigations/", investigation_list, name="investigations_list"),
    path("investigations/new/", investigation_create, name="investigations_create"),
    path("investigations/<int:pk>/", investigation_detail, name="investigations_detail"),
    path("investigations/<int:pk>/close/", investigation_close, name="investigations_close"),
    path("investigations/<int:pk>/delete/", investigation_delete, name="investigations_delete"),
]

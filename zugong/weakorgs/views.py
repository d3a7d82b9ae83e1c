"""Weak-organization pages: yearly lists (screening, draft, submit, approve), rectification ledger and case pages
(plan, progress, acceptance), manual flags, and the identification standards. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import jobs, record_tabs, scope
from zugong.core.config.views import new_edition_page, row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.core.middleware import client_ip
from zugong.core.models import Job
from zugong.orgs.models import Organization

from . import screening, services, stored
from .filtersets import CaseFilterSet, FlagFilterSet, ListFilterSet
from .forms import (
    AcceptanceForm,
    EntryAddForm,
    FlagForm,
    IndicatorForm,
    IndicatorSetCreateForm,
    IndicatorSetForm,
    ListCreateForm,
    PlanForm,
    ProgressForm,
)
from .models import Flag, IdentificationList, Indicator, IndicatorSet, Rectification, WeakOrganization
from .tables import CaseTable, FlagTable, ListTable


def _errors(request, exc: ValidationError):
    messages.error(request, "；".join(exc.messages))


# ---------------------------------------------------------------- lists


@login_required
def list_list(request):
    qs = (IdentificationList.objects.visible_to(request.user).select_related("organization")
          .annotate(entry_count=Count("entries")))
    form = ListCreateForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if form.is_valid():
            try:
                lst = services.create_list(request.user, form.cleaned_data["organization"], form.cleaned_data["year"],
                                           as_of=form.cleaned_data["as_of"], note=form.cleaned_data["note"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已排查建立名单草稿，列入 {lst.entries.visible_to(request.user).count()} 个党组织")
                return redirect("weakorgs:list_detail", pk=lst.pk)
    return list_page(request, queryset=qs, filterset_class=ListFilterSet, table_class=ListTable,
                     template="weakorgs/lists.html", title="软弱涣散基层党组织认定名单", export_name="认定名单",
                     extra={"create_form": form if scope.scope_paths(request.user, "change") else None})


def _get_list(request, pk) -> IdentificationList:
    return get_object_or_404(IdentificationList.objects.visible_to(request.user)
                             .select_related("organization", "indicator_set"), pk=pk)


@login_required
def list_detail(request, pk):
    lst = _get_list(request, pk)
    entries = (WeakOrganization.objects.visible_to(request.user).filter(identification_list=lst)
               .select_related("organization", "rectification"))
    can_change = scope.can(request.user, "change", lst.org_path)
    form = EntryAddForm(request.POST or None, user=request.user, indicator_set=lst.indicator_set)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_entry(request.user, lst, form.cleaned_data["organization"],
                                   codes=form.cleaned_data["codes"], note=form.cleaned_data["note"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已列入名单")
                return redirect("weakorgs:list_detail", pk=pk)
    return render(request, "weakorgs/list_detail.html", {
        "lst": lst, "entries": entries, "form": form, "title": str(lst),
        "can_change": can_change and lst.status == IdentificationList.Status.DRAFT,
        "can_approve": scope.can(request.user, "manage", lst.org_path)
        and lst.status == IdentificationList.Status.SUBMITTED,
        "log": record_tabs.log(request, lst)})


@require_POST
@login_required
def list_action(request, pk):
    lst = _get_list(request, pk)
    action = request.POST.get("action")
    try:
        if action == "submit":
            services.submit(request.user, lst)
            messages.success(request, "名单已报审")
        elif action == "approve":
            services.approve(request.user, lst, decision=request.POST.get("decision", ""))
            messages.success(request, "名单已审定，可以为列入的党组织建立整顿台账")
        elif action == "return":
            services.return_list(request.user, lst, request.POST.get("reason", ""))
            messages.success(request, "名单已退回修改")
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("weakorgs:list_detail", pk=pk)


@require_POST
@login_required
def entry_remove(request, pk):
    entry = get_object_or_404(WeakOrganization.objects.visible_to(request.user).select_related("identification_list"),
                              pk=pk)
    try:
        services.remove_entry(request.user, entry, request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已将“{entry.organization}”移出名单")
    return redirect("weakorgs:list_detail", pk=entry.identification_list_id)


SCREEN_PAGE = 50


@login_required
def screen(request):
    """Preview of screening a subtree on a date: every branch with a hit, whether it qualifies. Read from the
    stored measures (`stored.page`); 基准日 left empty means the day they were computed."""
    code = request.GET.get("org", "").strip()
    org = Organization.objects.visible_to(request.user).filter(code=code).first() if code else None
    if org is None:
        paths = scope.scope_paths(request.user)
        org = Organization.objects.visible_to(request.user).filter(path=paths[0]).first() if paths else None
    as_of = None
    if request.GET.get("as_of"):
        try:
            as_of = timezone.datetime.fromisoformat(request.GET["as_of"]).date()
        except ValueError:
            messages.error(request, "基准日应写作 2026-03-01")
    standard = screening.indicator_set_for(org.path, as_of or timezone.localdate()) if org else None
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        number = 1

    def read(n):
        if not standard:
            return stored.Page(screening.Ranked([], 0, 0), "missing", as_of or timezone.localdate(), None)
        return stored.page(standard, org.path, as_of, offset=(n - 1) * SCREEN_PAGE, limit=SCREEN_PAGE)

    result = read(number)
    found = result.found
    pages = max((found.count + SCREEN_PAGE - 1) // SCREEN_PAGE, 1)
    if number > pages and found.count:  # past the end: the last page
        number = pages
        result = read(number)
        found = result.found
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "weakorgs/screen.html", {
        "title": "软弱涣散排查", "org": org, "as_of": result.as_of, "standard": standard,
        "candidates": found.candidates, "count": found.count, "qualified": found.qualified, "code": code,
        "number": number, "pages": pages, "first_seq": (number - 1) * SCREEN_PAGE, "query": query.urlencode(),
        "source": result.source, "run": result.run,
        "can_refresh": bool(org) and scope.can(request.user, "manage", org.path)})


@require_POST
@login_required
def screen_refresh(request):
    """重新计算: a job computing the stored measures of the organization's subtree (as of the 基准日 given)."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), code=request.POST.get("org", ""))
    if not scope.can(request.user, "manage", org.path):
        raise PermissionDenied("只有本组织的组织部门管理人员可以重新计算排查数据")
    params = {"path": org.path, "ip": client_ip(request)}
    try:
        if request.POST.get("as_of"):
            params["as_of"] = timezone.datetime.fromisoformat(request.POST["as_of"]).date().isoformat()
    except ValueError:
        messages.error(request, "基准日应写作 2026-03-01")
        return redirect(f"{reverse('weakorgs:screen')}?org={org.code}")
    job = Job.objects.create(kind="weakorgs_measures", title=f"软弱涣散排查数据计算（{org.name}）",
                             user=request.user, org_path=org.path, params=params)
    with scope.bypass():
        jobs.submit(job)
    return redirect("core:job", pk=job.pk)


# ---------------------------------------------------------------- rectification


@login_required
def case_list(request):
    qs = (Rectification.objects.visible_to(request.user)
          .select_related("organization", "entry__identification_list").order_by("deadline", "pk"))
    return list_page(request, queryset=qs, filterset_class=CaseFilterSet, table_class=CaseTable,
                     template="weakorgs/cases.html", title="软弱涣散党组织整顿台账", export_name="整顿台账")


def _get_case(request, pk) -> Rectification:
    return get_object_or_404(Rectification.objects.visible_to(request.user)
                             .select_related("organization", "entry__identification_list__indicator_set"), pk=pk)


@login_required
def case_detail(request, pk):
    case = _get_case(request, pk)
    return render(request, "weakorgs/case_detail.html", {
        "case": case, "title": str(case), **record_tabs.tabs(request, case),
        "reports": case.reports.visible_to(request.user).select_related("reported_by"),
        "acceptances": case.acceptances.visible_to(request.user).select_related("checked_by_org", "recorded_by"),
        "standard": case.entry.identification_list.indicator_set,
        "can_change": scope.can(request.user, "change", case.org_path) and case.is_open,
        "can_accept": services.higher_can(request.user, case.org_path),
        "progress_form": ProgressForm(initial={"reported_on": timezone.localdate()}),
        "acceptance_form": AcceptanceForm(initial={"held_on": timezone.localdate()})})


@login_required
def open_case(request, pk):
    entry = get_object_or_404(WeakOrganization.objects.visible_to(request.user)
                              .select_related("organization", "identification_list__indicator_set"), pk=pk)
    if not scope.can(request.user, "change", entry.org_path):
        raise PermissionDenied("您无权为该党组织建立整顿台账")
    form = PlanForm(request.POST or None, initial={"started_on": timezone.localdate(),
                                                   "problems": "\n".join(f"{r['code']} {r['text']}：{r.get('detail', '')}"
                                                                         for r in entry.reasons)})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        started_on, deadline = data.pop("started_on"), data.pop("deadline")
        try:
            case, warnings = services.open_rectification(request.user, entry, started_on=started_on,
                                                         deadline=deadline, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            for rule, row in warnings:
                messages.warning(request, f"{rule.describe(row)}（{rule.citation}）")
            messages.success(request, "整顿台账已建立")
            return redirect("weakorgs:case_detail", pk=case.pk)
    return render(request, "core/form.html", {"form": form, "title": f"建立整顿台账：{entry.organization}"})


@login_required
def case_edit(request, pk):
    case = _get_case(request, pk)
    if not scope.can(request.user, "change", case.org_path):
        raise PermissionDenied("您无权修改该整顿台账")
    form = PlanForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("started_on", "deadline")}
        case.refresh_from_db()
        try:
            services.update_plan(request.user, case, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "整顿台账已保存")
            return redirect("weakorgs:case_detail", pk=pk)
    return render(request, "core/form.html", {"form": form, "title": f"修改整顿方案：{case.organization}"})


@require_POST
@login_required
def case_report(request, pk):
    case = _get_case(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.report_progress(request.user, case, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "进展已报告")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("weakorgs:case_detail", pk=pk)


@require_POST
@login_required
def case_apply(request, pk):
    case = _get_case(request, pk)
    try:
        services.apply_for_acceptance(request.user, case)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已申请验收")
    return redirect("weakorgs:case_detail", pk=pk)


@require_POST
@login_required
def case_accept(request, pk):
    case = _get_case(request, pk)
    form = AcceptanceForm(request.POST)
    if form.is_valid():
        try:
            result = services.accept(request.user, case, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            (messages.success if result.passed else messages.warning)(request, result.result_text)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("weakorgs:case_detail", pk=pk)


@require_POST
@login_required
def case_followup(request, pk):
    case = _get_case(request, pk)
    try:
        services.end_followup(request.user, case)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "跟踪巩固期满，整顿结束")
    return redirect("weakorgs:case_detail", pk=pk)


# ---------------------------------------------------------------- flags


@login_required
def flag_list(request):
    qs = Flag.objects.visible_to(request.user).select_related("organization", "indicator", "reported_by")
    form = FlagForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.flag(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已标记")
            return redirect("weakorgs:flags")
    return list_page(request, queryset=qs, filterset_class=FlagFilterSet, table_class=FlagTable,
                     template="weakorgs/flags.html", title="人工标记情形", export_name="人工标记情形",
                     extra={"create_form": form if scope.scope_paths(request.user, "change") else None})


@require_POST
@login_required
def flag_withdraw(request, pk):
    item = get_object_or_404(Flag.objects.visible_to(request.user), pk=pk)
    try:
        services.withdraw_flag(request.user, item, request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("weakorgs:flags")


# ---------------------------------------------------------------- standards (configuration)


@login_required
def standard_list(request):
    return render(request, "weakorgs/standards.html", {
        "title": "软弱涣散认定标准", "can_admin": bool(scope.scope_paths(request.user, "admin")),
        "standards": IndicatorSet.objects.visible_to(request.user).select_related("organization")})


def _standard_preview(standard, user) -> dict:
    indicators = list(standard.indicators.visible_to(user).order_by("order", "pk"))
    return {"preview_head": ["代码", "情形", "认定方式"],
            "preview_rows": [[i.code, i.text, ("直接认定" if i.direct_trigger else "综合研判")
                              + ("" if i.active else "（停用）")] for i in indicators],
            "preview_foot": f"共 {len(indicators)} 项情形，其中启用 {sum(i.active for i in indicators)} 项"}


@login_required
def standard_create(request):
    return new_edition_page(request, form_class=IndicatorSetCreateForm, create=services.create_standard,
                            preview=_standard_preview, cancel_url=reverse("weakorgs:standards"),
                            done="weakorgs:standard")


def _get_standard(request, pk) -> IndicatorSet:
    return get_object_or_404(IndicatorSet.objects.visible_to(request.user).select_related("organization"), pk=pk)


@login_required
def standard_detail(request, pk):
    standard = _get_standard(request, pk)
    return render(request, "weakorgs/standard.html", {
        "standard": standard, "title": str(standard),
        "indicators": standard.indicators.visible_to(request.user).order_by("order", "pk"),
        "can_admin": scope.can(request.user, "admin", standard.org_path),
        "can_issue": bool(scope.scope_paths(request.user, "admin"))})


@login_required
def standard_edit(request, pk):
    standard = _get_standard(request, pk)
    return row_page(request, standard, IndicatorSetForm, save=services.save_standard, saved="认定标准已保存",
                    done=reverse("weakorgs:standard", args=[pk]), title=f"修改认定标准：{standard}")


@login_required
def indicator_edit(request, pk):
    indicator = get_object_or_404(Indicator.objects.visible_to(request.user).select_related("indicator_set"), pk=pk)
    return _indicator_form(request, indicator.indicator_set, indicator)


@login_required
def indicator_create(request, pk):
    return _indicator_form(request, _get_standard(request, pk), None)


def _indicator_form(request, standard, indicator):
    return row_page(request, indicator or Indicator(indicator_set=standard), IndicatorForm,
                    save=services.save_indicator, saved="认定情形已保存",
                    done=reverse("weakorgs:standard", args=[standard.pk]),
                    title=f"修改认定情形：{indicator.code}" if indicator else f"新增认定情形：{standard}")

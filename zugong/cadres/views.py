"""Cadre pages: the roster (干部名册) with its export, the tabbed cadre page with in-place (htmx) editing of
each sub-record, appointment and removal (thin: the services act and are audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from zugong.core import record_tabs, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.orgs.models import Unit
from zugong.people.models import Person

from . import panels, services
from .filtersets import RosterFilterSet, ordering
from .forms import CHILD_FORMS, AppointForm, CadreForm, CreateCadreForm, EndPostForm
from .models import Cadre, CadrePost
from .tables import RosterTable

# The built-in tabs of the cadre page, in order: (key, title, child kind or None).
TABS = (
    ("info", "基本信息", None), ("posts", "现任职务", "post"), ("ranks", "职级", "rank"), ("resume", "简历", "resume"),
    ("education", "学历学位", "education"), ("rewards", "奖惩", "reward"), ("assessments", "年度考核", "assessment"),
    ("family", "家庭成员", "family"), ("training", "培训", "training"),
)
# The columns each sub-record table shows: (title, attribute or callable).
CHILD_COLUMNS = {
    "post": (("任职单位及职务", "full_title"), ("职务层次/职级", "rank_name"), ("任职时间", "start_on"),
             ("免职时间", "end_on"), ("任职方式", "get_appointment_method_display"), ("任职文号", "document_no"),
             ("主要职务", "is_main")),
    "rank": (("职级/级别", "rank_name"), ("起始时间", "start_on"), ("终止时间", "end_on"), ("批准文号", "document_no")),
    "resume": (("起止年月", "period"), ("单位及职务", "text"), ("其间", "during"), ("基层工作经历", "grassroots")),
    "education": (("类别", "get_mode_display"), ("学历", "education_text"), ("学位", "degree_text"),
                  ("毕业院校系及专业", "institution"), ("入学时间", "start_on"), ("毕业时间", "end_on")),
    "reward": (("时间", "on"), ("类别", "get_kind_display"), ("内容", "text"), ("批准机关", "authority")),
    "assessment": (("年度", "year"), ("考核等次", "get_grade_display"), ("说明", "note")),
    "family": (("称谓", "relation"), ("姓名", "name"), ("出生年月", "birth_display"),
               ("政治面貌", "political_status"), ("工作单位及职务", "work")),
    "training": (("培训名称", "name"), ("类型", "kind"), ("主办单位", "organizer"), ("开始", "start_on"),
                 ("结束", "end_on"), ("学时", "hours"), ("天数", "days")),
}
KIND_TAB = {kind: key for key, _, kind in TABS if kind}
KIND_TITLE = {kind: title for _, title, kind in TABS if kind}


def get_cadre(request, pk, action="view") -> Cadre:
    cadre = get_object_or_404(
        Cadre.objects.visible_to(request.user).select_related("person", "organization", "unit"), pk=pk
    )
    if action != "view" and not scope.can(request.user, action, cadre.org_path):
        raise PermissionDenied("您无权修改该干部的信息")
    return cadre


def _cell(obj, attr):
    value = getattr(obj, attr)
    value = value() if callable(value) else value
    if value is True:
        return "是"
    if value is False:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else value


def child_rows(request, cadre, kind):
    model = services.CHILD_MODELS[kind]
    qs = model.objects.visible_to(request.user).filter(cadre=cadre)
    if kind == "post":
        qs = qs.select_related("unit").order_by("end_on", "-is_main", "order", "-start_on")
    return [(obj, [_cell(obj, attr) for _, attr in CHILD_COLUMNS[kind]]) for obj in qs]


def section_context(request, cadre, kind, form=None, editing=None):
    return {
        "cadre": cadre, "kind": kind, "kind_title": KIND_TITLE[kind],
        "headers": [h for h, _ in CHILD_COLUMNS[kind]], "rows": child_rows(request, cadre, kind),
        "can_change": scope.can(request.user, "change", cadre.org_path), "form": form, "editing": editing,
        "tab_key": KIND_TAB[kind],
    }


# ---------------------------------------------------------------- roster


@login_required
def roster(request):
    sort = request.GET.get("sort") or "stroke"
    qs = Cadre.objects.visible_to(request.user).select_related("unit").order_by(*ordering(sort))
    return list_page(
        request, queryset=qs, filterset_class=RosterFilterSet, table_class=RosterTable,
        template="cadres/roster.html", title="干部名册", export_name="干部名册",
    )


@login_required
def unit_picker(request):
    """Units for a form's picker, by name, among those the user may see."""
    q = request.GET.get("q", "").strip()
    qs = Unit.objects.visible_to(request.user).filter(name__contains=q).order_by("name")
    return JsonResponse({"results": [{"id": u.pk, "text": u.name} for u in qs[:30]]})


# ---------------------------------------------------------------- the cadre page


@login_required
def detail(request, pk):
    cadre = get_cadre(request, pk)
    tab = request.GET.get("tab", "info")
    contributed = panels.registered()
    keys = {t[0] for t in TABS} | {p.key for p in contributed} | {"findings", "log"}
    if tab not in keys:
        tab = "info"
    context = {
        "cadre": cadre, "person": cadre.person, "tab": tab, "tabs": TABS, "panels": contributed,
        "can_change": scope.can(request.user, "change", cadre.org_path),
    }
    # The log shows the cadre's entries and those of the rows of its sections (résumé, education …).
    sections = [m.objects.visible_to(request.user).filter(cadre=cadre)
                for m in services.CHILD_MODELS.values()] if tab == "log" else []
    context.update(record_tabs.tabs(request, cadre, *sections, tab=tab))
    kind = dict((k, c) for k, _, c in TABS).get(tab)
    if tab == "info":
        context["current_posts"] = services.current_posts(cadre).select_related("unit")
        context["resume_text"] = services.resume_text(cadre)
        context["assessment_summary"] = services.assessment_summary(cadre)
        edus = list(services.CHILD_MODELS["education"].objects.visible_to(request.user).filter(cadre=cadre))
        context["full_time"] = [e for e in edus if e.mode == "full_time"]
        context["on_the_job"] = [e for e in edus if e.mode == "on_the_job"]
    elif kind:
        context.update(section_context(request, cadre, kind))
    elif tab not in ("findings", "log"):
        panels.cadre_page.add_tab_context(request, cadre, tab, context)
    return render(request, "cadres/detail.html", context)


@login_required
def create(request, pk):
    """Open a cadre record for a person (from the person page)."""
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    if not scope.can(request.user, "change", person.org_path):
        raise PermissionDenied("您无权修改该人员")
    existing = Cadre.objects.visible_to(request.user).filter(person=person).first()
    if existing:
        return redirect("cadres:detail", pk=existing.pk)
    form = CreateCadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("organization")
        try:
            cadre = services.create_cadre(request.user, person, org, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已建立干部信息")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "core/form.html", {"form": form, "title": f"建立干部信息：{person.name}", "object": person})


@login_required
def edit(request, pk):
    cadre = get_cadre(request, pk, "change")
    form = CadreForm(request.POST or None, instance=cadre)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cadre(request.user, cadre, **{f: form.cleaned_data[f] for f in form.changed_data})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "core/form.html", {"form": form, "title": f"编辑干部信息：{cadre.name}", "object": cadre})


@login_required
def appoint(request, pk):
    cadre = get_cadre(request, pk, "change")
    form = AppointForm(request.POST or None, user=request.user, cadre=cadre)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.appoint(cadre, user=request.user, title=d["title"], start_on=d["start_on"], unit=d["unit"],
                             unit_name=d["unit_name"], rank=d["rank"], appointment_method=d["appointment_method"],
                             document_no=d["document_no"], is_main=d["is_main"], replaces=list(d["replaces"]))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已任职")
            return redirect(reverse("cadres:detail", args=[cadre.pk]) + "?tab=posts")
    return render(request, "core/form.html", {"form": form, "title": f"任职：{cadre.name}", "object": cadre})


@login_required
def end_post(request, pk):
    post = get_object_or_404(CadrePost.objects.visible_to(request.user).select_related("cadre", "unit"), pk=pk)
    cadre = post.cadre
    if not scope.can(request.user, "change", post.org_path):
        raise PermissionDenied("您无权修改该干部的信息")
    form = EndPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_post(post, form.cleaned_data["end_on"], request.user, form.cleaned_data["document_no"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已免去{post.full_title}")
            return redirect(reverse("cadres:detail", args=[cadre.pk]) + "?tab=posts")
    return render(request, "core/form.html", {"form": form, "title": f"免职：{cadre.name} {post.full_title}",
                                              "object": cadre})


# ---------------------------------------------------------------- sub-records (htmx in place)


def _section(request, cadre, kind, form=None, editing=None):
    return render(request, "cadres/_section.html", section_context(request, cadre, kind, form, editing))


def _child_form(request, cadre, kind, instance=None):
    form = CHILD_FORMS[kind](request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            services.save_child(request.user, cadre, obj)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if request.htmx:
                return _section(request, cadre, kind)
            messages.success(request, "已保存")
            return redirect(reverse("cadres:detail", args=[cadre.pk]) + f"?tab={KIND_TAB[kind]}")
    if request.htmx:
        return _section(request, cadre, kind, form, instance or "new")
    title = f"{'修改' if instance else '添加'}{KIND_TITLE[kind]}：{cadre.name}"
    return render(request, "core/form.html", {"form": form, "title": title, "object": cadre})


@login_required
def child_add(request, pk, kind):
    cadre = get_cadre(request, pk, "change")
    return _child_form(request, cadre, kind)


def _get_child(request, pk, kind):
    model = services.CHILD_MODELS.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model.objects.visible_to(request.user).select_related("cadre"), pk=pk)
    if not scope.can(request.user, "change", obj.org_path):
        raise PermissionDenied("您无权修改该干部的信息")
    return obj


@login_required
def child_edit(request, pk, kind):
    obj = _get_child(request, pk, kind)
    return _child_form(request, obj.cadre, kind, obj)


@login_required
def child_delete(request, pk, kind):
    obj = _get_child(request, pk, kind)
    cadre = obj.cadre
    if request.method != "POST":
        return render(request, "members/confirm.html", {
            "form": None, "title": f"删除{KIND_TITLE[kind]}", "text": f"确定删除“{obj}”吗？", "object": cadre})
    services.delete_child(request.user, obj)
    if request.htmx:
        return _section(request, cadre, kind)
    messages.success(request, "已删除")
    return redirect(reverse("cadres:detail", args=[cadre.pk]) + f"?tab={KIND_TAB[kind]}")

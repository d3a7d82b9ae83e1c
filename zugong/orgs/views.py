"""Organization pages: the lazy tree, the list, an organization's page, and its operations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from zugong.core import record_tabs, rule_views, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from . import panels, services
from .filtersets import OrganizationFilterSet
from .forms import DissolveForm, MergeForm, MoveForm, OrganizationForm, UnitForm
from .models import Organization, Unit
from .tables import OrganizationTable


def visible(request, action="view"):
    return Organization.objects.visible_to(request.user, action)


def get_visible(request, pk, action="view") -> Organization:
    """The organization if the user may see it (404 otherwise, never 403: that would confirm it exists)."""
    org = get_object_or_404(visible(request), pk=pk)
    if action != "view" and not scope.can(request.user, action, org.path):
        raise PermissionDenied("您无权对该组织执行此操作")
    return org


def _with_counts(parent, children):
    counts = services.subtree_counts(parent)
    for child in children:
        c = counts.get(child.path, {})
        child.people_total, child.branch_total = c.get("people") or 0, c.get("branches") or 0
    return children


def _visible_chain(request, org):
    """Ancestors of an organization that lie inside the user's scope (for breadcrumbs)."""
    paths = [org.path[:i] for i in range(Organization.steplen, len(org.path), Organization.steplen)]
    return list(visible(request).filter(path__in=paths))


@login_required
def tree(request):
    roots = list(visible(request).filter(path__in=scope.scope_paths(request.user)))
    for root in roots:
        c = services.node_counts(root)
        root.people_total, root.branch_total = c["people"] or 0, c["branches"] or 0
    return render(request, "orgs/tree.html", {"roots": roots})


@login_required
def tree_children(request, pk):
    parent = get_visible(request, pk)
    children = list(visible(request).subtree(parent.path).filter(depth=parent.depth + 1))
    return render(request, "orgs/_tree_nodes.html", {"nodes": _with_counts(parent, children)})


@login_required
def tree_find(request):
    q = request.GET.get("q", "").strip()
    found = list(visible(request).filter(name__contains=q)[:30]) if q else []
    for org in found:
        org.chain = _visible_chain(request, org)
    return render(request, "orgs/_tree_found.html", {"found": found, "q": q})


@login_required
def org_list(request):
    return list_page(
        request, queryset=visible(request), filterset_class=OrganizationFilterSet, table_class=OrganizationTable,
        template="orgs/list.html", title="党组织列表", export_name="党组织列表",
    )


@login_required
def picker(request):
    """Organizations for a form's picker, by name or code, among those the user may act on."""
    action = request.GET.get("action", "view")
    if action not in scope.ACTION_RANK:
        action = "view"
    q = request.GET.get("q", "").strip()
    qs = visible(request, action).active()
    qs = qs.filter(code__startswith=q) if q.isdigit() else qs.filter(name__contains=q)
    return JsonResponse({"results": [{"id": o.pk, "text": f"{o.name}（{o.code}）"} for o in qs[:30]]})


@login_required
def detail(request, pk):
    org = get_visible(request, pk)
    tab = request.GET.get("tab", "info")
    children = list(visible(request).subtree(org.path).filter(depth=org.depth + 1))
    subtree_findings = rule_views.open_findings(request.user).subtree(org.path)
    problems = rule_views.child_counts(request.user, org)
    for child in children:
        child.problems = problems.get(child.path, {})
    context = {
        "org": org,
        "tab": tab,
        "tabs": panels.organization_page.tabs(org),
        "finding_counts": rule_views.severity_counts(subtree_findings),
        "chain": _visible_chain(request, org),
        "counts": services.node_counts(org),
        "children": _with_counts(org, children),
        "can_manage": scope.can(request.user, "manage", org.path),
        "can_change_unit": bool(org.unit_id) and scope.can(request.user, "change", org.unit.org_path),
    }
    if tab == "info":
        context["sections"] = panels.organization_page.sections(request, org)
    if tab == "log":
        context["log"] = record_tabs.log(request, org)
    if tab == "findings":
        page = Paginator(subtree_findings.select_related("organization", "person").order_by("org_path", "rule", "id"), 50)
        context["page"] = page.get_page(request.GET.get("page"))
        for f in context["page"]:
            f.url = rule_views.record_url(f.model, f.object_id)
    panels.organization_page.add_tab_context(request, org, tab, context)
    return render(request, "orgs/detail.html", context)


def _form_page(request, form, title, org=None):
    return render(request, "core/form.html", {"form": form, "title": title, "object": org})


@login_required
def create(request):
    parent = get_visible(request, request.GET.get("parent") or request.POST.get("parent") or 0, "manage")
    form = OrganizationForm(request.POST or None, initial={"sector": parent.sector})
    if request.method == "POST" and form.is_valid():
        try:
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            org = services.create(request.user, parent, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建“{org.name}”")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, f"在“{parent.name}”下新建组织", parent)


@login_required
def edit(request, pk):
    org = get_visible(request, pk, "manage")
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.update(request.user, org, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, f"编辑“{org.name}”", org)


@login_required
def unit_edit(request, pk):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not scope.can(request.user, "change", unit.org_path):
        raise PermissionDenied("您无权修改该单位的信息")
    form = UnitForm(request.POST or None, instance=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(request.user, unit, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            org = Organization.objects.visible_to(request.user).filter(unit=unit).first()
            return redirect("orgs:detail", pk=org.pk) if org else redirect("orgs:tree")
    return _form_page(request, form, f"编辑单位“{unit.name}”", unit)


def _operation(request, pk, form_class, title, perform):
    org = get_visible(request, pk, "manage")
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            message = perform(org, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, f"{title}：{org.name}", org)


@login_required
def move(request, pk):
    def perform(org, data):
        services.move(request.user, org, data["new_parent"], note=data["note"])
        return f"已将“{org.name}”调整到“{data['new_parent'].name}”之下"

    return _operation(request, pk, MoveForm, "调整隶属关系", perform)


@login_required
def merge(request, pk):
    def perform(org, data):
        services.merge(request.user, org, data["target"], data["on"], note=data["note"])
        return f"已将“{org.name}”并入“{data['target'].name}”"

    return _operation(request, pk, MergeForm, "合并组织", perform)


@login_required
def dissolve(request, pk):
    def perform(org, data):
        services.dissolve(request.user, org, data["receiver"], data["on"], note=data["note"])
        return f"已撤销“{org.name}”"

    return _operation(request, pk, DissolveForm, "撤销组织", perform)

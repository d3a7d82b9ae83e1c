"""Training pages: ledger — the list of credited hours (scoped, filtered, exported), a person's ledger, a
recognised activity entered with evidence, and the crediting rules (department admins edit them). Thin: the
services (`ledger_services`) and selectors (`ledger_selectors`) do the work; every query goes through
`visible_to`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import scope
from zugong.core.config import services as config_services
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.people.models import Person

from .. import ledger_services as services
from ..forms.ledger import ActivityForm, CreditRuleForm, IssueForm, RemoveForm
from ..models import Credit, CreditRule


def _year(request) -> int:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else timezone.localdate().year
    return year if 1949 <= year <= 9999 else timezone.localdate().year


@login_required
def credit_list(request):
    from ..tables.ledger import CreditFilterSet, CreditTable

    qs = Credit.objects.visible_to(request.user).select_related("person", "person__organization")
    return list_page(request, queryset=qs, filterset_class=CreditFilterSet, table_class=CreditTable,
                     template="training/ledger/list.html", title="学时台账", export_name="学时台账",
                     extra={"can_change": bool(scope.scope_paths(request.user, "change"))})


@login_required
def person_ledger(request, pk):
    """A person's ledger is part of their training page (standing by requirement and the lines of the year)."""
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    return redirect(f"{reverse('training:person', args=[person.pk])}?year={_year(request)}")


@login_required
def activity_new(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记学时的权限")
    initial = {"on": timezone.localdate()}
    if request.GET.get("person", "").isdigit():
        initial["person"] = request.GET["person"]
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person")
        try:
            line = services.record_activity(request.user, person, **data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc))
            else:
                apply_errors(form, exc)
        else:
            messages.success(request, f"已为{person.name}登记 {line.hours.normalize():f} 学时")
            return redirect(f"{reverse('training:person', args=[person.pk])}?year={line.year}")
    return render(request, "training/ledger/form.html", {
        "form": form, "title": "登记认可的学习活动", "multipart": True, "back": reverse("training:ledger_list"),
        "note": "集中学习、其他经认可的学习活动按实际学时登记，须上传证明材料；计入时适用本人所在组织的学时认定规则和上限。"})


@login_required
@require_POST
def line_remove(request, pk):
    line = get_object_or_404(Credit.objects.visible_to(request.user, "change").select_related("person"), pk=pk)
    form = RemoveForm(request.POST)
    back = f"{reverse('training:person', args=[line.person_id])}?year={line.year}"
    if not form.is_valid():
        messages.error(request, "请填写删除原因")
        return redirect(back)
    try:
        services.remove_line(request.user, line, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已删除该学时记录")
    return redirect(back)


@login_required
def evidence(request, pk):
    line = get_object_or_404(Credit.objects.visible_to(request.user), pk=pk)
    if not line.evidence:
        raise Http404
    return FileResponse(line.evidence.open("rb"), as_attachment=True, filename=line.evidence.name.rsplit("/", 1)[-1])


# ---------------------------------------------------------------- the crediting rules (configuration)


@login_required
def rule_list(request):
    rows = list(CreditRule.objects.visible_to(request.user).select_related("organization").order_by("org_path",
                                                                                                     "kind", "pk"))
    can_edit = {r.pk for r in rows if config_services.can_edit(request.user, r.org_path)}
    may_issue = bool(scope.scope_paths(request.user, "admin"))
    return render(request, "training/ledger/rules.html", {"rows": rows, "can_edit": can_edit, "may_issue": may_issue})


@login_required
def rule_edit(request, pk):
    row = get_object_or_404(CreditRule.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, CreditRuleForm, saved=f"已保存“{row.title}”", done=reverse("training:ledger_rules"),
                    title=f"修改学时认定规则：{row.title}（{row.kind_label}）",
                    denied="只有组织部门管理员可以修改学时认定规则")


@login_required
def rule_issue(request, pk):
    source = get_object_or_404(CreditRule.objects.visible_to(request.user), pk=pk)
    if not scope.scope_paths(request.user, "admin"):
        raise PermissionDenied("只有组织部门管理员可以设定学时认定规则")
    form = IssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.issue_rule(request.user, source, form.cleaned_data["organization"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已为本单位设定认定规则，请修改其中的数值")
            return redirect("training:ledger_rule_edit", pk=row.pk)
    return render(request, "training/ledger/form.html", {
        "form": form, "title": f"为本单位设定：{source.title}（{source.kind_label}）",
        "back": reverse("training:ledger_rules"),
        "note": "复制这条规则作为本单位及下级的认定规则；本单位设定的优先于上级和全国默认。"})


urlpatterns = [
    path("ledger/", credit_list, name="ledger_list"),
    path("ledger/new/", activity_new, name="ledger_new"),
    path("ledger/person/<int:pk>/", person_ledger, name="ledger_person"),
    path("ledger/<int:pk>/remove/", line_remove, name="ledger_remove"),
    path("ledger/<int:pk>/evidence/", evidence, name="ledger_evidence"),
    path("ledger/rules/", rule_list, name="ledger_rules"),
    path("ledger/rules/<int:pk>/", rule_edit, name="ledger_rule_edit"),
    path("ledger/rules/<int:pk>/issue/", rule_issue, name="ledger_rule_issue"),
]

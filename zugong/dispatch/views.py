"""Dispatch and rotation pages: lists by program and target group (with .xlsx export), a dispatch's page with
reports, evaluations, findings and log, the forms, work teams, rotation records, and the program settings.
Thin: the services do the work; every query goes through `visible_to`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from zugong.core import exports, record_tabs, rules, scope
from zugong.core.config import services as config_services
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from . import services
from .filtersets import (DispatchFilterSet, EvaluationFilterSet, ReportFilterSet, RotationFilterSet,
                         TeamFilterSet)
from .forms import (DispatchForm, EvaluationForm, ExtendForm, ProgramForm, RecallForm, ReportForm,
                    RotationEndForm, RotationForm, TeamForm)
from .models import Dispatch, DispatchReport, Evaluation, Program, Rotation, TargetGroup, WorkTeam


def _get(request, model, pk, related=()):
    return get_object_or_404(model.objects.visible_to(request.user).select_related(*related), pk=pk)


def _require_change(request, record):
    if not services.can_change(request.user, record):
        raise PermissionDenied("您对该记录只有查看权限，不能修改")


# ---------------------------------------------------------------- lists


def summary(qs) -> dict:
    """In-post dispatches per program and target group: one aggregate query over the (filtered) rows."""
    counts = qs.filter(status=Dispatch.Status.ACTIVE).values("program__name", "target_group").annotate(
        n=Count("pk")).order_by()
    groups = [(c, label) for c, label in TargetGroup.choices]
    table: dict[str, dict[str, int]] = {}
    for row in counts:
        table.setdefault(row["program__name"], {})[row["target_group"]] = row["n"]
    used = [g for g in groups if any(g[0] in t for t in table.values())]
    rows = [{"program": name, "counts": [table[name].get(c, 0) for c, _ in used], "total": sum(table[name].values())}
            for name in sorted(table)]
    return {"groups": used, "rows": rows, "total": sum(r["total"] for r in rows)}


@login_required
def dispatch_list(request):
    qs = (Dispatch.objects.visible_to(request.user)
          .select_related("person", "program", "organization", "mentor").order_by("program__kind", "-start_on", "pk"))
    filterset = DispatchFilterSet(request.GET or None, queryset=qs, request=request)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    if request.GET.get("export") == "summary":
        data = summary(filtered)
        headers = ["选派项目", *[label for _, label in data["groups"]], "合计"]
        rows = [[r["program"], *r["counts"], r["total"]] for r in data["rows"]]
        return exports.respond(request, exports.Export("选派人数统计", headers, lambda: rows, len(rows),
                                                       exports.describe_filters(filterset.form)))
    from .tables import DispatchTable

    return list_page(request, queryset=qs, filterset_class=DispatchFilterSet, table_class=DispatchTable,
                     template="dispatch/list.html", title="干部选派", export_name="干部选派台账",
                     extra={"summary": summary(filtered)})


@login_required
def report_list(request):
    from .tables import ReportTable

    qs = (DispatchReport.objects.visible_to(request.user)
          .select_related("dispatch__person", "dispatch__program").order_by("-period_start", "pk"))
    return list_page(request, queryset=qs, filterset_class=ReportFilterSet, table_class=ReportTable,
                     template="dispatch/simple_list.html", title="选派工作报告", export_name="选派工作报告")


@login_required
def evaluation_list(request):
    from .tables import EvaluationTable

    qs = (Evaluation.objects.visible_to(request.user)
          .select_related("dispatch__person", "dispatch__program").order_by("-evaluated_on", "pk"))
    return list_page(request, queryset=qs, filterset_class=EvaluationFilterSet, table_class=EvaluationTable,
                     template="dispatch/simple_list.html", title="选派考核", export_name="选派考核")


@login_required
def team_list(request):
    from .tables import TeamTable

    qs = (WorkTeam.objects.visible_to(request.user).with_member_counts().select_related("program", "organization")
          .order_by("-start_on", "pk"))
    return list_page(request, queryset=qs, filterset_class=TeamFilterSet, table_class=TeamTable,
                     template="dispatch/simple_list.html", title="驻村工作队", export_name="驻村工作队",
                     extra={"new_url": "dispatch:team_create", "new_label": "组建工作队"})


@login_required
def rotation_list(request):
    from .tables import RotationTable

    qs = Rotation.objects.visible_to(request.user).select_related("person").order_by("-on", "pk")
    return list_page(request, queryset=qs, filterset_class=RotationFilterSet, table_class=RotationTable,
                     template="dispatch/simple_list.html", title="干部交流", export_name="干部交流台账",
                     extra={"new_url": "dispatch:rotation_create", "new_label": "登记交流"})


# ---------------------------------------------------------------- a dispatch


@login_required
def detail(request, pk):
    record = _get(request, Dispatch, pk, ("person", "program", "organization", "host_org", "host_unit", "mentor",
                                          "team"))
    tab = request.GET.get("tab", "info")
    reports = list(DispatchReport.objects.visible_to(request.user).filter(dispatch=record).order_by("period_start"))
    total_days = sum(r.days_in_village or 0 for r in reports)
    total_workdays = sum(r.workdays or 0 for r in reports)
    context = {
        "record": record, "tab": tab, "reports": reports,
        "evaluations": Evaluation.objects.visible_to(request.user).filter(dispatch=record).order_by("evaluated_on"),
        "can_change": services.can_change(request.user, record),
        "days_left": (record.end_on - timezone.localdate()).days,
        "total_days": total_days, "total_workdays": total_workdays,
        "share": round(total_days * 100 / total_workdays) if total_workdays else None,
        "cadre_url": _cadre_url(record.person),
    }
    # Its findings sit on the sending side; the host side sees them here too.
    context.update(record_tabs.tabs(request, record, tab=tab, whole_record=True))
    return render(request, "dispatch/detail.html", context)


def _cadre_url(person):
    """The person's cadre page, when the cadres app is installed and the person has a cadre record."""
    from django.urls import NoReverseMatch, reverse

    cadre = getattr(person, "cadre", None) if hasattr(type(person), "cadre") else None
    if cadre is None:
        return None
    try:
        return reverse("cadres:detail", args=[cadre.pk])
    except NoReverseMatch:
        return None


def _form_page(request, form, title, record=None, back=None):
    return render(request, "dispatch/form.html", {"form": form, "title": title, "record": record, "back": back})


@login_required
def create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记选派的权限")
    can_except = bool(scope.scope_paths(request.user, "manage"))
    initial = {"start_on": timezone.localdate()}
    if request.GET.get("team"):
        team = WorkTeam.objects.visible_to(request.user, "change").filter(pk=request.GET["team"]).first()
        if team:
            initial |= {"team": team.pk, "program": team.program_id, "organization": team.organization_id,
                        "host_org": team.host_org_id, "host_name": team.host_name, "team_role": "member",
                        "sending_unit_name": team.sending_unit_name, "start_on": team.start_on,
                        "end_on": team.end_on}
    allow = can_except and "exception_reason" in request.POST
    form = DispatchForm(request.POST or None, user=request.user, allow_exception=allow, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.create_dispatch(request.user, **form.values())
        except rules.RuleViolation as exc:
            if can_except and "exception_reason" not in form.fields:
                form = DispatchForm(request.POST, user=request.user, allow_exception=True)
                form.is_valid()
            form.add_error(None, exc.messages)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已登记{result.obj.person.name}的选派")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("dispatch:detail", pk=result.obj.pk)
    return _form_page(request, form, "登记选派", back="dispatch:list")


def _step(request, pk, form_class, title, call, success, *, initial=None, allow_exception=False):
    """A form on one dispatch that calls a service; refusals and errors go back onto the form."""
    record = _get(request, Dispatch, pk, ("person", "program", "host_org", "host_unit"))
    _require_change(request, record)
    can_except = allow_exception and scope.can(request.user, "manage", record.org_path)
    kwargs = {"allow_exception": can_except and "exception_reason" in request.POST} if allow_exception else {}
    form = form_class(request.POST or None, initial=initial or {}, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            result = call(record, form.cleaned_data)
        except rules.RuleViolation as exc:
            if can_except and "exception_reason" not in form.fields:
                form = form_class(request.POST, allow_exception=True)
                form.is_valid()
            form.add_error(None, exc.messages)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, success)
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("dispatch:detail", pk=record.pk)
    return render(request, "dispatch/form.html", {"form": form, "title": f"{title}（{record.person.name}）",
                                                  "record": record})


@login_required
def report(request, pk):
    today = timezone.localdate()
    return _step(request, pk, ReportForm, "报送工作报告",
                 lambda r, d: services.record_report(request.user, r, **d), "已记录工作报告",
                 initial={"submitted_on": today, "period_start": today.replace(day=1)})


@login_required
def evaluate(request, pk):
    today = timezone.localdate()
    return _step(request, pk, EvaluationForm, "记录考核",
                 lambda r, d: services.evaluate(request.user, r, **d), "已记录考核",
                 initial={"evaluated_on": today, "year": today.year})


@login_required
def recall(request, pk):
    return _step(request, pk, RecallForm, "提前召回",
                 lambda r, d: services.recall(request.user, r, **d), "已记录提前召回",
                 initial={"on": timezone.localdate()})


@login_required
def extend(request, pk):
    return _step(request, pk, ExtendForm, "调整期满日期",
                 lambda r, d: services.extend_term(request.user, r, end_on=d["end_on"], reason=d["reason"],
                                                   exception_reason=d.get("exception_reason", "")),
                 "已调整期满日期", allow_exception=True)


# ---------------------------------------------------------------- work teams


@login_required
def team(request, pk):
    record = _get(request, WorkTeam, pk, ("program", "organization", "host_org"))
    members = (Dispatch.objects.visible_to(request.user).filter(team=record)
               .select_related("person").order_by("team_role", "start_on", "pk"))
    context = {"team": record, "members": members,
               "active_members": sum(1 for m in members if m.is_active),
               "can_change": services.can_change(request.user, record),
               **record_tabs.tabs(request, record, tab=request.GET.get("tab", ""), whole_record=True)}
    return render(request, "dispatch/team.html", context)


@login_required
def team_create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有组建驻村工作队的权限")
    form = TeamForm(request.POST or None, user=request.user, initial={"start_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.create_team(request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已组建{result.obj.name}，请登记队员")
            return redirect("dispatch:team", pk=result.obj.pk)
    return _form_page(request, form, "组建驻村工作队", back="dispatch:teams")


@login_required
def team_end(request, pk):
    record = _get(request, WorkTeam, pk, ("program",))
    _require_change(request, record)
    form = RotationEndForm(request.POST or None, initial={"on": timezone.localdate()})
    form.fields["on"].label = "撤回日期"
    del form.fields["note"]
    if request.method == "POST" and form.is_valid():
        try:
            services.end_team(request.user, record, on=form.cleaned_data["on"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "工作队已期满撤回")
            return redirect("dispatch:team", pk=record.pk)
    return _form_page(request, form, f"工作队期满撤回（{record.name}）")


# ---------------------------------------------------------------- rotation


@login_required
def rotation(request, pk):
    record = _get(request, Rotation, pk, ("person", "organization", "from_org", "to_org"))
    context = {"rotation": record, "can_change": services.can_change(request.user, record),
               "cadre_url": _cadre_url(record.person),
               **record_tabs.tabs(request, record, tab=request.GET.get("tab", ""), whole_record=True)}
    return render(request, "dispatch/rotation.html", context)


@login_required
def rotation_create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记干部交流的权限")
    form = RotationForm(request.POST or None, user=request.user, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_rotation(request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已登记{result.obj.person.name}的交流")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("dispatch:rotation", pk=result.obj.pk)
    return _form_page(request, form, "登记干部交流", back="dispatch:rotations")


@login_required
def rotation_end(request, pk):
    record = _get(request, Rotation, pk, ("person",))
    _require_change(request, record)
    form = RotationEndForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_rotation(request.user, record, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已记录交流返回或结束")
            return redirect("dispatch:rotation", pk=record.pk)
    return _form_page(request, form, f"记录交流返回或结束（{record.person.name}）")


# ---------------------------------------------------------------- programs


def _programs(user):
    """Programs issued within or above the user's subtrees, and the national ones (active or not)."""
    return Program.objects.visible_to(user).select_related("organization")


@login_required
def program_list(request):
    programs = list(_programs(request.user).order_by("kind", "code"))
    # National programs are edited by the department admins of a root; local ones by those of their subtree.
    can_edit = {p.pk for p in programs if config_services.can_edit(request.user, p.org_path)}
    return render(request, "dispatch/programs.html", {"programs": programs, "can_edit": can_edit,
                                                      "title": "选派项目设定"})


@login_required
def program_edit(request, pk):
    program = get_object_or_404(_programs(request.user), pk=pk)
    return row_page(request, program, ProgramForm, saved=f"已保存“{program.name}”的设定",
                    done=reverse("dispatch:programs"), title=f"修改选派项目设定：{program.name}",
                    denied="只有组织部门管理员可以修改选派项目设定", page="dispatch/form.html",
                    context={"back": "dispatch:programs"})




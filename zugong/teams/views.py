"""Pages of leadership teams: the list, a team (posts, holders, vacancies, structure, findings), the structure
analysis of a subtree (charts with their tables and an .xlsx export) and the configurable standards."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from zugong.cadres import ranks
from zugong.cadres.models import Cadre
from zugong.core import exports, record_tabs, rule_views, rules, scope
from zugong.core.config import services as config_services
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.core.models import LocalRule
from zugong.orgs.models import Organization

from . import queries, services, standards, structure
from .filtersets import TeamFilterSet
from .forms import AssignForm, CompositionForm, PostForm, ReleaseForm, TeamForm, VacancyForm
from .models import LeadershipTeam, TeamMember, TeamPost
from .tables import TeamTable


def visible(request, action="view"):
    return LeadershipTeam.objects.visible_to(request.user, action)


def get_team(request, pk, action="view") -> LeadershipTeam:
    team = get_object_or_404(visible(request).select_related("unit", "organization"), pk=pk)
    if action != "view" and not scope.can(request.user, action, team.org_path):
        raise PermissionDenied("您无权修改该领导班子")
    return team


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


# ---------------------------------------------------------------- list


@login_required
def team_list(request):
    today = timezone.localdate()
    qs = queries.team_counts(visible(request).select_related("unit", "organization"), today)
    return list_page(request, queryset=qs.order_by("org_path", "order", "pk"), filterset_class=TeamFilterSet,
                     table_class=TeamTable, template="teams/list.html", title="领导班子", export_name="领导班子",
                     extra={"can_manage_teams": bool(scope.scope_paths(request.user, "manage"))})


# ---------------------------------------------------------------- a team


@login_required
def detail(request, pk):
    team = get_team(request, pk)
    as_of = _as_of(request)
    tab = request.GET.get("tab", "posts")
    posts = list(queries.with_vacancy(TeamPost.objects.visible_to(request.user).filter(team=team), as_of)
                 .order_by("order", "pk"))
    members = TeamMember.objects.visible_to(request.user).filter(team=team)
    current = list(queries.with_tenure(members.filter(queries.holding_q(as_of)))
                   .select_related("post", "cadre").order_by("team_post__order", "post__start_on", "pk"))
    by_post = {}
    for m in current:
        m.age = m.cadre.age_on(as_of)
        m.years = _years(m.tenure_start, as_of)
        by_post.setdefault(m.team_post_id, []).append(m)
    for p in posts:
        p.current = by_post.get(p.pk, [])
    seats = TeamMember.objects.visible_to(request.user).filter(team=team)
    row = structure.total(seats, as_of, label=team.name)
    tabs = record_tabs.tabs(request, team, posts, members, tab=tab)  # the team's, its posts' and members'
    for f in tabs["findings"]:
        f.url = rule_views.record_url(f.model, f.object_id) if f.model != "teams.teampost" else None
    can_change = scope.can(request.user, "change", team.org_path)
    context = {
        "team": team, "tab": tab, "as_of": as_of, "posts": posts, "row": row, "charts": structure.charts(row),
        **tabs,
        "quota": sum(p.quota for p in posts), "held": sum(p.holders for p in posts),
        "vacancies": sum(p.vacancies for p in posts), "can_change": can_change,
        "can_manage": scope.can(request.user, "manage", team.org_path),
        "young_age": standards.young_age_labels(as_of).get(team.level),
    }
    if tab == "history":
        context["history"] = (members.filter(post__end_on__isnull=False).select_related("post", "cadre", "team_post")
                              .order_by("-post__end_on", "pk"))
    return render(request, "teams/detail.html", context)


def _years(start, as_of):
    if not start:
        return None
    return as_of.year - start.year - ((as_of.month, as_of.day) < (start.month, start.day))


@login_required
def post_redirect(request, pk):
    post = get_object_or_404(TeamPost.objects.visible_to(request.user), pk=pk)
    return redirect(reverse("teams:detail", args=[post.team_id]) + f"#post-{post.pk}")


@login_required
def member_redirect(request, pk):
    member = get_object_or_404(TeamMember.objects.visible_to(request.user), pk=pk)
    return redirect(reverse("teams:detail", args=[member.team_id]) + f"#post-{member.team_post_id}")


# ---------------------------------------------------------------- changes


@login_required
def create(request):
    if not scope.scope_paths(request.user, "manage"):
        raise PermissionDenied("您无权设立领导班子")
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            team = services.create_team(request.user, unit=data.pop("unit"), organization=data.pop("organization"),
                                        **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已设立“{team.name}”，请添加职位和职数")
            return redirect("teams:detail", pk=team.pk)
    return render(request, "core/form.html", {"form": form, "title": "设立领导班子"})


@login_required
def add_post(request, pk):
    team = get_team(request, pk, "manage")
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_post(request.user, team, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已添加职位“{form.cleaned_data['title']}”")
            return redirect("teams:detail", pk=team.pk)
    return render(request, "core/form.html", {"form": form, "title": f"{team.name} · 添加职位"})


@login_required
def edit_post(request, pk):
    post = get_object_or_404(TeamPost.objects.visible_to(request.user).select_related("team"), pk=pk)
    if not scope.can(request.user, "manage", post.org_path):
        raise PermissionDenied("您无权修改该班子的职位设置")
    form = PostForm(request.POST or None, initial={f: getattr(post, f) for f in services.POST_FIELDS}, record=post)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_post(request.user, post, **{k: v for k, v in form.cleaned_data.items()
                                                        if k != "vacant_since" or v})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存职位“{post.title}”")
            return redirect("teams:detail", pk=post.team_id)
    return render(request, "core/form.html", {"form": form, "title": f"{post.team.name} · {post.title}"})


@login_required
def assign(request, pk):
    team = get_team(request, pk, "change")
    initial = {"start_on": timezone.localdate()}
    if request.GET.get("post", "").isdigit():
        initial["team_post"] = int(request.GET["post"])
    form = AssignForm(request.POST or None, user=request.user, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.assign(request.user, data["team_post"], data["cadre"], start_on=data["start_on"],
                                     document_no=data["document_no"], appointment_method=data["appointment_method"],
                                     exception_reason=data["exception_reason"])
        except (ValidationError, rules.RuleViolation) as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已任命{member.cadre.name}为{team.name}“{member.team_post.title}”")
            return redirect("teams:detail", pk=team.pk)
    return render(request, "core/form.html", {"form": form, "title": f"{team.name} · 任职"})


@login_required
def release(request, pk):
    member = get_object_or_404(TeamMember.objects.visible_to(request.user).select_related("team", "cadre", "post"),
                               pk=pk)
    if not scope.can(request.user, "change", member.org_path):
        raise PermissionDenied("您无权调整该班子的成员")
    form = ReleaseForm(request.POST or None, initial={"end_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.release(request.user, member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已免去{member.cadre.name}的“{member.team_post.title}”职务")
            return redirect("teams:detail", pk=member.team_id)
    return render(request, "core/form.html", {"form": form,
                                              "title": f"免职：{member.cadre.name} · {member.team_post.title}"})


@login_required
def cadre_picker(request):
    q = request.GET.get("q", "").strip()
    qs = Cadre.objects.visible_to(request.user).filter(status=Cadre.Status.ACTIVE)
    qs = qs.filter(name__contains=q) if q else qs
    return JsonResponse({"results": [{"id": c.pk, "text": f"{c.name}（{c.current_title or '无现任职务'}）"}
                                     for c in qs.order_by("stroke_key")[:30]]})


# ---------------------------------------------------------------- structure analysis of a subtree


def _root_org(request, code):
    qs = Organization.objects.visible_to(request.user)
    if code:
        org = qs.filter(code=code).first()
        if org is None:
            raise Http404
        return org
    paths = scope.scope_paths(request.user)
    if not paths:
        raise PermissionDenied("您没有管辖范围")
    return Organization.objects.visible_to(request.user).filter(path=paths[0]).first()


POPULATIONS = {"team": "领导班子成员", "cadres": "全部在职干部"}


@login_required
def analysis(request):
    as_of = _as_of(request)
    code = request.GET.get("org", "").strip()
    org = _root_org(request, code)
    who = request.GET.get("who", "team")
    who = who if who in POPULATIONS else "team"
    if who == "cadres":
        rows = Cadre.objects.visible_to(request.user).subtree(org.path)
        level_field = "rank_level"
    else:
        rows = TeamMember.objects.visible_to(request.user).subtree(org.path)
        level_field = "team__level"
    level = request.GET.get("level", "")
    if level.isdigit():
        rows = rows.filter(**{level_field: int(level)})
    children, levels, total = structure.subtree(rows, as_of, org.path, org.steplen)
    visible_orgs = Organization.objects.visible_to(request.user).filter(path__in=list(children))
    names = {p: (name, c) for p, name, c in visible_orgs.values_list("path", "name", "code")}
    child_rows = []
    for path in sorted(children):
        row = children[path]
        name, child_code = names.get(path, (path, ""))
        row.label = "本级" if path == org.path else name
        if path != org.path and child_code:
            row.url = f"?org={child_code}&who={who}&as_of={as_of:%Y-%m-%d}"
        child_rows.append(row)
    level_rows = []
    for lv in sorted(levels, key=lambda v: (v is None, v)):
        levels[lv].label = ranks.LEVELS.get(lv, "未定职级")
        level_rows.append(levels[lv])
    if request.GET.get("export") == "xlsx":
        return _export(request, org, as_of, POPULATIONS[who], total, child_rows, level_rows)
    return render(request, "teams/analysis.html", {
        "title": "班子结构分析" if who == "team" else "干部队伍结构分析", "org": org, "code": code, "as_of": as_of,
        "level": level, "who": who, "populations": POPULATIONS, "total": total,
        "charts": structure.charts(total), "child_rows": child_rows, "level_rows": level_rows,
        "groups_chart": structure.groups_chart(child_rows), "headers": structure.table_headers()[1:],
        "young_ages": standards.young_age_labels(as_of),
        "level_choices": [(k, v) for k, v in ranks.LEVELS.items() if who == "cadres" or k <= 4],
    })


def _export(request, org, as_of, population, total, child_rows, level_rows):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append([f"{org.name} {population}结构分析（{as_of:%Y-%m-%d}）"])
    ws.append(["指标", "人数", "占比"])
    for label, value, share in total.indicators:
        ws.append([label, value, share])
    for code, title, labels in structure.DIMENSIONS:
        ws.append([])
        ws.append([title, "人数", "占比"])
        for label, n in zip(labels, total.bands[code]):
            ws.append([label, n, total.share(n)])
    for title, rows in (("按下级组织", child_rows), ("按层级", level_rows)):
        sheet = wb.create_sheet(title)
        sheet.append(structure.table_headers())
        for row in [*rows, total]:
            sheet.append(structure.table_row(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    level = f"；职级：{request.GET['level']}" if request.GET.get("level") else ""
    return exports.recorded(request, f"{population}结构分析_{org.name}_{as_of:%Y%m%d}", buf.getvalue(),
                            rows=len(child_rows) + len(level_rows), filters=f"组织：{org.name}；日期：{as_of}{level}")


# ---------------------------------------------------------------- standards (configurable local rules)


def _standard_rows(user):
    return (LocalRule.objects.visible_to(user).filter(template__in=(standards.COMPOSITION, standards.VACANCY))
            .select_related("organization").order_by("template", "organization__path", "code"))


@login_required
def standard_list(request):
    rows = _standard_rows(request.user)
    for r in rows:
        r.can_edit = config_services.can_edit(request.user, r.org_path)
        r.level_name = ranks.LEVELS.get(standards.level_of(r), "")
    return render(request, "teams/standards.html", {
        "title": "班子配备要求", "rows": rows, "can_admin": bool(scope.scope_paths(request.user, "admin")),
        "admin_orgs": Organization.objects.visible_to(request.user, "admin").filter(
            path__in=scope.scope_paths(request.user, "admin")),
    })


def _form_class(template):
    return CompositionForm if template == standards.COMPOSITION else VacancyForm


@login_required
def standard_edit(request, pk):
    row = get_object_or_404(_standard_rows(request.user), pk=pk)
    return row_page(request, row, _form_class(row.template), saved=f"已保存“{row.title}”，下次规则检查和结构分析起生效",
                    done=reverse("teams:standards"), title=f"班子配备要求 · {row.organization.name}",
                    denied="只有组织部管理员可以修改班子配备要求")


@login_required
def standard_create(request):
    template = request.GET.get("template", standards.COMPOSITION)
    if template not in (standards.COMPOSITION, standards.VACANCY):
        raise Http404
    org = _root_org(request, request.GET.get("org", "").strip())
    form_class = _form_class(template)
    defaults = {"kinds": standards.DEFAULT_KINDS, "women": 1, "young": 1, "months": standards.DEFAULT_VACANCY_MONTHS}
    row = LocalRule(template=template, organization=org, severity="warning", active=True,
                    params={k: v for k, v in defaults.items() if k in form_class.PARAMS})
    return row_page(request, row, form_class, save=services.create_standard,
                    saved="已保存班子配备要求，下次规则检查和结构分析起生效", done=reverse("teams:standards"),
                    title=f"班子配备要求 · {org.name}", denied="只有组织部管理员可以设定班子配备要求")

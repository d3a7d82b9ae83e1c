"""Pages of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes.

Every page of a record looks it up through the user's scope (`visible_to`); changes go through
`ballots_services`. The ballot pages (`ballots_vote`, `ballots_vote_code`) need no login: the voter code is the
only key, and they show nothing but the ballot of an open round.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import record_tabs, scope
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.core.middleware import client_ip
from zugong.teams.models import LeadershipTeam

from .. import ballots_services as services
from .. import ballots_tally as tally
from ..forms.ballots import (
    BarForm,
    ClassesForm,
    CodeForm,
    FollowUpForm,
    IssueForm,
    LeaderGradeForm,
    RoundForm,
    RulesForm,
    TeamGradeForm,
    ballot_levels,
)
from ..models import (
    BallotRound,
    BallotRules,
    BallotSubject,
    CodeBatch,
    ExcellenceBar,
    LeaderAssessment,
    TeamAssessment,
    VoterClass,
)
from ..tables.ballots import RoundFilterSet, RoundTable, TeamGradeFilterSet, TeamGradeTable


def _round(request, pk, action="view") -> BallotRound:
    round = get_object_or_404(BallotRound.objects.visible_to(request.user).select_related("organization", "rules",
                                                                                           "team"), pk=pk)
    if action != "view" and not scope.can(request.user, action, round.org_path):
        raise PermissionDenied("您无权修改该民主测评")
    return round


def _done(request, message: str, pk: int, name="assessment:ballots_round"):
    messages.success(request, message)
    return redirect(name, pk=pk)


def _refused(request, exc: ValidationError, pk: int):
    for m in exc.messages:
        messages.error(request, m)
    return redirect("assessment:ballots_round", pk=pk)


# ---------------------------------------------------------------- team and leader grades


@login_required
def team_grades(request):
    leaders = (LeaderAssessment.objects.visible_to(request.user)
               .filter(team=OuterRef("team"), year=OuterRef("year"), mode=OuterRef("mode"), period=OuterRef("period"))
               .order_by().values("team").annotate(n=Count("pk")).values("n"))
    qs = (TeamAssessment.objects.visible_to(request.user).select_related("team")
          .annotate(leader_count=Coalesce(Subquery(leaders[:1]), 0)).order_by("-year", "org_path", "pk"))
    return list_page(request, queryset=qs, filterset_class=TeamGradeFilterSet, table_class=TeamGradeTable,
                     template="assessment/ballots/team_grades.html", title="领导班子和领导干部考核",
                     export_name="领导班子考核等次",
                     extra={"can_record": bool(scope.scope_paths(request.user, "change"))})


@login_required
def team_grade_create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您无权评定考核等次")
    team = None
    wanted = request.GET.get("team", "")
    if wanted.isdigit():
        team = LeadershipTeam.objects.visible_to(request.user, "change").filter(pk=wanted).first()
    form = TeamGradeForm(request.POST or None, user=request.user, team=team)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        existing = TeamAssessment.objects.visible_to(request.user).filter(
            team=team, year=data["year"], mode=data["mode"], period=data["period"]).first()
        try:
            row = services.record_team_grade(request.user, team, row=existing, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已评定“{team.name}”{row.period_label}等次为“{row.get_grade_display()}”")
            return redirect("assessment:ballots_team", pk=row.pk)
    return render(request, "assessment/ballots/form.html", {"form": form, "title": "评定领导班子考核等次",
                                                            "back": reverse("assessment:ballots_teams")})


@login_required
def team_grade(request, pk):
    row = get_object_or_404(TeamAssessment.objects.visible_to(request.user).select_related("team", "team__unit"),
                            pk=pk)
    tab = request.GET.get("tab", "info")
    leaders = list(LeaderAssessment.objects.visible_to(request.user).filter(
        team=row.team, year=row.year, mode=row.mode, period=row.period).select_related("cadre").order_by("pk"))
    context = {"row": row, "leaders": leaders, "tab": tab,
               "can_change": scope.can(request.user, "change", row.org_path),
               **record_tabs.tabs(request, row, leaders, tab=tab)}
    return render(request, "assessment/ballots/team_grade.html", context)


@login_required
def leader_grade_create(request, pk):
    row = get_object_or_404(TeamAssessment.objects.visible_to(request.user).select_related("team"), pk=pk)
    if not scope.can(request.user, "change", row.org_path):
        raise PermissionDenied("您无权评定考核等次")
    members = services.team_members(row.team, row.assessed_on)
    form = LeaderGradeForm(request.POST or None, team=row.team, members=members,
                           initial={"year": row.year, "mode": row.mode, "period": row.period,
                                    "assessed_on": row.assessed_on})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = {c.pk: (c, title) for c, title in members}
        cadre, title = chosen[data.pop("cadre")]
        existing = LeaderAssessment.objects.visible_to(request.user).filter(
            team=row.team, cadre=cadre, year=data["year"], mode=data["mode"], period=data["period"]).first()
        try:
            services.record_leader_grade(request.user, row.team, cadre, post_title=title, row=existing, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已评定{cadre.name}的考核等次")
            return redirect("assessment:ballots_team", pk=row.pk)
    return render(request, "assessment/ballots/form.html", {
        "form": form, "title": f"{row.team.name} · 评定领导干部考核等次",
        "back": reverse("assessment:ballots_team", args=[row.pk])})


@login_required
def leader_grade(request, pk):
    leader = get_object_or_404(LeaderAssessment.objects.visible_to(request.user), pk=pk)
    team_row = TeamAssessment.objects.visible_to(request.user).filter(
        team=leader.team_id, year=leader.year, mode=leader.mode, period=leader.period).first()
    if team_row is None:
        return redirect("assessment:ballots_teams")
    return redirect(reverse("assessment:ballots_team", args=[team_row.pk]) + f"#leader-{leader.pk}")


# ---------------------------------------------------------------- configuration


@login_required
def bar_list(request):
    rows = ExcellenceBar.objects.visible_to(request.user).select_related("organization").order_by("order", "pk")
    return render(request, "assessment/ballots/bars.html", {"rows": rows})


@login_required
def bar_edit(request, pk):
    row = get_object_or_404(ExcellenceBar.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, BarForm, saved="已保存", done=reverse("assessment:ballots_bars"),
                    title=f"修改不得评为优秀的情形（第 {row.order} 项）")


@login_required
def rules_list(request):
    rows = BallotRules.objects.visible_to(request.user).select_related("organization").order_by("org_path", "pk")
    return render(request, "assessment/ballots/rules.html", {"rows": rows})


@login_required
def rules_edit(request, pk):
    row = get_object_or_404(BallotRules.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, RulesForm, save=services.save_rules, saved="测评规则已保存",
                    done=reverse("assessment:ballots_rules"), title=f"修改测评规则：{row.name}")


# ---------------------------------------------------------------- rounds


@login_required
def round_list(request):
    qs = (BallotRound.objects.visible_to(request.user).select_related("organization")
          .annotate(subject_count=Count("subjects", distinct=True),
                    flagged_count=Count("subjects", filter=Q(subjects__flagged=True), distinct=True))
          .order_by("-opens_on", "-pk"))
    return list_page(request, queryset=qs, filterset_class=RoundFilterSet, table_class=RoundTable,
                     template="assessment/ballots/rounds.html", title="民主测评", export_name="民主测评",
                     extra={"can_create": bool(scope.scope_paths(request.user, "change"))})


@login_required
def round_create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您无权组织民主测评")
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            round = services.create_round(request.user, rules_row=data.pop("rules"), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(request, f"已建立“{round.title}”，请发放投票码", round.pk)
    return render(request, "assessment/ballots/form.html", {"form": form, "title": "组织民主测评",
                                                            "back": reverse("assessment:ballots_rounds")})


@login_required
def round_detail(request, pk):
    round = _round(request, pk)
    tab = request.GET.get("tab", "setup")
    can_change = scope.can(request.user, "change", round.org_path) and not round.closed
    classes = list(VoterClass.objects.visible_to(request.user).filter(round=round).order_by("order", "pk"))
    context = {
        "round": round, "tab": tab, "can_change": can_change,
        "subjects": BallotSubject.objects.visible_to(request.user).filter(round=round).order_by("order", "pk"),
        "turnout": services.turnout(round), "classes": classes,
        "batches": CodeBatch.objects.visible_to(request.user).filter(round=round).select_related("voter_class")
        .order_by("pk"),
        "issue_form": IssueForm(classes=classes),
        "classes_form": ClassesForm(initial={"classes": "\n".join(f"{c.name} {c.weight.normalize():f}"
                                                                   for c in classes)}),
        "teams": LeadershipTeam.objects.visible_to(request.user).filter(org_path__startswith=round.org_path)
        .order_by("org_path", "order")[:200],
        **record_tabs.tabs(request, round, tab=tab),
    }
    context["issued"] = sum(t["issued"] for t in context["turnout"])
    context["used"] = sum(t["used"] for t in context["turnout"])
    return render(request, "assessment/ballots/round.html", context)


@login_required
@require_POST
def round_classes(request, pk):
    round = _round(request, pk, "change")
    form = ClassesForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("assessment:ballots_round", pk=round.pk)
    try:
        services.set_classes(request.user, round, form.cleaned_data["classes"])
    except ValidationError as exc:
        return _refused(request, exc, round.pk)
    return _done(request, "投票人类别和权重已保存", round.pk)


@login_required
@require_POST
def round_team(request, pk):
    round = _round(request, pk, "change")
    team = LeadershipTeam.objects.visible_to(request.user).filter(pk=request.POST.get("team") or 0).first()
    if team is None:
        messages.error(request, "请选择领导班子")
        return redirect("assessment:ballots_round", pk=round.pk)
    try:
        n = services.add_team_subjects(request.user, round, team, as_of=timezone.localdate())
    except ValidationError as exc:
        return _refused(request, exc, round.pk)
    return _done(request, f"已添加测评对象 {n} 个", round.pk)


@login_required
@require_POST
def round_codes(request, pk):
    round = _round(request, pk, "change")
    classes = VoterClass.objects.visible_to(request.user).filter(round=round)
    form = IssueForm(request.POST, classes=classes)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("assessment:ballots_round", pk=round.pk)
    voter_class = classes.get(pk=form.cleaned_data["voter_class"])
    try:
        batch = services.issue_codes(request.user, voter_class, form.cleaned_data["count"])
    except ValidationError as exc:
        return _refused(request, exc, round.pk)
    messages.success(request, f"已生成{voter_class.name}投票码 {batch.count} 个，请打印后确认，确认后明文即销毁")
    return redirect("assessment:ballots_slips", pk=batch.pk)


@login_required
@require_POST
def round_open(request, pk):
    round = _round(request, pk, "change")
    try:
        services.open_round(request.user, round)
    except ValidationError as exc:
        return _refused(request, exc, round.pk)
    return _done(request, "测评已开始，投票人可以凭投票码投票", round.pk)


@login_required
@require_POST
def round_close(request, pk):
    round = _round(request, pk, "change")
    try:
        services.close_round(request.user, round)
    except ValidationError as exc:
        return _refused(request, exc, round.pk)
    return _done(request, "测评已结束，结果已固定", round.pk, "assessment:ballots_results")


def vote_url(request) -> str:
    return request.build_absolute_uri(reverse("assessment:ballots_vote"))


@login_required
def slips(request, pk):
    batch = get_object_or_404(CodeBatch.objects.visible_to(request.user).select_related("round", "voter_class"),
                              pk=pk)
    round = batch.round
    if not scope.can(request.user, "change", batch.org_path):
        raise PermissionDenied("您无权打印投票码")
    if request.method == "POST":
        services.confirm_printed(request.user, batch)
        return _done(request, "已确认打印，投票码明文已销毁", round.pk)
    import segno

    base = vote_url(request)
    items = []
    for code in services.slip_codes(batch):
        url = f"{base}{services.normalize(code)}/"
        items.append({"code": code, "url": url, "qr": segno.make(url, error="m").svg_inline(scale=2, border=1)})
    context = {"batch": batch, "round": round, "items": items, "base": base}
    if request.GET.get("format") == "pdf" and items:
        from weasyprint import HTML

        html = render_to_string("assessment/ballots/slips_pdf.html", context, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="slips-{batch.pk}.pdf"'
        return response
    return render(request, "assessment/ballots/slips.html", context)


@login_required
def results_page(request, pk):
    round = _round(request, pk)
    rows, totals, params = services.results(round)
    classes = list(VoterClass.objects.visible_to(request.user).filter(round=round).order_by("order", "pk"))
    table = []
    for subject, result in rows:
        votes = result.get("votes", {})
        per_class = {c["id"]: c for c in result.get("classes", [])}
        table.append({
            "subject": subject, "result": result,
            "votes": [(tally.grade_label(subject.kind, lv), votes.get(str(lv), 0)) for lv in tally.LEVELS],
            "classes": [per_class.get(c.pk) for c in classes],
        })
    chart = {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 20, "bottom": 80, "top": 30},
        "xAxis": {"type": "category", "data": [r["subject"].name for r in table], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": "综合得分", "max": 100},
        "series": [{"type": "bar", "name": "综合得分",
                    "data": [{"value": round_score(r["result"].get("score")),
                              "itemStyle": {"color": "#d63939" if r["result"].get("flags") else "#206bc4"}}
                             for r in table]}],
    } if table else {}
    context = {"round": round, "rows": table, "totals": totals, "params": params, "classes": classes,
               "chart": chart, "can_follow_up": round.closed and scope.can(request.user, "change", round.org_path)}
    return render(request, "assessment/ballots/results.html", context)


def round_score(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.2f}")


@login_required
def subject_detail(request, pk):
    subject = get_object_or_404(BallotSubject.objects.visible_to(request.user), pk=pk)
    return redirect(reverse("assessment:ballots_results", args=[subject.round_id]) + f"#subject-{subject.pk}")


@login_required
def follow_up(request, pk):
    subject = get_object_or_404(BallotSubject.objects.visible_to(request.user).select_related("round"), pk=pk)
    if not scope.can(request.user, "change", subject.org_path):
        raise PermissionDenied("您无权登记处理情况")
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(request.user, subject, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(request, f"已登记{subject.name}的处理情况", subject.round_id, "assessment:ballots_results")
    return render(request, "assessment/ballots/form.html", {
        "form": form, "title": f"登记处理情况：{subject.name}",
        "back": reverse("assessment:ballots_results", args=[subject.round_id])})


# ---------------------------------------------------------------- the ballot (no login)


def _ballot_page(request, code: str, errors=None, marks=None):
    """The ballot of a code, or the code form with the reason it was refused."""
    try:
        found = services.find_code(code, ip=client_ip(request))
    except ValidationError as exc:
        form = CodeForm(initial={"code": code})
        return render(request, "assessment/ballots/vote_code.html",
                      {"form": form, "error": "；".join(exc.messages)}, status=200)
    subjects = services.ballot_subjects(found.round)
    rows = [{"subject": s, "choices": [(lv, tally.grade_label(s.kind, lv)) for lv in tally.LEVELS],
             "chosen": (marks or {}).get(s.pk)} for s in subjects]
    cap = services.tally_rules(services.params_of(found.round.rules)).cap(sum(s.kind == "leader" for s in subjects))
    return render(request, "assessment/ballots/vote.html", {
        "round": found.round, "voter_class": found.voter_class, "rows": rows, "code": services.normalize(code),
        "errors": errors or [], "cap": cap})


def vote(request):
    """Enter a code (or the ballot of a code posted back with its marks)."""
    if request.method != "POST":
        return render(request, "assessment/ballots/vote_code.html", {"form": CodeForm()})
    code = request.POST.get("code", "")
    if "cast" not in request.POST:
        return _ballot_page(request, code)
    try:
        found = services.find_code(code, ip=client_ip(request))
    except ValidationError as exc:
        return render(request, "assessment/ballots/vote_code.html",
                      {"form": CodeForm(initial={"code": code}), "error": "；".join(exc.messages)})
    marks = ballot_levels(request.POST, services.ballot_subjects(found.round))
    try:
        services.cast(code, marks, ip=client_ip(request))
    except ValidationError as exc:
        return _ballot_page(request, code, errors=exc.messages, marks=marks)
    return render(request, "assessment/ballots/vote_done.html", {"round": found.round})


def vote_code(request, token):
    """The address of a slip's QR code: the ballot of that code."""
    return _ballot_page(request, token)


urlpatterns = [
    path("ballots/", round_list, name="ballots_rounds"),
    path("ballots/rounds/new/", round_create, name="ballots_round_create"),
    path("ballots/rounds/<int:pk>/", round_detail, name="ballots_round"),
    path("ballots/rounds/<int:pk>/classes/", round_classes, name="ballots_round_classes"),
    path("ballots/rounds/<int:pk>/team/", round_team, name="ballots_round_team"),
    path("ballots/rounds/<int:pk>/codes/", round_codes, name="ballots_round_codes"),
    path("ballots/rounds/<int:pk>/open/", round_open, name="ballots_round_open"),
    path("ballots/rounds/<int:pk>/close/", round_close, name="ballots_round_close"),
    path("ballots/rounds/<int:pk>/results/", results_page, name="ballots_results"),
    path("ballots/batches/<int:pk>/slips/", slips, name="ballots_slips"),
    path("ballots/subjects/<int:pk>/", subject_detail, name="ballots_subject"),
    path("ballots/subjects/<int:pk>/follow-up/", follow_up, name="ballots_follow_up"),
    path("ballots/teams/", team_grades, name="ballots_teams"),
    path("ballots/teams/new/", team_grade_create, name="ballots_team_create"),
    path("ballots/teams/<int:pk>/", team_grade, name="ballots_team"),
    path("ballots/teams/<int:pk>/leader/", leader_grade_create, name="ballots_leader_create"),
    path("ballots/leaders/<int:pk>/", leader_grade, name="ballots_leader"),
    path("ballots/bars/", bar_list, name="ballots_bars"),
    path("ballots/bars/<int:pk>/edit/", bar_edit, name="ballots_bar_edit"),
    path("ballots/rules/", rules_list, name="ballots_rules"),
    path("ballots/rules/<int:pk>/edit/", rules_edit, name="ballots_rules_edit"),
    path("ballots/vote/", vote, name="ballots_vote"),
    path("ballots/vote/<str:token>/", vote_code, name="ballots_vote_code"),
]

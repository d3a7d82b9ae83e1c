"""Organizational-life pages: the list, a branch's year at a glance, recording a meeting (phone first), a
meeting's page, study hours and democratic appraisal. Thin: services do the work."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zugong.core import exports, record_tabs, rules, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.members.models import Membership
from zugong.orgs.models import Organization

from . import services, yearview
from .filtersets import MeetingFilterSet
from .forms import DEFAULT_HOURS, AppraisalForm, AppraisalResultForm, MeetingForm, StudyRecordForm
from .models import Absence, Appraisal, AppraisalResult, ComplianceStat, Meeting, MeetingAttachment
from .tables import MeetingTable


def _meeting(request, pk, action="view") -> Meeting:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if action != "view" and not scope.can(request.user, action, meeting.org_path):
        raise PermissionDenied("您无权修改该组织生活记录")
    return meeting


def _org(request, value, action="view") -> Organization | None:
    """An organization the user may see, by pk or code (None when not given or not visible)."""
    value = (value or "").strip()
    if not value:
        return None
    qs = Organization.objects.visible_to(request.user, action)
    org = qs.filter(pk=int(value)).first() if value.isdigit() and len(value) < 10 else None
    return org or qs.filter(code=value).first()


def _home_org(request, action="view") -> Organization | None:
    """The organization the user acts for when none is chosen: their (first) grant."""
    paths = scope.scope_paths(request.user, action)
    return Organization.objects.visible_to(request.user, action).filter(path=paths[0]).first() if paths else None


# ---------------------------------------------------------------- list and year at a glance


@login_required
def meeting_list(request):
    qs = Meeting.objects.visible_to(request.user).select_related("organization").order_by("-held_on", "-pk")
    return list_page(request, queryset=qs, filterset_class=MeetingFilterSet, table_class=MeetingTable,
                     template="branchlife/list.html", title="组织生活", export_name="组织生活记录")


@login_required
def year(request):
    """?org=<pk or code>&year=2026: a branch's (or party group's) calendar; a committee's subtree roll-up."""
    org = _org(request, request.GET.get("org")) or _home_org(request)
    if org is None:
        raise Http404
    as_of = timezone.localdate()
    try:
        the_year = int(request.GET.get("year") or as_of.year)
    except ValueError:
        the_year = as_of.year
    context = {"org": org, "year": the_year, "years": range(as_of.year - 2, as_of.year + 1), "as_of": as_of,
               "months": yearview.MONTHS, "title": f"{org.display_name} {the_year}年组织生活",
               "heading": f"{the_year}年组织生活"}
    if org.kind in (Organization.Kind.BRANCH, Organization.Kind.PARTY_GROUP):
        meetings = list(Meeting.objects.visible_to(request.user).subtree(org.path)
                        .filter(held_on__year=the_year).select_related("organization").order_by("held_on", "pk"))
        context |= {"rows": yearview.year_rows(org, meetings, the_year, as_of), "meetings": meetings,
                    "can_record": scope.can(request.user, "change", org.path)}
        if request.GET.get("export") == "xlsx":
            return _export_year(request, context)
        return render(request, "branchlife/year.html", context)
    stats = ComplianceStat.objects.visible_to(request.user).subtree(org.path)
    summary = yearview.subtree_summary(stats, the_year)
    computed = stats.order_by("-computed_at").values_list("computed_at", flat=True).first()
    context |= {"summary": summary, "computed_at": computed, "weakest": yearview.weakest(stats, the_year)}
    if request.GET.get("export") == "xlsx":
        header = ["项目", "应召开期数", "已落实期数", "落实率（%）", "有未落实期的组织数"]
        rows = [[r["name"], r["periods"], r["met"], r["rate"], r["orgs_short"]] for r in summary]
        return _xlsx(request, header, rows, f"{org.display_name}{the_year}年组织生活落实情况")
    return render(request, "branchlife/summary.html", context)


def _export_year(request, context):
    header = ["项目", "要求"] + [f"{m}月" for m in yearview.MONTHS]
    rows = []
    for row in context["rows"]:
        cells = []
        for c in row.cells:
            cells += [c.label] + [""] * (c.span - 1)
        rows.append([row.title, row.every, *cells])
    return _xlsx(request, header, rows, context["title"])


def _xlsx(request, header, rows, name):
    return exports.respond(request, exports.Export(name, header, lambda: rows, len(rows)))


# ---------------------------------------------------------------- recording


def _roster_context(org, kind, day):
    roster = list(services.roster(org, kind, day)) if org else []
    return roster


@login_required
def record(request):
    """Record a held meeting: ?org=<pk>&kind=<kind> preselect; the roster comes with the organization."""
    org = _org(request, request.POST.get("organization") or request.GET.get("org"), "change")
    if org is None and request.method == "GET":
        org = _home_org(request, "change")
        if org is not None and org.kind not in (Organization.Kind.BRANCH, Organization.Kind.PARTY_GROUP):
            org = None
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记组织生活的权限")
    kind = request.POST.get("kind") or request.GET.get("kind") or (
        Meeting.Kind.GROUP if org and org.kind == Organization.Kind.PARTY_GROUP else Meeting.Kind.THEMED_DAY)
    day = _date(request.POST.get("held_on") or request.GET.get("held_on")) or timezone.localdate()
    roster = _roster_context(org, kind, day)
    can_except = bool(org) and scope.can(request.user, "manage", org.path)
    initial = _initial(request.user, org, kind, day, roster)
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user, roster=roster,
                       allow_exception=can_except and "exception_reason" in request.POST, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        try:
            meeting = services.record_meeting(
                request.user, org, absences=form.absences(), expected=form.cleaned_data.get("expected"),
                present=form.cleaned_data.get("present"),
                files=[f for f in [form.cleaned_data.get("attachment")] if f],
                exception_reason=form.cleaned_data.get("exception_reason", ""), **form.meeting_fields())
        except rules.RuleViolation as exc:
            form.add_error(None, exc.messages)
            if can_except and "exception_reason" not in form.fields:
                form = _with_exception(request, roster, initial)
                form.is_valid()
                form.add_error(None, exc.messages)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记：{meeting}")
            return redirect("branchlife:detail", meeting.pk)
    return render(request, "branchlife/record.html", {
        "form": form, "org": org, "kind": kind, "roster": roster, "absent": form.absences() if form.is_bound else {},
        "title": "登记组织生活", "kinds": Meeting.Kind.choices, "default_hours": DEFAULT_HOURS,
    })


def _with_exception(request, roster, initial):
    return MeetingForm(request.POST, request.FILES or None, user=request.user, roster=roster, allow_exception=True,
                       initial=initial)


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _initial(user, org, kind, day, roster) -> dict:
    """Defaults so a secretary types little: today, the secretary as host, the last place and recorder."""
    initial = {"kind": kind, "held_on": day, "credit_hours": DEFAULT_HOURS.get(kind, 0)}
    if org is None:
        return initial
    initial["organization"] = org.pk
    secretary = next((m for m in roster if m.committee_post == Membership.CommitteePost.SECRETARY), None)
    if secretary:
        initial["host_person"] = secretary.person_id
    last = Meeting.objects.visible_to(user).filter(organization=org).order_by("-held_on", "-pk").first()
    if last:
        initial |= {"place": last.place, "recorder": last.recorder}
    return initial


@login_required
def roster(request):
    """The roster fragment of the record form (htmx) for an organization, a kind and a date."""
    org = _org(request, request.GET.get("organization") or request.GET.get("org"), "change")
    kind = request.GET.get("kind", Meeting.Kind.THEMED_DAY)
    day = _date(request.GET.get("held_on")) or timezone.localdate()
    members = _roster_context(org, kind, day)
    return render(request, "branchlife/_roster.html", {"roster": members, "absent": {}, "org": org, "kind": kind})


@login_required
def edit(request, pk):
    meeting = _meeting(request, pk, "change")
    org = meeting.organization
    roster = list(services.roster(org, meeting.kind, meeting.held_on))
    absent = {a.membership_id: a.reason for a in Absence.objects.visible_to(request.user).filter(meeting=meeting)}
    initial = {f: getattr(meeting, f) for f in ("kind", "held_on", "topic", "place", "host", "recorder",
                                                 "credit_hours", "guests", "minutes", "expected", "present")}
    initial["host_person"] = meeting.host_person_id
    can_except = scope.can(request.user, "manage", org.path)
    form = MeetingForm(request.POST or None, user=request.user, roster=roster, editing=True,
                       allow_exception=can_except and "exception_reason" in request.POST, initial=initial,
                       record=meeting)
    if request.method == "POST" and form.is_valid():
        fields = form.meeting_fields()
        fields.pop("kind")
        try:
            services.update_meeting(request.user, meeting, absences=form.absences(),
                                    expected=form.cleaned_data.get("expected"),
                                    present=form.cleaned_data.get("present"),
                                    exception_reason=form.cleaned_data.get("exception_reason", ""), **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("branchlife:detail", meeting.pk)
        absent = form.absences()
    return render(request, "branchlife/record.html", {
        "form": form, "org": org, "kind": meeting.kind, "roster": roster, "absent": absent, "meeting": meeting,
        "title": f"修改组织生活记录：{meeting}", "editing": True,
    })


@login_required
def delete(request, pk):
    meeting = _meeting(request, pk, "manage")
    if request.method == "POST":
        org_pk = meeting.organization_id
        services.delete_meeting(request.user, meeting)
        messages.success(request, "已删除该组织生活记录")
        return redirect(f"/branchlife/year/?org={org_pk}")
    return redirect("branchlife:detail", pk)


# ---------------------------------------------------------------- a meeting


@login_required
def detail(request, pk):
    meeting = _meeting(request, pk)
    tab = request.GET.get("tab", "attendance")
    roster = list(services.roster(meeting.organization, meeting.kind, meeting.held_on))
    absences = {a.membership_id: a for a in Absence.objects.visible_to(request.user).filter(meeting=meeting)
                .select_related("membership__person")}
    present = [m for m in roster if m.pk not in absences]
    context = {
        "meeting": meeting, "tab": tab, "present_members": present, "absences": list(absences.values()),
        "attachments": MeetingAttachment.objects.visible_to(request.user).filter(meeting=meeting),
        **record_tabs.tabs(request, meeting, tab=tab),
        "can_change": scope.can(request.user, "change", meeting.org_path),
        "can_manage": scope.can(request.user, "manage", meeting.org_path),
        "roster_matches": len(roster) == meeting.expected,
    }
    return render(request, "branchlife/detail.html", context)


@login_required
def attachment(request, pk):
    att = get_object_or_404(MeetingAttachment.objects.visible_to(request.user), pk=pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.file.name.rsplit("/", 1)[-1])


@login_required
def add_attachment(request, pk):
    meeting = _meeting(request, pk, "change")
    if request.method == "POST" and request.FILES.get("file"):
        services.add_attachment(request.user, meeting, request.FILES["file"], request.POST.get("name", ""))
        messages.success(request, "已上传附件")
    return redirect("branchlife:detail", pk)


# ---------------------------------------------------------------- study hours


@login_required
def study(request, pk):
    """Record study hours (学时) for a member: pk is the membership."""
    membership = get_object_or_404(Membership.objects.visible_to(request.user).select_related("person"), pk=pk)
    if not scope.can(request.user, "change", membership.org_path):
        raise PermissionDenied("您无权登记该党员的学时")
    form = StudyRecordForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_study(request.user, membership, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记学时")
            return redirect("members:detail", membership.pk)
    return render(request, "core/form.html", {"form": form, "title": f"登记学习培训学时：{membership.person.name}"})


# ---------------------------------------------------------------- democratic appraisal


@login_required
def appraisal_new(request):
    org = _org(request, request.GET.get("org") or request.POST.get("org"), "change")
    if org is None:
        raise Http404
    meetings = Meeting.objects.visible_to(request.user).filter(organization=org, kind=Meeting.Kind.APPRAISAL)
    form = AppraisalForm(request.POST or None, meetings=meetings,
                         initial={"year": timezone.localdate().year, "voters_expected": services.roster(
                             org, Meeting.Kind.APPRAISAL).count()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appraisal = services.open_appraisal(request.user, org, data.pop("year"), data.pop("meeting"), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("branchlife:appraisal", appraisal.pk)
    return render(request, "core/form.html", {"form": form, "title": f"民主评议党员：{org.display_name}"})


@login_required
def appraisal(request, pk):
    ap = get_object_or_404(Appraisal.objects.visible_to(request.user).select_related("organization"), pk=pk)
    can_change = scope.can(request.user, "change", ap.org_path)
    results = {r.membership_id: r for r in AppraisalResult.objects.visible_to(request.user).filter(appraisal=ap)}
    members = list(services.roster(ap.organization, Meeting.Kind.APPRAISAL))
    edit_id = request.POST.get("membership") or request.GET.get("member")
    form, editing = None, None
    if can_change and edit_id and edit_id.isdigit():
        editing = next((m for m in members if m.pk == int(edit_id)), None)
        if editing:
            form = AppraisalResultForm(request.POST or None, instance=results.get(editing.pk))
            if request.method == "POST" and form.is_valid():
                data = {f: form.cleaned_data[f] for f in form.fields}
                try:
                    services.record_result(request.user, ap, editing, **data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, f"已保存 {editing.person.name} 的评议结果")
                    return redirect("branchlife:appraisal", ap.pk)
    rows = [(m, results.get(m.pk)) for m in members]
    counts = {}
    for r in results.values():
        counts[r.get_grade_display() or "未评定"] = counts.get(r.get_grade_display() or "未评定", 0) + 1
    return render(request, "branchlife/appraisal.html", {
        "appraisal": ap, "rows": rows, "form": form, "editing": editing, "can_change": can_change,
        "counts": counts, "title": str(ap),
    })


@login_required
def appraisal_result(request, pk):
    """Where a finding on one member's appraisal result links: the appraisal page, that member's form."""
    result = get_object_or_404(AppraisalResult.objects.visible_to(request.user), pk=pk)
    return redirect(f"/branchlife/appraisals/{result.appraisal_id}/?member={result.membership_id}")

"""Service pages: 在职党员到社区报到. Thin: every query through `visible_to`, every change through
`community_services`.

- `community/`: every registration the user sees (either side), this year's hours; export .xlsx;
- `community/org/<code>/`: a community's page — registrations waiting for confirmation, registered members with
  this year's hours, activities with their attendance;
- `community/branch/<code>/`: 本支部党员到社区报到 — each member registered or not, where, this year's hours;
- a registration's page (confirm, decline, end, hours, findings, log); an activity's page (attendance entry).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import record_tabs, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.members.models import Membership
from zugong.orgs.models import Organization

from .. import community_selectors as selectors
from .. import community_services as services
from ..forms.community import ActivityForm, DecisionForm, HoursForm, RegisterForm
from ..models import CommunityActivity, CommunityRegistration, ServiceHours


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _org(request, code) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(request.user), code=code)


def _registration(request, pk) -> CommunityRegistration:
    return get_object_or_404(CommunityRegistration.objects.visible_to(request.user)
                             .select_related("community", "branch", "membership__person"), pk=pk)


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(m for msgs in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
                        for m in msgs)
    return str(exc)


@login_required
def registration_list(request):
    from ..tables.community import RegistrationFilterSet, RegistrationTable

    start, end = selectors.year_bounds(_year(request))
    qs = selectors.community_members(CommunityRegistration.objects.visible_to(request.user), start, end) \
        .order_by("community__path", "-registered_on", "pk")
    communities = (Organization.objects.visible_to(request.user, "change").active()
                   .filter(sector="community", kind__in=services.COMMUNITY_KINDS)
                   .order_by("path")[:20])
    return list_page(request, queryset=qs, filterset_class=RegistrationFilterSet, table_class=RegistrationTable,
                     template="service/community/list.html", title="在职党员到社区报到",
                     export_name="在职党员到社区报到及服务时长",
                     extra={"communities": [o for o in communities if services.is_community(o)],
                            "may_register": services.may_register(request.user), "year": start.year})


@login_required
def community_page(request, code):
    org = _org(request, code)
    problem = services.community_problem(org)
    if problem:
        raise Http404(problem)
    start, end = selectors.year_bounds(_year(request))
    regs = CommunityRegistration.objects.visible_to(request.user).filter(community=org)
    pending = regs.filter(status="pending").select_related("membership__person", "branch").order_by("registered_on")
    members = selectors.community_members(regs.filter(status="confirmed"), start, end) \
        .order_by("-period_hours", "membership__person__name")
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    activities = selectors.activities(CommunityActivity.objects.visible_to(request.user).filter(organization=org)) \
        .order_by("-held_on", "-pk")[:30]
    context = {"org": org, "pending": pending, "page": page, "activities": activities, "year": start.year,
               "can_change": scope.can(request.user, "change", org.path), "today": timezone.localdate()}
    return render(request, "service/community/community.html", context)


@login_required
def branch_page(request, code):
    org = _org(request, code)
    start, end = selectors.year_bounds(_year(request))
    context = {"org": org, "year": start.year, **branch_context(request, org, start, end)}
    context["page"] = Paginator(context.pop("roster"), 50).get_page(request.GET.get("page"))
    return render(request, "service/community/branch.html", context)


def branch_context(request, org, start: dt.date, end: dt.date) -> dict:
    """The members of `org`'s subtree with their registration and hours (the page and the organization tab)."""
    members = Membership.objects.visible_to(request.user).active().filter(org_path__subtree=org.path)
    roster = selectors.branch_roster(members, start, end).order_by("org_path", "person__stroke_key", "pk")
    return {"roster": roster, "counts": selectors.branch_counts(members, start, end),
            "can_register": scope.can(request.user, "change", org.path)}


@login_required
def register(request):
    if not services.may_register(request.user):
        raise PermissionDenied("您只有查看权限，不能登记到社区报到")
    initial = {"registered_on": timezone.localdate(), "person": request.GET.get("person") or None,
               "community_code": request.GET.get("community", "")}
    form = RegisterForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = form.membership()
        if membership is None:
            form.add_error("person", f"{data['person'].name}不是党员")
        else:
            try:
                reg = services.register(request.user, membership, form.community, data["registered_on"],
                                        data["residence"], data["skills"])
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, _renamed(exc))
            else:
                messages.success(request, f"已登记{membership.person.name}到“{reg.community.name}”报到，待社区党组织确认")
                return redirect("service:community_registration", pk=reg.pk)
    return render(request, "service/community/form.html", {
        "form": form, "title": "登记到社区报到", "back": reverse("service:community_list"),
        "note": "党员向居住地社区党组织报到，社区党组织确认后即为已报到；同一时间只能在一个社区报到。"})


def _renamed(exc):
    """The service's field names on the register form's."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        names = {"membership": "person", "community": "community_code"}
        return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})
    return exc if isinstance(exc, ValidationError) else ValidationError(str(exc))


@login_required
def registration_detail(request, pk):
    reg = _registration(request, pk)
    tab = request.GET.get("tab", "info")
    hours = ServiceHours.objects.visible_to(request.user).filter(registration=reg) \
        .select_related("activity").order_by("-served_on", "-pk")
    today = timezone.localdate()
    context = {
        "reg": reg, "tab": tab, "hours": hours, "today": today,
        "total": sum((h.hours for h in hours), start=0),
        "can_decide": reg.status == "pending" and services.may_change_community(request.user, reg),
        "can_end": reg.status in services.LIVE and services.may_change_either(request.user, reg),
        "can_hours": reg.status == "confirmed" and services.may_change_either(request.user, reg),
        "decision_form": DecisionForm(initial={"on": today}), "hours_form": HoursForm(initial={"served_on": today}),
        **record_tabs.tabs(request, reg, tab=tab),
    }
    return render(request, "service/community/registration.html", context)


@login_required
@require_POST
def registration_action(request, pk):
    reg = _registration(request, pk)
    action = request.POST.get("action", "")
    form = HoursForm(request.POST) if action == "hours" else DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{'；'.join(v)}" if k in form.fields else "；".join(v)
                                         for k, v in form.errors.items()))
        return redirect("service:community_registration", pk=pk)
    data = form.cleaned_data
    try:
        if action == "confirm":
            services.confirm(request.user, reg, data["on"])
            done = "已确认报到"
        elif action == "decline":
            services.decline(request.user, reg, data["on"], data["reason"])
            done = "已退回报到"
        elif action == "end":
            services.end(request.user, reg, data["on"], data["reason"])
            done = "已结束报到"
        elif action == "hours":
            services.record_hours(request.user, reg, data["served_on"], data["hours"], data["note"])
            done = "已登记服务时长"
        else:
            raise ValidationError("未知的操作")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/service/") else reverse("service:community_registration", args=[pk]))


@login_required
def activity_create(request, code):
    org = _org(request, code)
    if not scope.can(request.user, "change", org.path):
        raise PermissionDenied("只有社区党组织可以组织社区活动")
    form = ActivityForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.create_activity(request.user, org, data["held_on"], data["title"], data["kind"],
                                                data["hours"], note=data["note"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已登记活动“{activity.title}”，请登记参加的报到党员")
            return redirect("service:community_activity", pk=activity.pk)
    return render(request, "service/community/form.html", {
        "form": form, "title": f"登记社区活动：{org.name}",
        "back": reverse("service:community_org", args=[org.code]), "org": org})


@login_required
def activity_detail(request, pk):
    activity = get_object_or_404(CommunityActivity.objects.visible_to(request.user).select_related("organization"),
                                 pk=pk)
    attended = ServiceHours.objects.visible_to(request.user).filter(activity=activity) \
        .select_related("registration__membership__person", "registration__branch") \
        .order_by("registration__membership__person__name")
    can_change = scope.can(request.user, "change", activity.org_path)
    candidates = []
    if can_change:
        done = ServiceHours.objects.visible_to(request.user).filter(activity=activity).values("registration_id")
        candidates = (CommunityRegistration.objects.visible_to(request.user)
                      .filter(community=activity.organization, status="confirmed",
                              registered_on__lte=activity.held_on)
                      .exclude(pk__in=done).select_related("membership__person", "branch")
                      .order_by("membership__person__name"))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("只有组织活动的社区党组织可以登记参加人员")
        try:
            rows = services.record_attendance(request.user, activity, request.POST.getlist("registrations"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, f"已登记 {len(rows)} 人参加，每人计入服务时长 {activity.hours} 小时")
        return redirect("service:community_activity", pk=pk)
    return render(request, "service/community/activity.html", {
        "activity": activity, "attended": attended, "candidates": candidates, "can_change": can_change,
        **record_tabs.tabs(request, activity, tab=None)})


urlpatterns = [
    path("community/", registration_list, name="community_list"),
    path("community/new/", register, name="community_register"),
    path("community/org/<str:code>/", community_page, name="community_org"),
    path("community/org/<str:code>/activities/new/", activity_create, name="community_activity_new"),
    path("community/branch/<str:code>/", branch_page, name="community_branch"),
    path("community/registrations/<int:pk>/", registration_detail, name="community_registration"),
    path("community/registrations/<int:pk>/act/", registration_action, name="community_action"),
    path("community/activities/<int:pk>/", activity_detail, name="community_activity"),
]

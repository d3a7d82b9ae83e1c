"""Training pages: plans, classes (list, create, edit, the class page with its tabs 课次/学员/出勤/证书), sessions,
enrolment by filters (preview → confirm), a trainee's page (attendance, leave, 退学), 结业 and its undoing,
certificates (.pdf) and their public verification page, the class types and the leave limit.

Thin: the work is in `classes_services`; every query goes through `visible_to`. The verification page
(`certificate_verify`) needs no login: the certificate's random token is its only key, and it shows nothing but
the class, the dates, the credited hours and a masked name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import record_tabs, scope
from zugong.core.config import services as config_services
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from .. import classes_services as services
from ..forms.classes import (ClassForm, ClassTypeForm, EnrolForm, LeaveForm, LeavePolicyForm, PlanForm, ReopenForm,
                             SessionForm, WithdrawForm)
from ..models import Attendance, Certificate, ClassType, Enrolment, LeavePolicy, Plan, Session, TrainingClass

TABS = {"sessions": "课次", "trainees": "学员", "attendance": "出勤", "certificates": "证书"}


def _class(request, pk) -> TrainingClass:
    return get_object_or_404(TrainingClass.objects.visible_to(request.user).select_related("organization", "plan"),
                             pk=pk)


def _enrolment(request, pk) -> Enrolment:
    return get_object_or_404(Enrolment.objects.visible_to(request.user)
                             .select_related("person", "person__organization", "training_class"), pk=pk)


def _require_change(request, obj) -> None:
    if not services.can_change(request.user, obj):
        raise PermissionDenied("您对该培训班次只有查看权限")


def _errors(form, exc) -> None:
    apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))


def _form_page(request, form, title, back, note="", cls=None):
    return render(request, "training/classes/form.html", {"form": form, "title": title, "back": back, "note": note,
                                                          "cls": cls})


def _refused(request, exc, back):
    for text in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
        messages.error(request, text)
    return redirect(back)


# ---------------------------------------------------------------- plans


@login_required
def plan_list(request):
    plans = (Plan.objects.visible_to(request.user).select_related("organization")
             .order_by("-year", "org_path", "title"))
    return render(request, "training/classes/plans.html", {
        "plans": plans, "can_create": bool(scope.scope_paths(request.user, "change"))})


@login_required
def plan_edit(request, pk=None):
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk) if pk else Plan(
        year=timezone.localdate().year)
    if pk:
        _require_change(request, plan)
    elif not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有制定培训计划的权限")
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(request.user, form.instance)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已保存培训计划“{plan}”")
            return redirect(reverse("training:class_list") + f"?plan={plan.pk}")
    return _form_page(request, form, "修改培训计划" if pk else "新建年度培训计划", reverse("training:plan_list"))


# ---------------------------------------------------------------- classes


@login_required
def class_list(request):
    from ..tables.classes import ClassFilterSet, ClassTable, with_counts

    qs = with_counts(TrainingClass.objects.visible_to(request.user).select_related("organization"))
    plan = None
    if request.GET.get("plan", "").isdigit():
        plan = Plan.objects.visible_to(request.user).filter(pk=request.GET["plan"]).first()
        qs = qs.filter(plan=plan) if plan else qs.none()
    return list_page(request, queryset=qs, filterset_class=ClassFilterSet, table_class=ClassTable,
                     template="training/classes/list.html", title=f"培训班次{'：' + str(plan) if plan else ''}",
                     export_name="培训班次",
                     extra={"can_create": bool(scope.scope_paths(request.user, "change")), "plan": plan})


@login_required
def class_edit(request, pk=None):
    if pk:
        cls = _class(request, pk)
        _require_change(request, cls)
    else:
        if not scope.scope_paths(request.user, "change"):
            raise PermissionDenied("您没有举办培训班的权限")
        cls = TrainingClass()
    initial = {}
    if not pk and request.GET.get("plan", "").isdigit():
        plan = Plan.objects.visible_to(request.user).filter(pk=request.GET["plan"]).first()
        if plan:
            initial = {"plan": plan.pk, "organization": plan.organization_id}
    form = ClassForm(request.POST or None, instance=cls, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_class(request.user, form.instance)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已保存培训班次“{cls.name}”")
            return redirect("training:class_detail", pk=cls.pk)
    back = reverse("training:class_detail", args=[pk]) if pk else reverse("training:class_list")
    return _form_page(request, form, f"修改培训班次：{cls.name}" if pk else "新建培训班次", back, cls=cls if pk else None)


@login_required
def class_detail(request, pk):
    cls = _class(request, pk)
    tab = request.GET.get("tab", "sessions")
    sessions = list(Session.objects.visible_to(request.user).filter(training_class=cls).order_by("on", "starts_at"))
    enrolments = list(services.with_totals(Enrolment.objects.visible_to(request.user).filter(training_class=cls))
                      .select_related("person", "person__organization").order_by("status", "pk"))
    limit = services.leave_limit(cls.org_path)
    for e in enrolments:
        e.standing = services.standing(e, leave=e.leave) if cls.off_job else None
    context = {"cls": cls, "tab": tab, "tabs": TABS, "sessions": sessions, "enrolments": enrolments,
               "type_label": services.type_label(cls.kind), "limit": limit,
               "allowed": services.num(services.frac(cls.total_hours) * limit.share),
               "sessions_total": sum((s.hours for s in sessions), start=services.ZERO),
               "active": sum(e.status != Enrolment.Status.WITHDRAWN for e in enrolments),
               "room": services.room(cls), "can_change": services.can_change(request.user, cls),
               "closed": cls.status == TrainingClass.Status.CLOSED,
               **record_tabs.tabs(request, cls, Enrolment.objects.visible_to(request.user).filter(training_class=cls),
                                  tab=tab)}
    if tab == "attendance":
        marks = {(a.enrolment_id, a.session_id): a for a in
                 Attendance.objects.visible_to(request.user).filter(session__training_class=cls)}
        context["grid"] = [(e, [marks.get((e.pk, s.pk)) for s in sessions]) for e in enrolments]
    if tab == "certificates":
        context["certificates"] = (Certificate.objects.visible_to(request.user)
                                   .filter(enrolment__training_class=cls).select_related("enrolment__person")
                                   .order_by("seq"))
    return render(request, "training/classes/detail.html", context)


@login_required
@require_POST
def class_status(request, pk):
    cls = _class(request, pk)
    _require_change(request, cls)
    back = reverse("training:class_detail", args=[pk])
    try:
        services.set_status(request.user, cls, request.POST.get("status", ""))
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    messages.success(request, f"班次状态已改为“{cls.get_status_display()}”")
    return redirect(back)


@login_required
@require_POST
def class_close(request, pk):
    cls = _class(request, pk)
    _require_change(request, cls)
    back = reverse("training:class_detail", args=[pk])
    try:
        done = services.close_class(request.user, cls)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    messages.success(request, f"已结业：{done['completed']} 名学员的学时已计入学时台账，颁发结业证书 "
                              f"{done['certificates']} 份")
    return redirect(back + "?tab=certificates")


@login_required
def class_reopen(request, pk):
    cls = _class(request, pk)
    _require_change(request, cls)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            removed = services.reopen_class(request.user, cls, form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已撤销结业，撤回学时记录 {removed} 条，结业证书已作废")
            return redirect("training:class_detail", pk=pk)
    return _form_page(request, form, f"撤销结业：{cls.name}", reverse("training:class_detail", args=[pk]), cls=cls)


# ---------------------------------------------------------------- sessions


@login_required
def session_create(request, pk):
    cls = _class(request, pk)
    last = Session.objects.visible_to(request.user).filter(training_class=cls).order_by("-on").first()
    return _session_page(request, Session(training_class=cls, on=last.on if last else cls.starts_on))


@login_required
def session_edit(request, pk):
    return _session_page(request, get_object_or_404(
        Session.objects.visible_to(request.user).select_related("training_class"), pk=pk))


def _session_page(request, session):
    cls = session.training_class
    pk = session.pk
    _require_change(request, cls)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(request.user, form.instance)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已保存课次“{session.topic}”")
            return redirect("training:class_detail", pk=cls.pk)
    return _form_page(request, form, f"{'修改' if pk else '添加'}课次：{cls.name}",
                      reverse("training:class_detail", args=[cls.pk]), cls=cls)


@login_required
@require_POST
def session_delete(request, pk):
    session = get_object_or_404(Session.objects.visible_to(request.user).select_related("training_class"), pk=pk)
    back = reverse("training:class_detail", args=[session.training_class_id])
    try:
        services.delete_session(request.user, session)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    messages.success(request, "已删除课次")
    return redirect(back)


# ---------------------------------------------------------------- enrolment


@login_required
def enrol(request, pk):
    cls = _class(request, pk)
    _require_change(request, cls)
    form = EnrolForm(request.POST or None, user=request.user, training_class=cls,
                     initial={"untrained_years": (services.class_type(cls.kind) or ClassType(cycle_years=5)).cycle_years})
    found = None
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        if "confirm" in request.POST:
            try:
                rows = services.enrol(request.user, cls, criteria)
            except (ValidationError, PermissionDenied) as exc:
                _errors(form, exc)
            else:
                messages.success(request, f"已报名 {len(rows)} 人")
                return redirect(reverse("training:class_detail", args=[pk]) + "?tab=trainees")
        found = services.preview(request.user, cls, criteria)
    return render(request, "training/classes/enrol.html", {"cls": cls, "form": form, "found": found,
                                                            "preview_rows": services.PREVIEW_ROWS})


@login_required
def enrolment_detail(request, pk):
    e = _enrolment(request, pk)
    cls = e.training_class
    totals = services.with_totals(Enrolment.objects.visible_to(request.user).filter(pk=e.pk)).values(
        "attended", "leave", "days").first()
    sessions = list(Session.objects.visible_to(request.user).filter(training_class=cls).order_by("on", "starts_at"))
    marks = {a.session_id: a for a in Attendance.objects.visible_to(request.user).filter(enrolment=e)}
    form = LeaveForm(user=request.user, training_class=cls)
    context = {"e": e, "cls": cls, "totals": totals, "rows": [(s, marks.get(s.pk)) for s in sessions],
               "standing": services.standing(e, leave=totals["leave"]) if cls.off_job else None,
               "can_change": services.can_change(request.user, cls),
               "closed": cls.status == TrainingClass.Status.CLOSED, "leave_form": form,
               "withdraw_form": WithdrawForm(initial={"on": timezone.localdate()}),
               "certificate": Certificate.objects.visible_to(request.user).filter(enrolment=e).first(),
               **record_tabs.tabs(request, e, tab=request.GET.get("tab", ""), whole_record=True)}
    return render(request, "training/classes/enrolment.html", context)


@login_required
def enrolment_leave(request, pk):
    e = _enrolment(request, pk)
    cls = e.training_class
    _require_change(request, cls)
    form = LeaveForm(request.POST or None, user=request.user, training_class=cls)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _att, standing = services.record_leave(request.user, data["session"], e, data["hours"], data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            if standing.over:
                messages.warning(request, f"{e.person.name}{standing.text}，已超过规定，予以退学")
            elif standing.near:
                messages.warning(request, f"{e.person.name}{standing.text}，已接近上限")
            messages.success(request, "已登记请假")
            return redirect("training:enrolment", pk=pk)
    return _form_page(request, form, f"登记请假：{e.person.name}", reverse("training:enrolment", args=[pk]), cls=cls)


@login_required
def enrolment_withdraw(request, pk):
    e = _enrolment(request, pk)
    _require_change(request, e.training_class)
    form = WithdrawForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(request.user, e, form.cleaned_data["on"], form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{e.person.name}已退学")
            return redirect("training:enrolment", pk=pk)
    return _form_page(request, form, f"退学：{e.person.name}", reverse("training:enrolment", args=[pk]),
                      cls=e.training_class)


@login_required
@require_POST
def enrolment_reinstate(request, pk):
    e = _enrolment(request, pk)
    back = reverse("training:enrolment", args=[pk])
    try:
        services.reinstate(request.user, e)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    messages.success(request, f"{e.person.name}已恢复学籍")
    return redirect(back)


@login_required
@require_POST
def enrolment_remove(request, pk):
    e = _enrolment(request, pk)
    back = reverse("training:class_detail", args=[e.training_class_id]) + "?tab=trainees"
    try:
        services.remove_enrolment(request.user, e)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    messages.success(request, f"已将{e.person.name}移出本班次")
    return redirect(back)


@login_required
@require_POST
def leave_cancel(request, pk):
    att = get_object_or_404(Attendance.objects.visible_to(request.user)
                            .select_related("session__training_class", "enrolment"), pk=pk)
    back = reverse("training:enrolment", args=[att.enrolment_id])
    try:
        services.cancel_leave(request.user, att)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    messages.success(request, "已撤销请假")
    return redirect(back)


# ---------------------------------------------------------------- certificates


def verify_url(request, cert) -> str:
    return request.build_absolute_uri(reverse("training:certificate_verify", args=[cert.token]))


@login_required
def certificate_pdf(request, pk):
    cert = get_object_or_404(Certificate.objects.visible_to(request.user)
                             .select_related("enrolment__person", "enrolment__training_class", "organization"), pk=pk)
    if cert.revoked_on:
        raise Http404("该证书已作废")
    response = HttpResponse(services.certificate_pdf(cert, verify_url(request, cert)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.number}.pdf"'
    return response


def certificate_verify(request, token):
    """The address of a certificate's QR code (no login)."""
    cert = services.verify(token)
    context = {"found": cert is not None}
    if cert is not None:
        cls = cert.enrolment.training_class
        context |= {"cert": cert, "cls": cls, "masked": services.mask_name(cert.enrolment.person.name),
                    "type_label": services.type_label(cls.kind), "hours": services.num(cert.hours)}
    return render(request, "training/classes/verify.html", context, status=200 if cert else 404)


# ---------------------------------------------------------------- configuration


@login_required
def class_types(request):
    rows = list(ClassType.objects.visible_to(request.user).select_related("organization").order_by("order", "code"))
    policies = list(LeavePolicy.objects.visible_to(request.user).select_related("organization").order_by("org_path"))
    for r in [*rows, *policies]:
        r.editable = config_services.can_edit(request.user, r.org_path)
    return render(request, "training/classes/types.html", {"rows": rows, "policies": policies})


@login_required
def class_type_edit(request, pk):
    row = get_object_or_404(ClassType.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, ClassTypeForm, saved=f"已保存培训类型“{row.name}”",
                    done=reverse("training:class_types"), title=f"修改培训类型：{row.name}",
                    denied="只有组织部门管理员可以修改培训类型")


@login_required
def leave_policy_edit(request, pk):
    row = get_object_or_404(LeavePolicy.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, LeavePolicyForm, saved="已保存脱产培训请假限额",
                    done=reverse("training:class_types"), title="修改脱产培训请假限额",
                    denied="只有组织部门管理员可以修改请假限额")


urlpatterns = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_edit, name="plan_create"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("classes/", class_list, name="class_list"),
    path("classes/new/", class_edit, name="class_create"),
    path("classes/<int:pk>/", class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", class_edit, name="class_edit"),
    path("classes/<int:pk>/status/", class_status, name="class_status"),
    path("classes/<int:pk>/close/", class_close, name="class_close"),
    path("classes/<int:pk>/reopen/", class_reopen, name="class_reopen"),
    path("classes/<int:pk>/sessions/new/", session_create, name="session_create"),
    path("classes/<int:pk>/enrol/", enrol, name="class_enrol"),
    path("sessions/<int:pk>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", session_delete, name="session_delete"),
    path("enrolments/<int:pk>/", enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/leave/", enrolment_leave, name="enrolment_leave"),
    path("enrolments/<int:pk>/withdraw/", enrolment_withdraw, name="enrolment_withdraw"),
    path("enrolments/<int:pk>/reinstate/", enrolment_reinstate, name="enrolment_reinstate"),
    path("enrolments/<int:pk>/remove/", enrolment_remove, name="enrolment_remove"),
    path("attendance/<int:pk>/cancel-leave/", leave_cancel, name="leave_cancel"),
    path("certificates/<int:pk>/pdf/", certificate_pdf, name="certificate_pdf"),
    path("certificates/verify/<str:token>/", certificate_verify, name="certificate_verify"),
    path("class-types/", class_types, name="class_types"),
    path("class-types/<int:pk>/", class_type_edit, name="class_type_edit"),
    path("leave-policies/<int:pk>/", leave_policy_edit, name="leave_policy_edit"),
]

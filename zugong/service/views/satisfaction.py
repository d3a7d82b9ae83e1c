"""Service pages: the satisfaction check (满意度回访) — the survey panel of an item's page, the code sheet, the
staff callback, 复办, 销号, the policy settings, and the phone page.

Every staff page looks the item or round up through the user's scope (`visible_to`); changes go through
`satisfaction_services`. The phone pages (`pj`, `pj_token`) need no login: the one-time code (or the QR's token)
is the only key, and they show nothing but the item's title and area.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone

from zugong.core import scope
from zugong.core.config.services import can_edit
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors
from zugong.core.middleware import client_ip
from zugong.orgs.models import Organization

from .. import satisfaction_selectors as selectors
from .. import satisfaction_services as services
from ..forms.satisfaction import AnswerForm, CallbackForm, CloseForm, CodeForm, IssueForm, PolicyForm, ReopenForm
from ..models import Feedback, SatisfactionPolicy, ServiceTask, Survey
from ..models.tasks import Satisfaction


def task_url(task) -> str:
    """The item's page."""
    return reverse("service:detail", args=[task.pk])


def _task(request, pk) -> ServiceTask:
    return get_object_or_404(ServiceTask.objects.visible_to(request.user).select_related("organization", "urgency"),
                             pk=pk)


def _survey(request, pk) -> Survey:
    return get_object_or_404(Survey.objects.visible_to(request.user).select_related("task__organization"), pk=pk)


def _page(request, template, task, **context):
    return render(request, template, {"task": task, "back": task_url(task), **context})


# ---------------------------------------------------------------- the panel


@login_required
def panel(request, pk):
    """The survey panel of an item (the task page includes `service/satisfaction/_panel.html`, which loads it)."""
    task = _task(request, pk)
    return render(request, "service/satisfaction/_panel_body.html", {"survey_panel": selectors.panel(request.user, task)})


@login_required
def surveys(request, pk):
    """The panel as a page of its own (linked from the panel's title)."""
    task = _task(request, pk)
    return _page(request, "service/satisfaction/surveys.html", task, survey_panel=selectors.panel(request.user, task))


# ---------------------------------------------------------------- codes


def _absolute(request, relative: str) -> str:
    return request.build_absolute_uri(relative)


@login_required
def codes(request, pk):
    """Issue the one-time codes of a round and show them once (the sheet, or a .pdf)."""
    survey = _survey(request, pk)
    task = survey.task
    if not scope.can(request.user, "change", task.org_path):
        raise PermissionDenied("您无权发放该事项的评价码")
    remaining = max(survey.required - Feedback.objects.visible_to(request.user).filter(survey=survey).count(), 1)
    form = IssueForm(request.POST or None, initial={"count": remaining})
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_codes(request.user, survey, form.cleaned_data["count"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _sheet(request, survey, issued, pdf=request.POST.get("format") == "pdf")
    return _page(request, "service/satisfaction/issue.html", task, survey=survey, form=form,
                 counts=services.code_counts(survey))


def _sheet(request, survey, issued, *, pdf: bool):
    import segno

    base = _absolute(request, reverse("service:pj"))
    items = []
    for c in issued:
        url = _absolute(request, c.path)
        items.append({"code": c.code, "url": url, "qr": segno.make(url, error="m").svg_inline(scale=2, border=1)})
    context = {"survey": survey, "task": survey.task, "items": items, "base": base, "back": task_url(survey.task)}
    if pdf:
        from weasyprint import HTML

        html = render_to_string("service/satisfaction/sheet_pdf.html", context, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="pingjiama-{survey.task_id}-{survey.round}.pdf"'
        return response
    return render(request, "service/satisfaction/sheet.html", context)


# ---------------------------------------------------------------- staff steps


@login_required
def callback(request, pk):
    survey = _survey(request, pk)
    task = survey.task
    if not scope.can(request.user, "change", task.org_path):
        raise PermissionDenied("您无权记录该事项的回访")
    form = CallbackForm(request.POST or None, case=task, user=request.user,
                        initial={"on": timezone.localdate(), "method": Feedback.Method.CALL})
    form.fields["on"].label = "回访日期"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_callback(request.user, survey, data["answer"], data["comment"], data["method"],
                                     on=data["on"], done_by=data.get("done_by", ""))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            task.refresh_from_db()
            messages.success(request, "回访已记录" + ("，事项已复办" if task.status == "reopened" else ""))
            return redirect(task_url(task))
    return _page(request, "service/satisfaction/form.html", task, form=form,
                 title=f"记录回访（第{survey.round}轮）：{task.title}")


@login_required
def reopen(request, pk):
    task = _task(request, pk)
    if not scope.can(request.user, "change", task.org_path):
        raise PermissionDenied("您无权复办该事项")
    form = ReopenForm(request.POST or None, case=task, user=request.user, initial={"on": timezone.localdate()})
    form.fields["on"].label = "复办日期"
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(request.user, task, form.cleaned_data["on"], form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "事项已复办，办结期限已重新计算")
            return redirect(task_url(task))
    return _page(request, "service/satisfaction/form.html", task, form=form, title=f"复办：{task.title}")


@login_required
def close(request, pk):
    task = _task(request, pk)
    if not scope.can(request.user, "change", task.org_path):
        raise PermissionDenied("您无权为该事项销号")
    latest = services.latest_survey(task)
    needs_waiver = not (latest is not None and latest.passed is True)
    may_waive = services.may_waive(request.user, task)
    form = CloseForm(request.POST or None, case=task, user=request.user, may_waive=may_waive,
                     needs_waiver=needs_waiver, initial={"on": timezone.localdate()})
    form.fields["on"].label = "销号日期"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.close(request.user, task, data["on"], data.get("waiver_reason", ""), note=data.get("note", ""),
                           done_by=data.get("done_by", ""))
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                exc = ValidationError(str(exc))
            apply_errors(form, exc)
        else:
            messages.success(request, "事项已销号")
            return redirect(task_url(task))
    return _page(request, "service/satisfaction/close.html", task, form=form, title=f"销号：{task.title}",
                 latest=latest, needs_waiver=needs_waiver, may_waive=may_waive)


# ---------------------------------------------------------------- settings


@login_required
def settings_list(request):
    rows = (SatisfactionPolicy.objects.visible_to(request.user).select_related("organization")
            .order_by("org_path", "pk"))
    for r in rows:
        r.editable = can_edit(request.user, r.issuing_path())
    issuers = _own_issuers(request.user)
    return render(request, "service/satisfaction/settings.html", {"rows": rows, "issuers": issuers})


def _own_issuers(user) -> list:
    paths = scope.scope_paths(user, "admin")
    taken = set(SatisfactionPolicy.objects.visible_to(user).exclude(organization=None)
                .values_list("organization__path", flat=True))
    return list(Organization.objects.visible_to(user).filter(path__in=[p for p in paths if p not in taken]))


@login_required
def settings_edit(request, pk):
    row = get_object_or_404(SatisfactionPolicy.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, PolicyForm, saved="满意度回访规则已保存", done=reverse("service:satisfaction_settings"),
                    title=f"修改{row}", denied="只有发布单位的组织部门管理员可以修改满意度回访规则")


@login_required
def settings_new(request):
    """A department's own policy, starting from the one that applies to it."""
    issuers = _own_issuers(request.user)
    org = next((o for o in issuers if str(o.pk) == request.GET.get("org", "")), issuers[0] if issuers else None)
    if org is None:
        raise PermissionDenied("只有组织部门管理员可以制定本单位的满意度回访规则")
    base = services.policy_for(org.path)
    row = SatisfactionPolicy(organization=org, code=f"service.survey.{org.code}"[:30])
    for name in PolicyForm.Meta.fields:
        setattr(row, name, getattr(base, name))
    return row_page(request, row, PolicyForm, saved="满意度回访规则已保存", done=reverse("service:satisfaction_settings"),
                    title=f"制定满意度回访规则（{org.name}）",
                    denied="只有组织部门管理员可以制定本单位的满意度回访规则")


# ---------------------------------------------------------------- the phone page (no login)


def _answer_page(request, found, key: str, form=None, status=200):
    task = found.survey.task
    return render(request, "service/satisfaction/pj_answer.html",
                  {"title": task.title, "area": task.area, "key": key, "form": form or AnswerForm(),
                   "choices": Satisfaction.choices}, status=status)


def _code_page(request, code="", error="", status=200):
    return render(request, "service/satisfaction/pj_code.html",
                  {"form": CodeForm(initial={"code": code}), "error": error}, status=status)


def _submit(request, key: str, typed: bool):
    try:
        found = services.find_code(key, address=client_ip(request))
    except ValidationError as exc:
        if typed:
            return _code_page(request, key, "；".join(exc.messages))
        return render(request, "service/satisfaction/pj_refused.html", {"error": "；".join(exc.messages)})
    if "answer" not in request.POST:
        return _answer_page(request, found, key)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _answer_page(request, found, key, form)
    try:
        services.answer(key, form.cleaned_data["answer"], form.cleaned_data["comment"], address=client_ip(request))
    except ValidationError as exc:
        apply_errors(form, exc)
        return _answer_page(request, found, key, form)
    return render(request, "service/satisfaction/pj_done.html", {})


def pj(request):
    """Type the code from the sheet, then answer."""
    if request.method != "POST":
        return _code_page(request)
    return _submit(request, request.POST.get("code", ""), typed=True)


def pj_token(request, token):
    """The address a QR carries: the answer page of that code."""
    if services.as_token(token) is None:
        raise Http404
    if request.method != "POST":
        try:
            found = services.find_code(token, address=client_ip(request))
        except ValidationError as exc:
            return render(request, "service/satisfaction/pj_refused.html", {"error": "；".join(exc.messages)})
        return _answer_page(request, found, token)
    return _submit(request, token, typed=False)


urlpatterns = [
    path("tasks/<int:pk>/satisfaction/panel/", panel, name="satisfaction_panel"),
    path("tasks/<int:pk>/satisfaction/", surveys, name="satisfaction_surveys"),
    path("tasks/<int:pk>/reopen/", reopen, name="satisfaction_reopen"),
    path("tasks/<int:pk>/close/", close, name="satisfaction_close"),
    path("surveys/<int:pk>/codes/", codes, name="satisfaction_codes"),
    path("surveys/<int:pk>/callback/", callback, name="satisfaction_callback"),
    path("satisfaction/settings/", settings_list, name="satisfaction_settings"),
    path("satisfaction/settings/new/", settings_new, name="satisfaction_settings_new"),
    path("satisfaction/settings/<int:pk>/edit/", settings_edit, name="satisfaction_settings_edit"),
    path("pj/", pj, name="pj"),
    path("pj/<str:token>/", pj_token, name="pj_token"),
]

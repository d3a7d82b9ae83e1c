"""Training pages: sign-in (签到).

The organizer's pages look the session up through the user's scope (`visible_to`): the sessions of a day, the
live page (who has and has not signed in, counts, the event log; refreshed by htmx polling), the display for the
projector (a QR code and a typed code that change every window, refreshed by htmx polling: the CSP allows no
inline script) and the manual roll; the sign-in rules (configuration).

The phone pages (`signin_code`, `signin_qr`, `signin_submit`) need no login: trainees have no accounts. A valid
QR token or code is the only key, and they list nobody: the trainee types their own name and the last six
characters of their ID number, and is told only whether the sign-in was accepted and why not.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import scope
from zugong.core.config.views import row_page
from zugong.core.middleware import client_ip

from .. import signin_services as services
from ..forms.signin import CodeForm, IdentityForm, RulesForm
from ..models import Attendance, Enrolment, Session, SignIn, SignInRules

POLL_SECONDS = 5


def _session(request, pk, action="view") -> Session:
    session = get_object_or_404(Session.objects.visible_to(request.user).select_related("training_class"), pk=pk)
    if action != "view" and not scope.can(request.user, action, session.org_path):
        raise PermissionDenied("您无权组织该课次的签到")
    return session


# ---------------------------------------------------------------- the organizer


@login_required
def sessions(request):
    """The sessions of a day (today by default) with their sign-in counts."""
    try:
        day = dt.date.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    rows = (Session.objects.visible_to(request.user).select_related("training_class").filter(on=day)
            .annotate(enrolled=Count("training_class__enrolments", distinct=True,
                                     filter=~Q(training_class__enrolments__status=Enrolment.Status.WITHDRAWN)),
                      signed=Count("attendances", distinct=True,
                                   filter=Q(attendances__status=Attendance.Status.PRESENT)))
            .order_by("starts_at", "pk"))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "training/signin/sessions.html", {
        "page": page, "day": day, "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
        "can_rules": bool(scope.scope_paths(request.user, "change"))})


def _live_context(request, session) -> dict:
    rows = list(services.roster(session))
    return {"session": session, "counts": services.counts(session),
            "signed": [r for r in rows if r.signed], "missing": [r for r in rows if not r.signed and not r.leave],
            "leave": [r for r in rows if r.leave and not r.signed], "poll": POLL_SECONDS,
            "now": timezone.localtime()}


@login_required
def live(request, pk):
    """Who has and has not signed in (refreshed by htmx), and the session's event log."""
    session = _session(request, pk)
    context = _live_context(request, session)
    events = (SignIn.objects.visible_to(request.user).filter(session=session)
              .select_related("enrolment__person", "by").order_by("-at", "-pk"))
    context |= {"events": Paginator(events, 100).get_page(request.GET.get("page")),
                "can_change": scope.can(request.user, "change", session.org_path)}
    return render(request, "training/signin/live.html", context)


@login_required
def live_panel(request, pk):
    session = _session(request, pk)
    return render(request, "training/signin/_live_panel.html", _live_context(request, session))


def _display_context(request, session) -> dict:
    import segno

    shown = services.display(session)
    url = request.build_absolute_uri(reverse("training:signin_qr", args=[shown["token"]]))
    return {"session": session, "shown": shown, "poll": min(POLL_SECONDS, shown["seconds"]),
            "qr": segno.make(url, error="m").svg_inline(scale=12, border=3, light="#fff"),
            "short_url": request.build_absolute_uri(reverse("training:signin_code")),
            "counts": services.counts(session)}


@login_required
def display(request, pk):
    """The projector screen: the QR code and the typed code of the current window."""
    session = _session(request, pk, "change")
    return render(request, "training/signin/display.html", _display_context(request, session))


@login_required
def display_panel(request, pk):
    session = _session(request, pk, "change")
    return render(request, "training/signin/_display_panel.html", _display_context(request, session))


@login_required
def roll(request, pk):
    """The manual roll: tick the trainees present (人工点名)."""
    session = _session(request, pk, "change")
    if request.method == "POST":
        try:
            n = services.roll(request.user, session, request.POST.getlist("present"))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, f"已登记 {n} 人出勤（人工点名）")
            return redirect("training:signin_live", pk=session.pk)
    return render(request, "training/signin/roll.html", {"session": session, "rows": services.roster(session)})


@login_required
def rules_list(request):
    rows = SignInRules.objects.visible_to(request.user).select_related("organization").order_by("org_path", "pk")
    return render(request, "training/signin/rules.html", {"rows": rows})


@login_required
def rules_edit(request, pk):
    row = get_object_or_404(SignInRules.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, RulesForm, saved="签到规则已保存", done=reverse("training:signin_rules"),
                    title=f"修改签到规则：{row.name}")


# ---------------------------------------------------------------- the phone (no login)


def _phone(request, *, step: str, error: str = "", passed=None, form=None, status: int = 200, event=None):
    context = {"step": step, "error": error, "form": form, "fill_minutes": services.FILL_MINUTES}
    if passed is not None:
        context |= {"pass": services.issue_pass(passed.session, passed.method), "session": passed.session,
                    "class": passed.session.training_class}
    if event is not None:
        context |= {"event": event, "session": event.session, "class": event.session.training_class}
    response = render(request, "training/signin/phone.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def code(request):
    """The short address: type the code shown on the screen, then the name form."""
    if request.method != "POST":
        return _phone(request, step="code", form=CodeForm())
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _phone(request, step="code", form=form, error="请输入屏幕上显示的6位签到码")
    try:
        passed = services.open_by_code(form.cleaned_data["code"], ip=client_ip(request))
    except services.Refused as exc:
        return _phone(request, step="code", form=form, error=exc.messages[0])
    return _phone(request, step="identity", passed=passed, form=IdentityForm())


def qr(request, token):
    """The address in the QR code: the name form of that session, while the code is current."""
    try:
        passed = services.open_by_token(token, ip=client_ip(request))
    except services.Refused as exc:
        return _phone(request, step="code", form=CodeForm(), error=exc.messages[0])
    return _phone(request, step="identity", passed=passed, form=IdentityForm())


@require_POST
def submit(request):
    ip = client_ip(request)
    try:
        passed = services.read_pass(request.POST.get("pass", ""))
    except services.Refused as exc:
        return _phone(request, step="code", form=CodeForm(), error=exc.messages[0])
    form = IdentityForm(request.POST)
    if not form.is_valid():
        return _phone(request, step="identity", passed=passed, form=form, error="请填写姓名和公民身份号码后六位")
    try:
        event = services.sign_in(passed, form.cleaned_data["name"], form.cleaned_data["tail6"], ip=ip)
    except services.Refused as exc:
        if exc.reason == SignIn.Reason.ALREADY:
            return _phone(request, step="done", error=exc.messages[0], passed=passed)
        return _phone(request, step="identity", passed=passed, form=form, error=exc.messages[0])
    return _phone(request, step="done", event=event)


urlpatterns = [
    path("signin/", sessions, name="signin_sessions"),
    path("signin/sessions/<int:pk>/", live, name="signin_live"),
    path("signin/sessions/<int:pk>/panel/", live_panel, name="signin_live_panel"),
    path("signin/sessions/<int:pk>/display/", display, name="signin_display"),
    path("signin/sessions/<int:pk>/display/panel/", display_panel, name="signin_display_panel"),
    path("signin/sessions/<int:pk>/roll/", roll, name="signin_roll"),
    path("signin/rules/", rules_list, name="signin_rules"),
    path("signin/rules/<int:pk>/edit/", rules_edit, name="signin_rules_edit"),
    path("qd/", code, name="signin_code"),
    path("qd/sign/", submit, name="signin_submit"),
    path("qd/<str:token>/", qr, name="signin_qr"),
]

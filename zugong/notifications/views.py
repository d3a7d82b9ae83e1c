from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zugong.core.config.services import can_edit
from zugong.core.config.views import row_page
from zugong.core.forms import apply_errors

from . import services
from .forms import LeadTimeForm, PreferencesForm
from .models import LeadTime, Notification


@login_required
def notification_list(request):
    tab = "all" if request.GET.get("tab") == "all" else "unread"
    rows = (Notification.objects.filter(user=request.user, in_app=True) if tab == "all"
            else services.unread(request.user))
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "tab": tab, "unread_count": services.unread_count(request.user), "kinds": services.kinds()})


@login_required
def notification_open(request, pk):
    """Follow a reminder to where it is done, marking it read."""
    row = services.mark_read(request.user, pk)
    if row is None:
        raise Http404
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts={request.get_host()}):
        return redirect(row.url)
    return redirect("notifications:list")


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, pk):
    if services.mark_read(request.user, pk) is None:
        raise Http404
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    n = services.mark_all_read(request.user)
    messages.success(request, f"已将 {n} 条提醒标为已读" if n else "没有未读的提醒")
    return _back(request)


@login_required
def preferences(request):
    sub = services.subscriber(request.user)
    form = PreferencesForm(request.POST or None, current=services.preferences(request.user),
                           sms_number=sub.sms_number)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.save_preferences(request.user, form.chosen(), form.cleaned_data["sms_number"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"提醒设置已保存（{n} 项改动）" if n else "提醒设置没有改动")
            return redirect("notifications:preferences")
    labels = services.kinds()
    leads = list(LeadTime.objects.visible_to(request.user).filter(active=True).select_related("organization"))
    for row in leads:
        row.kind_label = labels.get(row.kind, row.kind) if row.kind else "所有类型"
    return render(request, "notifications/preferences.html", {
        "form": form, "email_configured": services.email_configured(),
        "sms_configured": services.sms.backend().configured, "has_email": bool(request.user.email),
        "leads": leads,
        "can_edit_leads": [row.pk for row in leads if can_edit(request.user, row.org_path)]})


@login_required
def lead_time_edit(request, pk):
    row = get_object_or_404(LeadTime.objects.visible_to(request.user), pk=pk)
    return row_page(request, row, LeadTimeForm, saved="提醒的提前天数已保存",
                    done=reverse("notifications:preferences"), title=f"修改提醒的提前天数：{row}",
                    denied="只有组织部门管理员可以修改提醒的提前天数")

"""Account pages under 三员分立: the duties' account list and lifecycle actions, one's own password and tokens.

Thin: the duty check (`core.duties.duty_required`), a form, a service call (`services.py`, audited), a redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from zugong.core.duties import duty_required
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.core.scope import Duty, has_duty

from . import services
from .forms import GrantsForm, OwnPasswordForm, ResetPasswordForm, UserCreateForm
from .models import ApiToken
from .tables import UserFilterSet, UserTable

ACCOUNT_DUTIES = (Duty.SYSADMIN, Duty.SECADMIN)


@duty_required(*ACCOUNT_DUTIES)
def user_list(request):
    users = services.all_users().prefetch_related("grants__organization")
    return list_page(request, queryset=users, filterset_class=UserFilterSet, table_class=UserTable,
                     template="accounts/user_list.html", title="账号管理", export_name="账号名单")


@duty_required(*ACCOUNT_DUTIES)
def user_detail(request, pk):
    account = get_object_or_404(services.all_users(), pk=pk)
    secadmin = has_duty(request.user, Duty.SECADMIN)
    return render(request, "accounts/user_detail.html", {
        "account": account, "locked": services.is_locked(account),
        "grants": account.grants.select_related("organization"),
        "sysadmin": has_duty(request.user, Duty.SYSADMIN), "secadmin": secadmin,
        "tokens": services.tokens_of(request.user, account) if secadmin else None,
    })


@duty_required(Duty.SYSADMIN)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已创建账号“{account.username}”，请安全管理员授予角色与管辖范围")
            return redirect("accounts:user", pk=account.pk)
    return render(request, "core/form.html", {"form": form, "title": "新建账号", "back": "accounts:users"})


def _act(request, pk, action, done: str):
    account = get_object_or_404(services.all_users(), pk=pk)
    try:
        action(account)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done.format(name=account.username))
    return redirect("accounts:user", pk=account.pk)


@require_POST
@duty_required(Duty.SYSADMIN)
def user_disable(request, pk):
    return _act(request, pk, lambda a: services.set_active(request.user, a, False), "已停用账号“{name}”")


@require_POST
@duty_required(Duty.SYSADMIN)
def user_enable(request, pk):
    return _act(request, pk, lambda a: services.set_active(request.user, a, True), "已启用账号“{name}”")


@require_POST
@duty_required(Duty.SECADMIN)
def user_unlock(request, pk):
    return _act(request, pk, lambda a: services.unlock(request.user, a), "已解锁账号“{name}”")


@duty_required(Duty.SYSADMIN)
def user_reset(request, pk):
    account = get_object_or_404(services.all_users(), pk=pk)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(request.user, account, form.cleaned_data["password"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已重置“{account.username}”的密码，用户下次登录时须修改")
            return redirect("accounts:user", pk=account.pk)
    return render(request, "core/form.html", {"form": form, "title": f"重置密码：{account.username}"})


@duty_required(Duty.SECADMIN)
def user_grants(request, pk):
    account = get_object_or_404(services.all_users(), pk=pk)
    form = GrantsForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        add = (data["organization"], data["role"]) if data.get("organization") else None
        try:
            services.change_grants(request.user, account, remove=list(data["remove"]), add=add)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已变更“{account.username}”的角色与管辖范围")
            return redirect("accounts:user", pk=account.pk)
    return render(request, "core/form.html", {"form": form, "title": f"变更角色与管辖范围：{account.username}"})


# ---------------------------------------------------------------- tokens


@login_required
def my_tokens(request):
    """我的 API 令牌: the user's own tokens (never the plaintext), each revocable."""
    return render(request, "accounts/tokens.html", {
        "title": "我的 API 令牌", "tokens": services.tokens_of(request.user), "own": True,
        "days": settings.ZUGONG_TOKEN_DAYS})


@duty_required(Duty.SECADMIN)
def all_tokens(request):
    return render(request, "accounts/tokens.html", {
        "title": "令牌管理", "tokens": services.tokens_of(request.user).order_by("user__username", "-created_at"),
        "own": False, "days": settings.ZUGONG_TOKEN_DAYS})


@require_POST
@login_required
def token_revoke(request, pk):
    secadmin = has_duty(request.user, Duty.SECADMIN)
    qs = ApiToken.objects.all() if secadmin else ApiToken.objects.filter(user=request.user)
    token = get_object_or_404(qs, pk=pk)
    owner = token.user
    services.revoke_token(request.user, token)
    messages.success(request, f"已撤销令牌 {token.prefix}…")
    if secadmin and request.POST.get("next") == "all":
        return redirect("accounts:all_tokens")
    if secadmin and owner.pk != request.user.pk:
        return redirect("accounts:user", pk=owner.pk)
    return redirect("accounts:tokens")


# ---------------------------------------------------------------- policy and one's own password


@duty_required(Duty.SECADMIN)
def policy(request):
    """The password, session, lockout and token policy in force (settings, from the environment)."""
    rows = [
        ("密码最短长度", f"{settings.ZUGONG_PASSWORD_MIN_LENGTH} 个字符", "ZUGONG_PASSWORD_MIN_LENGTH"),
        ("字符类别", "大写字母、小写字母、数字、符号中的至少 3 类", ""),
        ("与用户名", "不能是用户名，也不能包含用户名", ""),
        ("不得重复使用", f"最近 {settings.ZUGONG_PASSWORD_HISTORY} 次的密码", "ZUGONG_PASSWORD_HISTORY"),
        ("密码有效期", f"{settings.ZUGONG_PASSWORD_MAX_AGE_DAYS} 天" if settings.ZUGONG_PASSWORD_MAX_AGE_DAYS else "不限",
         "ZUGONG_PASSWORD_MAX_AGE_DAYS"),
        ("初始密码、重置后的密码", "首次登录时须修改（演示账号除外）", ""),
        ("登录失败锁定", f"连续失败 {settings.AXES_FAILURE_LIMIT} 次锁定 "
                         f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} 分钟，安全管理员可解锁",
         "ZUGONG_LOGIN_FAILURES"),
        ("会话超时", f"空闲 {settings.SESSION_COOKIE_AGE // 3600} 小时或关闭浏览器后失效", ""),
        ("API 令牌有效期", f"{settings.ZUGONG_TOKEN_DAYS} 天；修改密码后全部失效", "ZUGONG_TOKEN_DAYS"),
    ]
    return render(request, "accounts/policy.html", {"rows": rows})


class OwnPasswordChangeView(PasswordChangeView):
    """修改密码: audited (修改密码), clears the change demanded at first login or after a reset."""

    form_class = OwnPasswordForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        services.change_password(self.request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        return redirect(self.get_success_url())

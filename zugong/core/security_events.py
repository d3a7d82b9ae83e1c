"""Security events into the audit chain (`audit.security_event`): signed in, failed, signed out, locked out.

Django's authentication signals and django-axes' `user_locked_out` are received here (connected by
`CoreConfig.ready`); requests answered 403 are logged by `core.middleware.ScopeMiddleware`. django-axes keeps its
own tables to count failures and lock; they are not the record: the chain is (the security log page,
`core.views.security_log`).
"""

from __future__ import annotations

from django.conf import settings

from . import audit

# django-axes marks the request of a failed attempt: `axes_locked_out` (locked now, or already), and
# `axes_failures_since_start` (the failures counted, this one included; None when it refused without counting). Its
# handler runs before ours (axes precedes core in INSTALLED_APPS). An attempt while locked counts on (the cool-off
# restarts) and is signalled as a lockout again: only the attempt that reaches the limit is the lockout.


def _while_locked(request) -> bool:
    """Was this attempt refused because the account was already locked?"""
    if request is None or not getattr(request, "axes_locked_out", False):
        return False
    from axes.helpers import get_failure_limit

    failures = getattr(request, "axes_failures_since_start", None)
    credentials = getattr(request, "axes_credentials", None)
    return failures is None or failures > get_failure_limit(request, credentials)


def _logged_in(sender, request=None, user=None, **kwargs):
    audit.security_event("login", request=request, user=user)


def _logged_out(sender, request=None, user=None, **kwargs):
    if user is not None:
        audit.security_event("logout", request=request, user=user)


def _login_failed(sender, credentials=None, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    note = "账户处于锁定状态，登录被拒绝" if _while_locked(request) else "用户名或密码错误"
    audit.security_event("login_failed", request=request, username=username or "（未填用户名）", note=note)
    pending = getattr(request, "_zugong_lockout", None) if request is not None else None
    if pending is not None:  # the lockout this attempt caused, after the attempt itself
        del request._zugong_lockout
        _write_lockout(request, pending)
    elif request is not None:
        request._zugong_failed_logged = True


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    if request is None or _while_locked(request):  # an attempt while locked: a failed login (`_login_failed`)
        return
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60) if hasattr(cooloff, "total_seconds") else 0
    pending = {"username": str(username or "")[:150], "failures": request.axes_failures_since_start,
               "minutes": minutes}
    if getattr(request, "_zugong_failed_logged", False):
        _write_lockout(request, pending)
    else:
        request._zugong_lockout = pending


def _write_lockout(request, pending: dict) -> None:
    audit.security_event(
        "lockout", request=request, username=pending["username"],
        changes=[audit.change("连续登录失败次数", pending["failures"]),
                 audit.change("锁定时长（分钟）", pending["minutes"] or "至解除锁定")],
        note="连续登录失败次数达到上限，该用户名在此地址被锁定",
    )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(_logged_in, dispatch_uid="zugong-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="zugong-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="zugong-audit-login-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="zugong-audit-lockout")


def denied(request, response) -> None:
    """A request answered 403 (PermissionDenied in a view, DRF's refusal, a CSRF failure): who, what, why."""
    reason = getattr(request, "_zugong_denied", "") or ""
    data = getattr(response, "data", None)
    if not reason and isinstance(data, dict) and data.get("detail"):
        reason = str(data["detail"])
    path = request.get_full_path()[:200]
    audit.security_event(
        "denied", request=request, target=f"{request.method} {path}"[:255],
        changes=[audit.change("请求", f"{request.method} {path}"), audit.change("应答", response.status_code)],
        note=reason[:500] or "无权访问",
    )

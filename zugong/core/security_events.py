"""Security events into the audit chain (`audit.security_event`): signed in, failed, signed out, locked out.

Django's authentication signals and django-axes' `user_locked_out` are received here (connected by
`CoreConfig.ready`); requests answered 403 are logged by `core.middleware.ScopeMiddleware`. django-axes keeps its
own tables to count failures and lock; they are not the record: the chain is (the security log page,
`core.views.security_log`).
"""

from __future__ import annotations

from django.conf import settings

from . import audit

# django-axes marks a request it refused because the account was already locked (`axes_locked_out`, set by its
# backend before the failure is signalled); a lockout it decides on this very attempt also counts the failures
# (`axes_failures_since_start`).


def _logged_in(sender, request=None, user=None, **kwargs):
    audit.security_event("login", request=request, user=user)


def _logged_out(sender, request=None, user=None, **kwargs):
    if user is not None:
        audit.security_event("logout", request=request, user=user)


def _login_failed(sender, credentials=None, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    locked = request is not None and getattr(request, "axes_locked_out", False)
    fresh = locked and getattr(request, "axes_failures_since_start", None) is not None
    if locked and not fresh:
        note = "账户处于锁定状态，登录被拒绝"
    else:
        note = "用户名或密码错误"
    audit.security_event("login_failed", request=request, username=username or "（未填用户名）", note=note)
    pending = getattr(request, "_zugong_lockout", None) if request is not None else None
    if pending is not None:  # the lockout this attempt caused, after the attempt itself
        del request._zugong_lockout
        _write_lockout(request, pending)
    elif request is not None:
        request._zugong_failed_logged = True


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None) if request is not None else None
    if failures is None:  # an attempt while locked: logged as a failed login (`_login_failed`)
        return
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    pending = {"username": str(username or "")[:150], "failures": failures, "minutes": minutes}
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

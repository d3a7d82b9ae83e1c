"""三员分立 on pages: a view only a system duty opens (`Duty` in `core.scope`).

    @duty_required(Duty.AUDITOR)
    def audit_log(request): ...

A signed-out user goes to the login page; a signed-in user without the duty gets 403 with the duties named.
Business roles never pass (an account with a duty holds no grant, and a business account holds no duty).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .scope import Duty, has_duty


def audit_entries(user):
    """The global audit log: every entry for the security auditor (whose duty it is to read it), none for anyone
    else (a record's own log tab is `record_tabs.log`)."""
    from .models import AuditEntry

    return AuditEntry.objects.unrestricted() if has_duty(user, Duty.AUDITOR) else AuditEntry.objects.none()

# The page each duty lands on (the 首页 of a duty account, whose sidebar lists only its duty's pages).
HOME = {Duty.SYSADMIN: "accounts:users", Duty.SECADMIN: "accounts:users", Duty.AUDITOR: "core:audit"}


def duty_required(*duties: str):
    labels = "、".join(Duty(d).label for d in duties)

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_duty(request.user, *duties):
                raise PermissionDenied(f"该页面仅限{labels}使用")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate

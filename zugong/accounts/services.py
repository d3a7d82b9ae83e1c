"""Account lifecycle under 三员分立 (separation of duties), each operation audited with a Chinese action name.

- 系统管理员 (sysadmin): creates business accounts, disables and enables them, resets their passwords.
- 安全管理员 (secadmin): gives and takes business roles and scopes (`ScopeGrant`), unlocks accounts locked by
  failed logins, revokes API tokens, keeps the password and session policy (settings, shown on a page).
- 安全审计员 (auditor): reads the audit log; changes nothing.
Business users (组织部管理员, 党组织管理员, 支部书记, 只读) manage no accounts. The duty accounts themselves are
created at installation (`create_duty_account`: `zugong seed` for the demo, `zugong duty` otherwise) and are not
managed through the pages, so no duty can act on another's account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope
from zugong.core.scope import Duty, Role

from .models import ApiToken, ScopeGrant, User


def _require(actor, *duties: str) -> None:
    if not scope.has_duty(actor, *duties):
        raise PermissionDenied("此操作仅限" + "、".join(Duty(d).label for d in duties))


def _business(account: User) -> None:
    if account.duty:
        raise ValidationError(f"“{account.username}”是{account.get_duty_display()}账号，不能在此管理")


def all_users():
    """Every account (the duties' list: accounts are not business data)."""
    return User.objects.order_by("username")


def is_locked(account: User) -> bool:
    """Whether failed logins locked the account (django-axes), from any address."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username=account.username, attempt_time__gte=since,
                                        failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()


@transaction.atomic
def create_account(actor, *, username: str, display_name: str, password: str) -> User:
    """A business account without a role (the security administrator grants one); the password is initial
    and must be changed at first login."""
    _require(actor, Duty.SYSADMIN)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    user = User(username=username, display_name=display_name, must_change_password=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    with audit.operation(None, "新建账号") as op:
        user.save()
        op.subject = user
        op.fact("用户名", username)
        op.fact("姓名", display_name)
    return user


@transaction.atomic
def create_duty_account(username: str, display_name: str, password: str, duty: str, *, demo: bool = False) -> User:
    """A system duty's account (installation, `zugong seed`, `zugong duty`): no grant, ever."""
    user = User.objects.filter(username=username).first() or User(username=username)
    if user.pk and user.grants.exists():
        raise ValidationError(f"“{username}”持有业务角色，不能再担任{Duty(duty).label}")
    user.display_name, user.duty, user.is_demo, user.is_active = display_name, duty, demo, True
    user.must_change_password = not demo
    user.set_password(password)
    with audit.operation(None, "设置系统职责") as op:
        user.save()
        op.subject = user
        op.fact("系统职责", Duty(duty).label)
    return user


@transaction.atomic
def set_active(actor, account: User, active: bool) -> None:
    _require(actor, Duty.SYSADMIN)
    _business(account)
    if account.is_active == active:
        return
    with audit.operation(account, "启用账号" if active else "停用账号") as op:
        account.is_active = active
        account.save(update_fields=["is_active"])
        op.fact("状态", "启用" if active else "停用", "停用" if active else "启用")


@transaction.atomic
def reset_password(actor, account: User, password: str) -> None:
    """A new password set by the system administrator: the user must change it at next login; the account's
    API tokens are revoked."""
    _require(actor, Duty.SYSADMIN)
    _business(account)
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    with audit.operation(account, "重置密码") as op:
        account.set_password(password)
        account.must_change_password = True
        account.save()
        op.fact("下次登录须修改密码", "是")


@transaction.atomic
def unlock(actor, account: User) -> int:
    """Clear the failed logins that locked the account (django-axes); the number of records cleared."""
    from axes.utils import reset

    _require(actor, Duty.SECADMIN)
    with audit.operation(account, "解锁账号") as op:
        n = reset(username=account.username)
        op.fact("清除登录失败记录", f"{n} 条")
    return n


@transaction.atomic
def change_grants(actor, account: User, *, remove=(), add=None) -> None:
    """Take the grants `remove` (ScopeGrant rows of the account) and give `add` ((organization, role) or None)."""
    _require(actor, Duty.SECADMIN)
    _business(account)
    with audit.operation(account, "变更角色与管辖范围") as op:
        for grant in account.grants.filter(pk__in=[g.pk for g in remove]).select_related("organization"):
            op.fact("取消", f"{grant.organization.display_name}·{grant.get_role_display()}")
            grant.delete()
        if add is not None:
            org, role = add
            existing = account.grants.filter(organization=org).first()
            if existing is not None:
                if existing.role != role:
                    op.fact("角色", f"{org.display_name}·{Role(role).label}",
                            f"{org.display_name}·{existing.get_role_display()}")
                    existing.role = role
                    existing.save(update_fields=["role"])
            else:
                ScopeGrant.objects.create(user=account, organization=org, role=role)
                op.fact("授予", f"{org.display_name}·{Role(role).label}")


@transaction.atomic
def change_password(account: User, password: str) -> None:
    """The user's own change (the form checked the old password and the policy): clears the change demanded
    at first login or after a reset, revokes the API tokens."""
    with audit.operation(account, "修改密码") as op:
        account.set_password(password)
        account.must_change_password = False
        account.save()
        op.fact("API 令牌", "已全部撤销")


# ---------------------------------------------------------------- tokens


def issue_token(user: User) -> tuple[ApiToken, str]:
    """A new API token (the plaintext is returned once); expired tokens of the user are dropped."""
    with audit.operation(user, "签发令牌") as op:
        ApiToken.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
        token, key = ApiToken.issue(user)
        op.fact("令牌", f"{token.prefix}…，{timezone.localtime(token.expires_at):%Y-%m-%d} 到期")
    return token, key


def tokens_of(actor, account: User | None = None):
    """The tokens the actor may list: their own, or (the security administrator) any account's."""
    if account is not None and account.pk != actor.pk:
        _require(actor, Duty.SECADMIN)
        return ApiToken.objects.filter(user=account)
    if account is None and scope.has_duty(actor, Duty.SECADMIN):
        return ApiToken.objects.select_related("user")
    return ApiToken.objects.filter(user=actor)


@transaction.atomic
def revoke_token(actor, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        _require(actor, Duty.SECADMIN)
    with audit.operation(token.user, "撤销令牌") as op:
        op.fact("令牌", f"{token.prefix}…")
        token.delete()

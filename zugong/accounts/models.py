"""Accounts, the organization subtrees (with a role) each business user holds, password history and API tokens.

三员分立: an account holds at most one system duty (`User.duty`, one field: two duties cannot be held), and an
account with a duty holds no business role (no `ScopeGrant`). `ScopeGrant.save` and `User.save` refuse the
mix; the services (`zugong/accounts/services.py`) check it first with a Chinese message for the form.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zugong.core.audit import AuditedModel
from zugong.core.scope import Duty, Role

DUTY_WITH_GRANT = "系统职责账号（{duty}）不能同时持有业务角色和管辖范围"


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=50, blank=True)
    duty = models.CharField("系统职责", max_length=16, choices=Duty.choices, blank=True, default="")
    # Demo accounts (zugong seed): exempt from the change at first login and from expiry.
    is_demo = models.BooleanField("演示账号", default=False)
    # Set on an account created or reset by an administrator: the user must choose a password at next login.
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        if self.duty and self.pk and ScopeGrant.objects.filter(user_id=self.pk).exists():
            raise ValidationError({"duty": DUTY_WITH_GRANT.format(duty=Duty(self.duty).label)})
        # set_password since the last save (not a login's rehash), or a new account (create_user sets the hash)
        changed = self._password is not None or self._state.adding
        if self._state.adding and self.password_changed_at is None:
            self.password_changed_at = timezone.now()
        super().save(*args, **kwargs)
        if changed and self.has_usable_password():
            PasswordHistory.remember(self)
            ApiToken.objects.filter(user=self).delete()  # a new password revokes every API token

    def password_expired(self, now=None) -> bool:
        days = settings.ZUGONG_PASSWORD_MAX_AGE_DAYS
        if not days or self.is_demo or self.password_changed_at is None:
            return False
        return (now or timezone.now()) - self.password_changed_at > dt.timedelta(days=days)

    def must_change(self) -> str:
        """Why the user must change the password before anything else ("" when not)."""
        if self.is_demo:
            return ""
        if self.must_change_password:
            return "这是管理员设置的初始密码或重置后的密码，请先修改密码"
        if self.password_expired():
            return f"您的密码已超过 {settings.ZUGONG_PASSWORD_MAX_AGE_DAYS} 天未修改，请修改密码"
        return ""


class ScopeGrant(AuditedModel):
    """A user's role over one organization subtree (管辖范围)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="管辖组织", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "管辖范围"
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="grant_unique")]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        duty = User.objects.filter(pk=self.user_id).values_list("duty", flat=True).first()
        if duty:
            raise ValidationError({"role": DUTY_WITH_GRANT.format(duty=Duty(duty).label)})
        super().save(*args, **kwargs)

    @property
    def org_path(self) -> str:
        return self.organization.path


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (no reuse of the last `ZUGONG_PASSWORD_HISTORY`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    @classmethod
    def remember(cls, user) -> None:
        cls.objects.create(user=user, password=user.password)
        keep = list(cls.objects.filter(user=user).values_list("pk", flat=True)[:settings.ZUGONG_PASSWORD_HISTORY])
        cls.objects.filter(user=user).exclude(pk__in=keep).delete()


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """An API token: only its SHA-256 digest is stored (the plaintext is shown once, when it is issued), with
    its expiry. Deleted when revoked, when its user's password changes, or when it has expired."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8)  # the first characters, to tell tokens apart
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}…"

    @classmethod
    def issue(cls, user) -> tuple["ApiToken", str]:
        """A new token for the user: the row and the plaintext (returned once, never stored)."""
        key = secrets.token_hex(20)
        now = timezone.now()
        token = cls.objects.create(user=user, digest=token_digest(key), prefix=key[:8], created_at=now,
                                   expires_at=now + dt.timedelta(days=settings.ZUGONG_TOKEN_DAYS))
        return token, key

    @classmethod
    def find(cls, key: str):
        """The live token of a plaintext key, with its user (None: unknown, revoked or expired)."""
        return cls.objects.live().select_related("user").filter(digest=token_digest(key)).first()

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

"""Accounts and the organization subtrees (with a role) each user holds."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.scope import Duty, Role


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=50, blank=True)
    duty = models.CharField("系统职责", max_length=16, choices=Duty.choices, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username


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

    @property
    def org_path(self) -> str:
        return self.organization.path

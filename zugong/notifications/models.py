"""Reminders: one notification per user and deadline stage (or one digest of a run's new findings), the user's choices of
what reaches them by which channel, and the lead times (configuration rows)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from zugong.core import pii
from zugong.core.config.models import ConfigModel

FINDINGS = "findings"  # the kind of a new-findings summary (beside the registered deadline kinds)
FINDINGS_LABEL = "新发现的问题"
OVERDUE = -1  # Notification.lead of the reminder sent once a deadline has passed

CHANNELS = (("in_app", "站内提醒"), ("email", "电子邮件"), ("sms", "短信"))


class Notification(models.Model):
    """One reminder to one user. A deadline's reminder carries its key, due date and lead (days before the due
    date, or OVERDUE): the unique constraint makes a rerun add none twice, and a changed due date a new one.
    The digest of a run's new findings carries their count and, in `items`, the count of each rule."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField("类型", max_length=32)
    title = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=500, blank=True)
    url = models.CharField("办理地址", max_length=300, blank=True)
    org_path = models.CharField(max_length=255, blank=True)
    deadline_key = models.CharField(max_length=120, blank=True)
    due = models.DateField("到期日", null=True, blank=True)
    lead = models.SmallIntegerField("提前天数", null=True, blank=True)
    rule = models.CharField("规则", max_length=64, blank=True)
    count = models.PositiveIntegerField("条数", null=True, blank=True)
    # The lines of a digest (the new findings of a run): [{rule, title, count, severity, url}], listed with links.
    items = models.JSONField("明细", default=list, blank=True)
    in_app = models.BooleanField("站内显示", default=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    sms_at = models.DateTimeField("短信发送时间", null=True, blank=True)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "deadline_key", "due", "lead"],
                                    condition=models.Q(due__isnull=False), name="notification_once_per_deadline"),
        ]
        indexes = [models.Index(fields=["user", "in_app", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def lead_label(self) -> str:
        if self.lead is None:
            return ""
        if self.lead == OVERDUE:
            return "已逾期"
        return "今天到期" if self.lead == 0 else f"提前 {self.lead} 天"


class Subscriber(models.Model):
    """A user's delivery details: the mobile number SMS goes to, and how far the new-findings summaries have
    reached (the next run counts the findings opened after it). Created by the first run for every user, so
    not an AuditedModel: a change of the number is a fact of the settings' audited operation
    (`services.save_preferences`), as are the `Preference` changes."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="+")
    sms_number = pii.SealedField("接收短信的手机号", max_length=20, blank=True, purpose="phone")
    findings_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒接收设置"

    def __str__(self):
        return f"{self.user}的提醒设置"


class Preference(models.Model):
    """What one user receives of one kind, by which channel. No row: the defaults (in the app only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField("提醒类型", max_length=32)
    in_app = models.BooleanField("站内提醒", default=True)
    email = models.BooleanField("电子邮件", default=False)
    sms = models.BooleanField("短信", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "提醒偏好"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_unique")]

    def __str__(self):
        return f"{self.user} · {self.kind}"


def parse_days(text: str) -> list[int]:
    """"30、7、1" → [30, 7, 1]; a clear Chinese error otherwise."""
    parts = [p for p in re.split(r"[\s,，、;；]+", (text or "").strip()) if p]
    if not parts:
        raise ValidationError({"days": "请填写提前提醒的天数，如：30、7、1"})
    out = []
    for p in parts:
        if not p.isdigit() or int(p) > 366:
            raise ValidationError({"days": f"“{p}”不是 0 到 366 之间的整数天数"})
        out.append(int(p))
    return sorted(set(out), reverse=True)


class LeadTime(ConfigModel):
    """When a deadline is reminded: so many days before it falls due (30、7、1), and once more when it is
    overdue. Issued by an organization department for its subtree (none: the national default); a row for one
    kind of deadline wins over the row for all kinds, the nearest issuer over one above it."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("编码", max_length=64, unique=True)
    kind = models.CharField("提醒类型", max_length=32, blank=True, help_text="留空：适用于所有类型的期限")
    days = models.CharField("提前提醒天数", max_length=60, default="30、7、1",
                            help_text="到期前多少天提醒，多个用顿号分隔，如：30、7、1（0 表示到期当天）")
    overdue = models.BooleanField("逾期后再提醒一次", default=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒提前天数"
        ordering = ["org_path", "kind"]

    def __str__(self):
        return f"{self.kind or '所有类型'}：{self.days}"

    def clean(self):
        self.days = "、".join(str(d) for d in parse_days(self.days))

    @property
    def day_list(self) -> list[int]:
        return parse_days(self.days)

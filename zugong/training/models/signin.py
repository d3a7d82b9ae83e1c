"""Training models: sign-in (签到).

- `SignInRules` (签到规则, configuration): how long a QR code and a typed code last (the rotation window), how
  early before a session's start sign-in opens, and how many wrong entries an address may make in how many
  minutes. Issued by a department for its subtree (`Issued`); the deepest row applying to a session governs it.
- `SignIn` (签到记录): every sign-in event, accepted or refused, with the session, the enrolment (null when the
  person was not found), the time, the method (扫码/签到码/人工点名/表格导入), the reason of a refusal, the
  client's address and, for a roll or an import, the user. Placed where the session is (`Inherited`, stored).
  The events are the audit trail of attendance: the first accepted one sets the `Attendance` row (出勤, the
  session's 学时, method and time).
- wrong entries on the phone page are counted by `core.guesses` (purpose "signin-client"), for the rate limit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, ScopedModel

__all__ = ["SignInRules", "SignIn"]


class SignInRules(ConfigModel):
    """The numbers of sign-in a department sets (local practice)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="制定单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    window_seconds = models.PositiveSmallIntegerField(
        "二维码和签到码刷新间隔（秒）", default=30,
        help_text="每隔此秒数更换一次二维码和签到码；只接受当前和上一个间隔的二维码和签到码")
    open_before_minutes = models.PositiveSmallIntegerField(
        "课前可签到（分钟）", default=30, help_text="课次开始前多少分钟起可以签到；签到只在课次当天进行")
    close_after_minutes = models.PositiveSmallIntegerField(
        "课后可签到（分钟）", default=0, help_text="课次结束后多少分钟内仍可签到；0 为当天结束前均可签到")
    guess_limit = models.PositiveSmallIntegerField("错误次数上限", default=10,
                                                   help_text="同一网络地址在限定时间内输入错误（二维码或签到码无效、过期，或不在学员名单）达到此次数后"
                                                             "暂停签到；会场学员共用一个无线网络出口的，可适当调高")
    guess_minutes = models.PositiveSmallIntegerField("错误次数统计时间（分钟）", default=15)
    regulation = models.CharField("依据", max_length=100, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "签到规则"
        ordering = ["org_path", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(window_seconds__gte=10),
                                              name="signin_window_at_least_10s")]

    def __str__(self):
        return self.name


class SignIn(ScopedModel):
    """One sign-in event (append-only: it is itself the record of who signed in, how and when)."""

    class Method(models.TextChoices):
        QR = "qr", "扫码签到"
        CODE = "code", "签到码"
        ROLL = "roll", "人工点名"
        IMPORT = "import", "表格导入"

    class Reason(models.TextChoices):
        EXPIRED = "expired", "二维码或签到码已过期"
        FORGED = "forged", "二维码或签到码无效"
        NOT_ENROLLED = "not_enrolled", "不在学员名单"
        WITHDRAWN = "withdrawn", "已退学"
        ALREADY = "already", "已签到"
        CLOSED = "closed", "非签到时间"

    scope = Inherited("session")

    session = models.ForeignKey("training.Session", verbose_name="课次", on_delete=models.CASCADE,
                                related_name="signins")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    enrolment = models.ForeignKey("training.Enrolment", verbose_name="学员", on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="signins")
    at = models.DateTimeField("时间", db_index=True)
    method = models.CharField("签到方式", max_length=10, choices=Method.choices)
    accepted = models.BooleanField("签到成功", default=True)
    reason = models.CharField("未通过原因", max_length=20, choices=Reason.choices, blank=True)
    name_given = models.CharField("填写的姓名", max_length=50, blank=True)
    client = models.GenericIPAddressField("网络地址", null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "签到记录"
        ordering = ["session", "at", "pk"]
        indexes = [models.Index(fields=["session", "enrolment", "accepted"], name="signin_session_enrolment")]

    def __str__(self):
        return f"{self.get_method_display()} {self.at:%Y-%m-%d %H:%M:%S}"

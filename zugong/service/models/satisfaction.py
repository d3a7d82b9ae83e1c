"""The people's view before closure (满意度回访): when an item is completed, a check asks the served person or a
sample of households (`SatisfactionPolicy`: the share, default at least 10 %, at least one) through a phone page
opened by a one-time code or QR (满意 / 基本满意 / 部分解决 / 不满意 + comment), or staff record a callback by
telephone. 不满意 or 部分解决 reopens the item (复办); 销号 only after the check passes or an authorized
administrator records why it cannot be done."""

from __future__ import annotations

import uuid

from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, ScopedManager, ScopedModel

from .tasks import Satisfaction, ServiceTask

__all__ = ["SatisfactionPolicy", "Survey", "CallbackCode", "Feedback", "Satisfaction"]


class SatisfactionPolicy(ConfigModel):
    """How the check is run: the sample share and minimum, which answers reopen, how long codes stay valid.
    Issued nationally or by a department for its subtree; the nearest issuer wins."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="发布单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=30, unique=True)
    sample_share = models.DecimalField("抽样比例", max_digits=4, decimal_places=3, default="0.100",
                                       help_text="受益户数较多时按此比例抽样回访，0.1 即 10%")
    sample_minimum = models.PositiveSmallIntegerField("至少回访（户）", default=1)
    code_valid_days = models.PositiveSmallIntegerField("评价码有效期（天）", default=15)
    reopen_share = models.DecimalField("复办阈值", max_digits=4, decimal_places=3, default="0.000",
                                       help_text="“不满意”和“部分解决”占已评价的比例超过此值即复办；0 即出现一户即复办")
    pass_share = models.DecimalField("通过所需评价比例", max_digits=4, decimal_places=3, default="1.000",
                                     help_text="抽样户中已评价的比例达到此值、且未触发复办，方可销号")
    reopen_limit_workdays = models.PositiveSmallIntegerField("复办时限（工作日）", null=True, blank=True,
                                                             help_text="留空：按原紧急程度的默认时限")
    regulation = models.CharField("依据文件", max_length=200, blank=True)
    article = models.CharField("条款", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度回访规则"

    def __str__(self) -> str:
        return f"满意度回访规则（{self.organization or '全国默认'}）"


class Survey(ScopedModel, AuditedModel):
    """One round of the satisfaction check (满意度回访) of one completion; a reopened item gets a new round at
    its next completion."""

    # The item's path is kept on the round (not only read through the join), so the league tables count the
    # rounds of a subtree and a period from one index (`service_survey_league`).
    scope = Inherited("task")
    audit_exclude = ("org_path",)

    task = models.ForeignKey(ServiceTask, verbose_name="事项", on_delete=models.CASCADE, related_name="surveys")
    org_path = models.CharField("所属组织路径", max_length=255)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    opened_on = models.DateField("发起日期")
    required = models.PositiveSmallIntegerField("应回访（户）")
    expires_on = models.DateField("评价截止日期")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    passed = models.BooleanField("通过", null=True, blank=True)
    result = models.CharField("评价结果", max_length=16, choices=Satisfaction.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度回访"
        ordering = ["task", "round"]
        constraints = [models.UniqueConstraint(fields=["task", "round"], name="service_survey_round_once")]
        indexes = [models.Index(fields=["org_path", "closed_on", "result"], name="service_survey_league")]


class CallbackCode(ScopedModel):
    """A one-time code of a check, kept only as a keyed hash (`core.pii.digest`); the plain code is shown once
    (printed or sent) and never stored. `token` opens the phone page from a QR."""

    scope = Inherited("survey", stored=False)

    survey = models.ForeignKey(Survey, verbose_name="回访", on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField("评价码摘要", max_length=64, unique=True)
    token = models.UUIDField("二维码令牌", default=uuid.uuid4, unique=True, editable=False)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "评价码"


class Feedback(ScopedModel):
    """One answer: by the phone page (a code used) or a callback recorded by staff (电话回访、上门回访)."""

    class Method(models.TextChoices):
        PHONE_PAGE = "page", "扫码/评价码"
        CALL = "call", "电话回访"
        VISIT = "visit", "上门回访"

    scope = Inherited("survey", stored=False)

    survey = models.ForeignKey(Survey, verbose_name="回访", on_delete=models.CASCADE, related_name="feedback")
    answer = models.CharField("评价", max_length=16, choices=Satisfaction.choices)
    comment = models.TextField("意见建议", blank=True)
    method = models.CharField("方式", max_length=8, choices=Method.choices)
    answered_at = models.DateTimeField("评价时间", auto_now_add=True)
    recorded_by = models.ForeignKey("accounts.User", verbose_name="录入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "群众评价"
        ordering = ["survey", "answered_at", "id"]

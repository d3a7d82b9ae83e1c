"""Expert review: the expert pool (people inside or outside the system), review rounds of an edition, the
conflicts of interest found before assignment (same unit, family, supervisor, co-applicant) or declared, the
assignments (each application its configured number of reviewers, the load balanced) and the scores per
criterion. A round's results stay pending (待发布) until the round is published."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.core import pii
from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, Issued, ScopedModel

__all__ = ["Expert", "ReviewRound", "Conflict", "ConflictKind", "Assignment", "Score"]


class Expert(ConfigModel):
    """An expert of a department's pool: a person of zugong or someone outside it (name, unit, field,
    contact). A reviewer who reviews in zugong has a user account (`user`): the review pages show that user
    only the applications assigned to them."""

    scope = Issued("organization")

    organization = models.ForeignKey("orgs.Organization", verbose_name="专家库所属单位", on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey("people.Person", verbose_name="系统内人员", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评审账号", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="talent_experts")
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey("orgs.Unit", verbose_name="工作单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    unit_name = models.CharField("工作单位名称", max_length=100, blank=True)
    field = models.CharField("专业领域", max_length=60)
    title = models.CharField("职称职务", max_length=60, blank=True)
    phone = pii.SealedField("联系电话", max_length=20, blank=True, purpose="phone")
    email = models.EmailField("电子邮箱", blank=True)
    active = models.BooleanField("在库", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审专家"
        ordering = ["field", "name"]

    def __str__(self) -> str:
        return self.name


class ReviewRound(ConfigModel):
    """A review round of an edition (one tier, or all): the reviewers per application, the dates, its state.
    Results are pending until `published_on`; publishing records the 专家评审 step on each application."""

    class Status(models.TextChoices):
        DRAFT = "draft", "准备中"
        ASSIGNED = "assigned", "已分配"
        OPEN = "open", "评审中"
        CLOSED = "closed", "评审结束（待发布）"
        PUBLISHED = "published", "已发布"

    scope = Issued(parent="edition")

    edition = models.ForeignKey("talent.Edition", verbose_name="批次", on_delete=models.CASCADE,
                                related_name="rounds")
    tier = models.ForeignKey("talent.Tier", verbose_name="层次", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="rounds", help_text="空为全部层次")
    name = models.CharField("评审轮次", max_length=100)
    reviewers_per_application = models.PositiveSmallIntegerField("每份申报评审专家人数", default=5)
    opens_on = models.DateField("评审开始日期", null=True, blank=True)
    closes_on = models.DateField("评审截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField("发布日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审轮次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ConflictKind(models.TextChoices):
    SAME_UNIT = "same_unit", "同一单位"
    FAMILY = "family", "亲属关系"
    SUPERVISOR = "supervisor", "导师或上下级"
    CO_APPLICANT = "co_applicant", "合作申报人"
    APPLICANT = "applicant", "本人申报"
    DECLARED = "declared", "本人申明回避"


class Conflict(ScopedModel, AuditedModel):
    """A conflict of interest between an expert and an application: detected from zugong's records (with the
    evidence) or declared; an expert is never assigned to an application they conflict with."""

    scope = Inherited("application", stored=False)

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey("talent.Application", verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="conflicts")
    kind = models.CharField("回避情形", max_length=16, choices=ConflictKind.choices)
    evidence = models.CharField("依据", max_length=300, blank=True)
    declared = models.BooleanField("本人申明", default=False)
    found_on = models.DateField("发现日期")

    class Meta:
        verbose_name = verbose_name_plural = "回避关系"
        ordering = ["application", "expert"]
        constraints = [models.UniqueConstraint(fields=["expert", "application", "kind"],
                                               name="talent_conflict_once")]


class Assignment(ScopedModel, AuditedModel):
    """An expert assigned to review an application in a round; `total` the weighted score when submitted."""

    scope = Inherited("application", stored=False)

    round = models.ForeignKey(ReviewRound, verbose_name="评审轮次", on_delete=models.CASCADE,
                              related_name="assignments")
    application = models.ForeignKey("talent.Application", verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="assignments")
    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="assignments")
    assigned_on = models.DateField("分配日期")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    total = models.DecimalField("加权得分", max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField("综合评价", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审分配"
        ordering = ["round", "application", "expert"]
        constraints = [models.UniqueConstraint(fields=["round", "application", "expert"],
                                               name="talent_assignment_once")]
        indexes = [models.Index(fields=["round", "expert"], name="talent_assign_round_expert")]


class Score(ScopedModel, AuditedModel):
    """A reviewer's score on one criterion, with a comment."""

    scope = Inherited("assignment", stored=False)

    assignment = models.ForeignKey(Assignment, verbose_name="评审分配", on_delete=models.CASCADE,
                                   related_name="scores")
    criterion = models.ForeignKey("talent.Criterion", verbose_name="评审指标", on_delete=models.PROTECT,
                                  related_name="+")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    comment = models.CharField("评语", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审打分"
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="talent_score_once")]

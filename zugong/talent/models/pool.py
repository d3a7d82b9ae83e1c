"""The talent pool: a recognised talent (认定 creates one from the application; older talents are imported),
with tier, field, unit, support period and tags; its allowance payments by instalment and its periodic reviews
(年度考核、期满考核). Renewal (续支) extends the period; exit (退出) ends it with a reason."""

from __future__ import annotations

from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

__all__ = ["Talent", "AllowancePayment", "PeriodicReview"]


class Talent(ScopedModel, AuditedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "支持期内"
        EXPIRED = "expired", "支持期满"
        EXITED = "exited", "已退出"

    scope = OwnSubtree("organization")

    organization = models.ForeignKey("orgs.Organization", verbose_name="所在单位党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    person = models.ForeignKey("people.Person", verbose_name="人才", on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField("talent.Application", verbose_name="申报", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="talent")
    program = models.ForeignKey("talent.Program", verbose_name="人才项目", on_delete=models.PROTECT,
                                related_name="+")
    edition = models.ForeignKey("talent.Edition", verbose_name="批次", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    tier = models.ForeignKey("talent.Tier", verbose_name="层次", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    tier_name = models.CharField("层次名称", max_length=40)
    field = models.CharField("专业领域", max_length=60)
    unit = models.ForeignKey("orgs.Unit", verbose_name="工作单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    unit_name = models.CharField("工作单位名称", max_length=100, blank=True)
    since = models.DateField("认定日期")
    until = models.DateField("支持期满日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    exited_on = models.DateField("退出日期", null=True, blank=True)
    exit_reason = models.CharField("退出原因", max_length=300, blank=True)
    tags = models.CharField("标签", max_length=200, blank=True, help_text="以顿号或逗号分隔，如“乡村振兴、数字经济”")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才库"
        ordering = ["-since", "id"]
        indexes = [models.Index(fields=["org_path", "status"], name="talent_pool_path_status")]

    def __str__(self) -> str:
        return f"{self.person}（{self.tier_name}）" if self.person_id else self.tier_name


class AllowancePayment(ScopedModel, AuditedModel):
    """An instalment of the allowance paid to a talent (amount, day, document)."""

    scope = Inherited("talent", stored=False)

    talent = models.ForeignKey(Talent, verbose_name="人才", on_delete=models.CASCADE, related_name="payments")
    number = models.PositiveSmallIntegerField("期次")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("发放日期")
    document_no = models.CharField("拨付文号", max_length=60, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "津贴发放"
        ordering = ["talent", "number"]
        constraints = [models.UniqueConstraint(fields=["talent", "number"], name="talent_payment_once")]


class PeriodicReview(ScopedModel, AuditedModel):
    """A talent's annual or end-of-term review (年度考核 / 期满考核) and its grade."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "年度考核"
        TERM_END = "term_end", "期满考核"

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        QUALIFIED = "qualified", "合格"
        BASIC = "basic", "基本合格"
        UNQUALIFIED = "unqualified", "不合格"

    scope = Inherited("talent", stored=False)

    talent = models.ForeignKey(Talent, verbose_name="人才", on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField("考核类别", max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    on = models.DateField("考核日期")
    grade = models.CharField("考核结果", max_length=12, choices=Grade.choices)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才考核"
        ordering = ["talent", "year", "kind"]
        constraints = [models.UniqueConstraint(fields=["talent", "kind", "year"], name="talent_review_once")]

"""A talent programme (人才工程、人才计划: 三晋英才支持计划, a city's or county's own) and its editions (a year's
call), all data: tiers with their quotas, eligibility conditions evaluated against zugong's own records, quotas
per recommending organization, the allowance schedule, the review rubric. A programme is issued by an
organization department and seen from its subtree and above (`Issued`); its editions and their parts take the
programme's path."""

from __future__ import annotations

from django.db import models

from zugong.core.config.models import ConfigModel
from zugong.core.scope import Issued

__all__ = ["Program", "Edition", "Tier", "Condition", "UnitQuota", "AllowanceInstalment", "Criterion",
           "PriorityCounty", "ConditionKind"]


class Program(ConfigModel):
    """A programme: who runs it, its name and the document that set it up."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    scope = Issued("organization")

    organization = models.ForeignKey("orgs.Organization", verbose_name="主办单位", on_delete=models.PROTECT,
                                     related_name="+")
    code = models.CharField("项目代码", max_length=30, unique=True, help_text="如 SJYC，导入申报时用")
    name = models.CharField("项目名称", max_length=100)
    level = models.CharField("层级", max_length=12, choices=Level.choices, default=Level.PROVINCE)
    document = models.CharField("设立依据", max_length=200, blank=True, help_text="文件名称及文号")
    description = models.TextField("项目说明", blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才项目"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Edition(ConfigModel):
    """A year's call of a programme (“2026年度三晋英才支持计划”): dates, the 公示 length, the review settings,
    the support period. Draft until published; applications are taken while it is open."""

    class Status(models.TextChoices):
        DRAFT = "draft", "未发布"
        OPEN = "open", "申报中"
        CLOSED = "closed", "申报截止"
        FINISHED = "finished", "已结束"

    scope = Issued(parent="program")

    program = models.ForeignKey(Program, verbose_name="人才项目", on_delete=models.CASCADE, related_name="editions")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("批次名称", max_length=100)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField("发布日期", null=True, blank=True)
    opens_on = models.DateField("申报开始日期", null=True, blank=True)
    closes_on = models.DateField("申报截止日期", null=True, blank=True,
                                 help_text="年龄、任职年限等条件按此日计算")
    notice_workdays = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    reviewers_per_application = models.PositiveSmallIntegerField("每份申报评审专家人数", default=5)
    trim_high = models.PositiveSmallIntegerField("去掉最高分个数", default=1)
    trim_low = models.PositiveSmallIntegerField("去掉最低分个数", default=1)
    support_years = models.PositiveSmallIntegerField("支持周期（年）", default=3)
    document = models.CharField("申报通知", max_length=200, blank=True, help_text="通知名称及文号")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才项目批次"
        ordering = ["-year", "program"]
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="talent_edition_once_a_year")]

    def __str__(self) -> str:
        return self.title


class Tier(ConfigModel):
    """A tier of an edition (高端领军 / 拔尖骨干 / 青年优秀) with its total quota and its allowance."""

    scope = Issued(parent="edition")

    edition = models.ForeignKey(Edition, verbose_name="批次", on_delete=models.CASCADE, related_name="tiers")
    code = models.CharField("层次代码", max_length=20)
    name = models.CharField("层次", max_length=40)
    quota = models.PositiveIntegerField("名额", null=True, blank=True, help_text="空为不限")
    allowance_total = models.DecimalField("津贴总额（元）", max_digits=12, decimal_places=2, default=0)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "人才层次"
        ordering = ["edition", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="talent_tier_code_once")]

    def __str__(self) -> str:
        return self.name


class ConditionKind(models.TextChoices):
    """The eligibility conditions zugong evaluates from its own records (`eligibility.py`); `params` of each:
    annual_grades {"years": 3, "grades": ["excellent", "competent", "qualified"]} (the last N years before the
    edition's year, each graded at least so); no_sanction {"years": 5, "kinds": [...] or absent for any};
    years_in_post {"years": 3} (任现职务 at the deadline); max_age / min_age {"age": 45} (at the deadline);
    education {"codes": ["1", "2"]} (学历 code at most / among); title {"titles": ["正高级", "副高级"]}
    (专业技术职务 contains one); manual {} (checked by hand: no records for it, shown as 待人工审查)."""

    ANNUAL_GRADES = "annual_grades", "近年年度考核等次"
    NO_SANCTION = "no_sanction", "无处分记录"
    YEARS_IN_POST = "years_in_post", "任现职年限"
    MAX_AGE = "max_age", "年龄上限"
    MIN_AGE = "min_age", "年龄下限"
    EDUCATION = "education", "学历"
    TITLE = "title", "专业技术职务"
    MANUAL = "manual", "人工审查"


class Condition(ConfigModel):
    """An eligibility condition of an edition (all tiers, or one tier), with the document it comes from."""

    scope = Issued(parent="edition")

    edition = models.ForeignKey(Edition, verbose_name="批次", on_delete=models.CASCADE, related_name="conditions")
    tier = models.ForeignKey(Tier, verbose_name="层次", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="conditions", help_text="空为各层次通用")
    kind = models.CharField("条件类别", max_length=20, choices=ConditionKind.choices)
    label = models.CharField("条件", max_length=200, help_text="如“近三年年度考核均为合格以上等次”")
    params = models.JSONField("参数", default=dict, blank=True)
    source = models.CharField("依据", max_length=200, blank=True, help_text="文件名称及条款；条款不明写“条款号待核”")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "申报条件"
        ordering = ["edition", "order", "id"]

    def __str__(self) -> str:
        return self.label


class UnitQuota(ConfigModel):
    """How many applications a recommending organization may recommend (per tier, or in all)."""

    scope = Issued(parent="edition")

    edition = models.ForeignKey(Edition, verbose_name="批次", on_delete=models.CASCADE, related_name="unit_quotas")
    tier = models.ForeignKey(Tier, verbose_name="层次", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="unit_quotas", help_text="空为各层次合计")
    organization = models.ForeignKey("orgs.Organization", verbose_name="推荐单位", on_delete=models.CASCADE,
                                     related_name="+", help_text="其下级组织的申报计入本单位名额")
    quota = models.PositiveIntegerField("推荐名额")

    class Meta:
        verbose_name = verbose_name_plural = "推荐名额"
        ordering = ["edition", "organization", "tier"]
        constraints = [models.UniqueConstraint(fields=["edition", "organization", "tier"],
                                               name="talent_unit_quota_once", nulls_distinct=False)]


class AllowanceInstalment(ConfigModel):
    """One instalment of a tier's allowance: its number, amount, when it falls due (months after 认定) and the
    condition for paying it (e.g. 年度考核合格)."""

    scope = Issued(parent="tier")

    tier = models.ForeignKey(Tier, verbose_name="层次", on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField("期次")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    due_months = models.PositiveSmallIntegerField("认定后第几个月发放", default=0)
    condition = models.CharField("发放条件", max_length=200, blank=True, help_text="如“上一年度考核合格以上”")
    requires_review = models.BooleanField("须上一年度考核合格", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "津贴发放计划"
        ordering = ["tier", "number"]
        constraints = [models.UniqueConstraint(fields=["tier", "number"], name="talent_instalment_once")]

    def __str__(self) -> str:
        return f"第{self.number}期 {self.amount}元"


class Criterion(ConfigModel):
    """A criterion of an edition's review rubric (per tier or for all): weight and score scale."""

    scope = Issued(parent="edition")

    edition = models.ForeignKey(Edition, verbose_name="批次", on_delete=models.CASCADE, related_name="criteria")
    tier = models.ForeignKey(Tier, verbose_name="层次", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="criteria", help_text="空为各层次通用")
    name = models.CharField("评审指标", max_length=100)
    description = models.CharField("评分说明", max_length=300, blank=True)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2, default=1)
    max_score = models.PositiveSmallIntegerField("满分", default=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "评审指标"
        ordering = ["edition", "order", "id"]

    def __str__(self) -> str:
        return self.name


class PriorityCounty(ConfigModel):
    """A 乡村振兴重点帮扶县 (priority county): configuration, national or a department's; the pool shows the
    talents who serve there (their unit's or a dispatch's organization lies in the county's subtree)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="县（区）党组织", on_delete=models.CASCADE,
                                     related_name="+")
    name = models.CharField("县（区）", max_length=50)
    since = models.DateField("认定日期", null=True, blank=True)
    until = models.DateField("退出日期", null=True, blank=True)
    document = models.CharField("依据", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "乡村振兴重点帮扶县"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

"""Models of classified assessment of regions and units (分类考核): schemes, categories, indicators, values, scoring
methods, ranks and grades (issue 14, practice.md §3.4).

A `Scheme` is a yearly edition (年度考核方案) issued by an organization department for its subtree: its
categories (`SchemeCategory`, e.g. Shanxi's I 重点开发 / II 农产品主产 / III 重点生态 / IV 市辖区, each ranked
apart), the units placed in each category (`SchemeUnit`), and per category the indicators (`SchemeIndicator`)
grouped by dimension, with weight, type, direction, scoring method and parameters and data source. Those are
configuration (`ConfigModel`, `Issued`): seen from the issuer's subtree and above it, never by a sibling.

The values (`IndicatorValue`, one per unit × indicator: typed in, imported or computed from zugong's own data)
and the computed results (`UnitResult`: score, rank, grade, veto, the explained lines) belong to the unit
(`OwnSubtree`): a county sees its own, the city that assesses it sees all of them.

Grades (`Scheme.grades`, data): position 0 is the top grade (优秀), given to the first floor(n × top share)
units of a category that are not vetoed, in rank order (a group tied at the limit that does not fit entirely
gets none: the share is never exceeded); position 1 (良好) to every other unit, including those vetoed by a
一票否优 indicator; the last position (较差) to a unit vetoed by a 一票否决 indicator. Grades in between (一般)
are not given by the computation.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Issued, OwnSubtree, ScopedModel

__all__: list[str] = ["Scheme", "SchemeCategory", "SchemeIndicator", "SchemeUnit", "IndicatorValue", "UnitResult",
                      "DEFAULT_GRADES"]

DEFAULT_GRADES = ["优秀", "良好", "一般", "较差"]


def _default_grades():
    return list(DEFAULT_GRADES)


class Scheme(ConfigModel):
    """考核方案: one year's edition of a classified assessment, issued by a department for its subtree."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="制定单位", on_delete=models.PROTECT,
                                     related_name="+", help_text="方案适用于该组织及其下级")
    code = models.CharField("方案代码", max_length=40, unique=True)
    name = models.CharField("方案名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    document = models.CharField("依据文件", max_length=200, blank=True)
    top_share = models.DecimalField("优秀比例（%）", max_digits=5, decimal_places=2, default=Decimal("20"),
                                    help_text="每个类别中评为最高等次的单位不超过 类别单位数 × 该比例（向下取整）")
    grades = models.JSONField("等次", default=_default_grades,
                              help_text="从高到低；第 1 个为最高等次，第 2 个为其余单位和一票否优单位，最后一个为一票否决单位")
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("org_path", "created_at", "updated_at", "computed_at")

    class Meta:
        verbose_name = verbose_name_plural = "分类考核方案"
        ordering = ["-year", "code"]

    def __str__(self):
        return f"{self.name}（{self.year}年）"

    @property
    def top_grade(self) -> str:
        return self.grades[0]

    @property
    def second_grade(self) -> str:
        return self.grades[1]

    @property
    def lowest_grade(self) -> str:
        return self.grades[-1]


class SchemeCategory(ConfigModel):
    """A category (类别) of a scheme: its units are ranked and graded among themselves."""

    scope = Issued(parent="scheme")

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("类别", max_length=60, help_text="如 一类（重点开发区域）")
    order = models.PositiveSmallIntegerField("序号", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核类别"
        ordering = ["scheme", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="assessment_category_name_unique")]

    def __str__(self):
        return self.name


class SchemeIndicator(ConfigModel):
    """An indicator of a category, in a dimension (维度), with its weight, type, direction, scoring method
    (`assessment.scoring.METHODS`) and parameters, and its data source."""

    class Kind(models.TextChoices):
        KEY = "key", "关键性指标"
        LEADING = "leading", "引领性指标"
        BINDING = "binding", "约束性指标"

    class Direction(models.TextChoices):
        HIGHER = "higher", "越大越好"
        LOWER = "lower", "越小越好"

    class Source(models.TextChoices):
        TYPED = "typed", "填报"
        IMPORTED = "imported", "导入"
        COMPUTED = "computed", "系统数据计算"

    scope = Issued(parent="category")

    category = models.ForeignKey(SchemeCategory, verbose_name="类别", on_delete=models.CASCADE,
                                 related_name="indicators")
    dimension = models.CharField("维度", max_length=40, help_text="如 产业转型、创新驱动、资源环境、增长效益")
    code = models.CharField("指标代码", max_length=30)
    name = models.CharField("指标名称", max_length=100)
    order = models.PositiveSmallIntegerField("序号", default=0)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2,
                                 help_text="同一类别各指标权重之和为 100；一票否优、一票否决指标为 0")
    kind = models.CharField("指标类型", max_length=8, choices=Kind.choices, default=Kind.KEY)
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    method = models.CharField("计分方法", max_length=20, help_text="比值法、达标法、扣分法、排名赋分、一票否优、一票否决")
    params = models.JSONField("计分参数", default=dict, blank=True,
                              help_text="目标值 target、每次扣分 deduction、排名分值 points")
    source = models.CharField("数据来源", max_length=8, choices=Source.choices, default=Source.IMPORTED)
    measure = models.CharField("数据指标", max_length=40, blank=True,
                               help_text="系统数据计算的指标：core.config.measures 中的代码")
    measure_params = models.JSONField("数据指标参数", default=dict, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核指标"
        ordering = ["category", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="assessment_indicator_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"


class SchemeUnit(ConfigModel):
    """Which unit (an organization) is assessed in which category of a scheme (one category per scheme)."""

    scope = Issued(parent="category")

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="units")
    category = models.ForeignKey(SchemeCategory, verbose_name="类别", on_delete=models.CASCADE, related_name="units")
    organization = models.ForeignKey("orgs.Organization", verbose_name="考核单位", on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核单位"
        ordering = ["category", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["scheme", "organization"], name="assessment_unit_once")]

    def __str__(self):
        return f"{self.organization}（{self.category}）"


class IndicatorValue(ScopedModel, AuditedModel):
    """One unit's value of one indicator (typed in, imported, or computed from zugong's data)."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    indicator = models.ForeignKey(SchemeIndicator, verbose_name="指标", on_delete=models.CASCADE,
                                  related_name="values")
    organization = models.ForeignKey("orgs.Organization", verbose_name="考核单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    value = models.DecimalField("数值", max_digits=20, decimal_places=6)
    source = models.CharField("来源", max_length=8, choices=SchemeIndicator.Source.choices,
                              default=SchemeIndicator.Source.TYPED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("填报时间")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核指标数值"
        constraints = [models.UniqueConstraint(fields=["indicator", "organization"], name="assessment_value_once")]

    def __str__(self):
        return f"{self.organization} {self.indicator.name}：{self.value.normalize():f}"


class UnitResult(ScopedModel, AuditedModel):
    """A unit's computed result in a scheme: total score, rank and grade within its category, the veto, the
    line-by-line explanation and the points per dimension (with the category's averages, for the radar)."""

    class Veto(models.TextChoices):
        NONE = "", "无"
        EXCELLENCE = "excellence", "一票否优"
        FAIL = "fail", "一票否决"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at", "computed_at", "lines", "dimensions",
                     "category_averages")

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="results")
    category = models.ForeignKey(SchemeCategory, verbose_name="类别", on_delete=models.CASCADE,
                                 related_name="results")
    organization = models.ForeignKey("orgs.Organization", verbose_name="考核单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    score = models.FloatField("得分", help_text="各指标得分之和（未取整，排名按此）")
    rank = models.PositiveIntegerField("名次")
    grade = models.CharField("等次", max_length=20)
    veto = models.CharField("否决情况", max_length=12, choices=Veto.choices, blank=True)
    top_limit = models.PositiveIntegerField("本类别优秀名额", default=0)
    category_size = models.PositiveIntegerField("本类别单位数", default=0)
    missing = models.PositiveSmallIntegerField("缺少数值的指标数", default=0)
    lines = models.JSONField("得分明细", default=list, help_text="每项指标一行：[指标代码, 数值, 得分, 是否触发否决]")
    dimensions = models.JSONField("各维度得分", default=dict)
    category_averages = models.JSONField("本类别各维度平均分", default=dict)
    computed_at = models.DateTimeField("计算时间")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "分类考核结果"
        ordering = ["category__order", "rank", "org_path"]
        constraints = [models.UniqueConstraint(fields=["scheme", "organization"], name="assessment_result_once")]
        indexes = [models.Index(fields=["scheme", "category", "rank"], name="assessment_result_rank")]

    def __str__(self):
        return f"{self.organization} {self.scheme.year}年 第{self.rank}名 {self.grade}"

    @property
    def vetoed(self) -> bool:
        return bool(self.veto)

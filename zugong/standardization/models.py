"""Branch standardization (党支部标准化规范化建设): a configurable checklist with weights, branch scores, grades.

A `Checklist` is configuration issued by a department (edition, issuing body, the organization whose subtree it
applies to, effective dates, grade bands). Its `ChecklistItem`s are scored either from the data (a measure of
`zugong.standardization.measures`, computed for a whole subtree in one query) or by an inspector
(`InspectorScore`). `BranchScore` holds one branch's result for a checklist and a year (its item points, total
and grade); the yearly rows are the history, every recomputation is in the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Issued, OwnSubtree, ScopedModel


class Checklist(ConfigModel):
    """A scoring scheme (评分标准): edition, issuing body, scope, effective dates, items, grade bands."""

    name = models.CharField("名称", max_length=100)
    edition = models.CharField("版本", max_length=40, help_text="如 2026年版")
    issuing_body = models.CharField("制定机关", max_length=100, help_text="如 中共山西省委组织部")
    document = models.CharField("依据文件", max_length=200, blank=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", on_delete=models.PROTECT,
                                     related_name="+", help_text="适用于该党组织及其下级党支部")
    sector = models.CharField("适用领域", max_length=16, blank=True,
                              help_text="留空适用于全部领域；如 government（机关）、rural（农村）")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    grade_bands = models.JSONField(
        "等次划分", default=list,
        help_text="从高到低：[{\"grade\": \"五星\", \"min\": 90, \"requires_innovation\": true}, …]；低于最后一档为最后一档",
    )
    source_status = models.CharField("来源核实情况", max_length=200, blank=True,
                                     help_text="如：S 地方手册示例，待核")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "标准化建设评分标准"
        ordering = ["-effective_from", "pk"]

    def __str__(self):
        return f"{self.name}（{self.edition}）"

    def audit_display(self, field, value):
        if field == "grade_bands" and isinstance(value, list):  # 五星 90 分以上（须有创新项目）；四星 80 分以上；…
            return "；".join(f"{b.get('grade')} {b.get('min')} 分以上" + ("（须有创新项目）" if b.get("requires_innovation")
                                                                          else "") for b in value if isinstance(b, dict))
        return None

    @property
    def max_total(self):
        return sum(i.max_points for i in self.items.all())

    def grade_for(self, total, innovation: bool = False) -> str:
        """The grade of a total by the bands (a band may require an innovation project)."""
        bands = self.grade_bands or []
        for band in bands:
            if total >= band["min"] and (innovation or not band.get("requires_innovation")):
                return band["grade"]
        return bands[-1]["grade"] if bands else ""


class ChecklistItem(ConfigModel):
    """One scored item: area, title, points, how it is scored (from the data or by an inspector)."""

    class Source(models.TextChoices):
        DATA = "data", "按数据自动计分"
        INSPECTOR = "inspector", "考评人员评分"

    class Method(models.TextChoices):
        PASS_FAIL = "pass_fail", "达标得满分，否则不得分"
        RATIO = "ratio", "按比例得分"
        PER_OCCURRENCE = "per_occurrence", "逐次扣分"

    scope = Issued(parent="checklist")

    checklist = models.ForeignKey(Checklist, verbose_name="评分标准", on_delete=models.CASCADE, related_name="items")
    area = models.CharField("考评方面", max_length=40, help_text="如 班子建设、基本制度、基本工作、基本保障、加分")
    order = models.PositiveSmallIntegerField("序号", default=0)
    title = models.CharField("考评内容", max_length=200)
    max_points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    source = models.CharField("计分方式", max_length=16, choices=Source.choices, default=Source.INSPECTOR)
    measure = models.CharField("数据指标", max_length=40, blank=True, help_text="按数据计分时的指标代码")
    method = models.CharField("计分办法", max_length=16, choices=Method.choices, default=Method.PASS_FAIL)
    params = models.JSONField("参数", default=dict, blank=True,
                              help_text="如 {\"deduct\": 2}（逐次扣分每次扣分）、{\"kinds\": [\"committee\"]}")
    deduction_rule = models.CharField("扣分标准", max_length=300, blank=True)
    evidence_required = models.CharField("佐证材料", max_length=300, blank=True)
    is_bonus = models.BooleanField("加分项", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分项目"
        ordering = ["checklist", "order", "pk"]

    def __str__(self):
        return f"{self.area}·{self.title}（{self.max_points}分）"


class InspectorScore(ScopedModel, AuditedModel):
    """The points an inspector gives a branch on an item for a year (with the note and evidence seen)."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255)
    item = models.ForeignKey(ChecklistItem, verbose_name="评分项目", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    note = models.CharField("评分说明", max_length=300, blank=True)
    scored_on = models.DateField("评分日期")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="考评人", null=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考评评分"
        constraints = [models.UniqueConstraint(fields=["organization", "item", "year"],
                                               name="inspector_score_one_per_item_year")]
        indexes = [models.Index(fields=["org_path", "year"], name="inspector_path_year")]

    def __str__(self):
        return f"{self.organization} {self.year}年 {self.item.title} {self.points}分"


class BranchScore(ScopedModel, AuditedModel):
    """One branch's score on a checklist for a year: item points (JSON by item id), total, grade."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at", "computed_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255)
    checklist = models.ForeignKey(Checklist, verbose_name="评分标准", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    data_points = models.DecimalField("数据计分", max_digits=7, decimal_places=2, default=0)
    inspector_points = models.DecimalField("考评计分", max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2, default=0)
    grade = models.CharField("等次", max_length=20, blank=True)
    items = models.JSONField("各项得分", default=dict, help_text="评分项目 id → 得分")
    measured = models.JSONField("实测值", default=dict, help_text="按数据计分的评分项目 id → 实测值")
    inspector_pending = models.PositiveSmallIntegerField("待考评项目数", default=0)
    innovation = models.BooleanField("有创新项目", default=False)
    computed_at = models.DateTimeField("计算时间")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "党支部标准化建设得分"
        constraints = [models.UniqueConstraint(fields=["organization", "checklist", "year"],
                                               name="branch_score_one_per_year")]
        indexes = [models.Index(fields=["org_path", "year"], name="branch_score_path_year"),
                   models.Index(fields=["checklist", "year", "total"], name="branch_score_rank")]

    def __str__(self):
        return f"{self.organization} {self.year}年 {self.total}分 {self.grade}"

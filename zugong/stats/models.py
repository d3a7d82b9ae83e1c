"""The statistics models: the table sets as versioned data (`Edition`, `TableDef`: installed from the files in
`definitions/<edition>/`), and a reporting organization's report for a date (`Report`) with its hand-entered
cells (`ManualCell`: the cells zugong holds no data for, 无数据来源, entered in the supplementary sheet), the
explanations the checks ask for (`Explanation`) and, from 上报 on, the frozen figures (`FrozenTable`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel


class Edition(AuditedModel):
    """A year's table set (“2017年版”): national data, the same for every organization; installed from
    `definitions/<code>/` (`definitions.install`). A report names the edition it was computed with."""

    code = models.CharField("版本", max_length=16, unique=True)
    name = models.CharField("名称", max_length=100)
    note = models.TextField("说明", blank=True)
    installed_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("installed_at",)

    class Meta:
        verbose_name = verbose_name_plural = "统计报表版本"
        ordering = ["-code"]

    def __str__(self):
        return self.name


class TableDef(AuditedModel):
    """One table of an edition: its number, title and the definition (`definitions.Table` reads it: the
    population, rows, columns, multi-level headers, cell overrides, formulas and checks)."""

    edition = models.ForeignKey(Edition, verbose_name="版本", on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField("表号")
    title = models.CharField("表名", max_length=100)
    definition = models.JSONField("定义")

    class Meta:
        verbose_name = verbose_name_plural = "统计表定义"
        ordering = ["edition", "number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="stats_table_unique")]

    def __str__(self):
        return f"表{self.number} {self.title}"


class Report(ScopedModel, AuditedModel):
    """The annual report of one organization for a reporting date: 未上报 (draft: figures computed live), 已上报
    (submitted: the figures are the frozen ones), 已退回 (returned by the level above with a reason: figures
    computed live again until resubmitted). Seen by the organization and every level above it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "未上报"
        SUBMITTED = "submitted", "已上报"
        RETURNED = "returned", "已退回"

    scope = OwnSubtree("organization")
    # The times are in the operation's own entry (its time, and the facts 上报 / 退回 the services write).
    audit_exclude = ("org_path", "created_at", "updated_at", "submitted_at", "data_as_of", "returned_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="填报单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    edition = models.ForeignKey(Edition, verbose_name="报表版本", on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField("统计截止日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    responsible = models.CharField("单位负责人", max_length=50, blank=True)
    preparer = models.CharField("填表人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上报人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    data_as_of = models.DateTimeField("数据提取时间", null=True, blank=True,
                                      help_text="上报时据以计算各表的数据的时间")
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField("退回理由", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "党内统计年报"
        ordering = ["-as_of", "org_path"]
        constraints = [models.UniqueConstraint(fields=["organization", "edition", "as_of"],
                                               name="stats_report_unique")]

    def __str__(self):
        return f"{self.as_of:%Y}年党内统计年报（截至{self.as_of:%Y年%m月%d日}）"

    @property
    def frozen(self) -> bool:
        return self.status == self.Status.SUBMITTED


class FrozenTable(ScopedModel):
    """The figures of one table as submitted (上报): every cell, computed or entered, as the grid `engine`
    returns it (`values`: rows × columns of numbers or null; `sources`: the same shape, 'computed' / 'manual'
    / 'none'). Written once by `reports.submit`; a returned report keeps its old rows until it is resubmitted
    (then they are replaced in the same operation)."""

    scope = Inherited("report", stored=False)

    report = models.ForeignKey(Report, verbose_name="年报", on_delete=models.CASCADE, related_name="frozen_tables")
    number = models.PositiveSmallIntegerField("表号")
    values = models.JSONField("数值")
    sources = models.JSONField("来源")

    class Meta:
        verbose_name = verbose_name_plural = "已上报的报表数据"
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="stats_frozen_unique")]


class ManualCell(ScopedModel, AuditedModel):
    """A cell entered by hand (附表, the supplementary sheet): a cell whose data zugong does not hold
    (无数据来源), or a 补充资料 figure. Marked as entered by hand wherever it is shown."""

    scope = Inherited("report", stored=False)

    report = models.ForeignKey(Report, verbose_name="年报", on_delete=models.CASCADE, related_name="manual_cells")
    number = models.PositiveSmallIntegerField("表号")
    row = models.PositiveSmallIntegerField("行")
    col = models.PositiveSmallIntegerField("列")
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "手工填报数据"
        constraints = [models.UniqueConstraint(fields=["report", "number", "row", "col"],
                                               name="stats_manual_unique")]


class Explanation(ScopedModel, AuditedModel):
    """The explanation a check asks for (审核要点): a cell that changed much from last year, a non-zero cell that
    needs a named list, a difference between 应有数 and 实有数. Submission is refused while one is missing."""

    scope = Inherited("report", stored=False)

    report = models.ForeignKey(Report, verbose_name="年报", on_delete=models.CASCADE, related_name="explanations")
    check_code = models.CharField("审核要点", max_length=60)
    number = models.PositiveSmallIntegerField("表号")
    row = models.PositiveSmallIntegerField("行")
    col = models.PositiveSmallIntegerField("列")
    text = models.TextField("说明")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="说明人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核说明"
        constraints = [models.UniqueConstraint(fields=["report", "check_code", "number", "row", "col"],
                                               name="stats_explanation_unique")]

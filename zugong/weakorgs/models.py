"""Weak organizations (软弱涣散基层党组织) and their rectification (整顿).

`IndicatorSet` is configuration issued by a department (edition, issuing body, scope, effective dates, the
acceptance pass mark and the 不满意 veto, the follow-up period); its `Indicator`s are the identification
situations (W1–W10 and local additions), each computed from the data (a measure of
`zugong.core.config.measures`) or flagged by an inspector (`Flag`). A yearly `IdentificationList` of an
approving department (draft → submitted → approved) holds `WeakOrganization` entries with their reasons; each
entry gets a `Rectification` case (three lists, responsible leader, the "四个一" support, deadline, follow-up)
with `ProgressReport`s and `Acceptance`s (验收销号) by the higher organization.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, Issued, OwnSubtree, ScopedManager, ScopedModel


class IndicatorSet(ConfigModel):
    """A department's identification standard (认定标准) with its parameters."""

    class RatioMode(models.TextChoices):
        NONE = "none", "不设比例、应整尽整"
        FLOOR = "floor", "不低于比例"
        CAP = "cap", "不超过比例"

    name = models.CharField("名称", max_length=100)
    edition = models.CharField("版本", max_length=40)
    issuing_body = models.CharField("制定机关", max_length=100)
    document = models.CharField("依据文件", max_length=200, blank=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", on_delete=models.PROTECT,
                                     related_name="+")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    comprehensive_min = models.PositiveSmallIntegerField(
        "综合研判起点", default=2, help_text="非直接认定情形命中几项即列入候选（综合研判）")
    ratio_mode = models.CharField("整顿比例", max_length=8, choices=RatioMode.choices, default=RatioMode.NONE)
    ratio_percent = models.DecimalField("比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    pass_mark = models.DecimalField("验收合格分", max_digits=5, decimal_places=2, default=70)
    veto_dissatisfied_percent = models.DecimalField(
        "不满意率否决线（%）", max_digits=5, decimal_places=2, default=50,
        help_text="群众满意度测评中“不满意”超过该比例的，验收直接不合格")
    followup_months = models.PositiveSmallIntegerField("销号后跟踪期（月）", default=12)
    rectification_months = models.PositiveSmallIntegerField("整顿期限（月）", default=12)
    source_status = models.CharField("来源核实情况", max_length=300, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散认定标准"
        ordering = ["-effective_from", "pk"]

    def __str__(self):
        return f"{self.name}（{self.edition}）"


class Indicator(ConfigModel):
    """One identification situation (认定情形): from the data (a measure with parameters) or manual."""

    class Source(models.TextChoices):
        DATA = "data", "按数据自动识别"
        MANUAL = "manual", "人工标记"

    class Scope(models.TextChoices):
        ALL = "", "全部"
        VILLAGE = "rural", "农村"
        COMMUNITY = "community", "社区"

    scope = Issued(parent="indicator_set")

    indicator_set = models.ForeignKey(IndicatorSet, verbose_name="认定标准", on_delete=models.CASCADE,
                                      related_name="indicators")
    code = models.CharField("代码", max_length=16, help_text="如 W1")
    order = models.PositiveSmallIntegerField("序号", default=0)
    text = models.CharField("情形", max_length=300)
    source = models.CharField("识别方式", max_length=8, choices=Source.choices, default=Source.MANUAL)
    measure = models.CharField("数据指标", max_length=40, blank=True)
    params = models.JSONField("参数", default=dict, blank=True,
                              help_text="如 {\"below\": 0.6}（达标率低于）、{\"years\": 2}、{\"above\": 0.3}")
    direct_trigger = models.BooleanField("直接认定", default=False, help_text="命中一项即列入（否则综合研判）")
    sector = models.CharField("适用领域", max_length=16, choices=Scope.choices, blank=True)
    citation = models.CharField("出处", max_length=300, blank=True)
    local = models.BooleanField("本地做法", default=False)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "认定情形"
        ordering = ["indicator_set", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_code_unique")]

    def __str__(self):
        return f"{self.code} {self.text}"


class Flag(ScopedModel, AuditedModel):
    """A manual finding of a situation on an organization (e.g. 村霸, petition problems) by an inspector."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255)
    indicator = models.ForeignKey(Indicator, verbose_name="情形", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    note = models.CharField("具体情况", max_length=500)
    reported_on = models.DateField("发现日期")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="标记人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    withdrawn = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人工标记情形"
        indexes = [models.Index(fields=["org_path", "year"], name="weak_flag_path_year")]

    def __str__(self):
        return f"{self.organization} {self.indicator.code}：{self.note[:30]}"


class IdentificationList(ScopedModel, AuditedModel):
    """The yearly list of weak organizations of an approving department (认定名单)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报审"
        APPROVED = "approved", "已审定"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    year = models.PositiveSmallIntegerField("年度")
    organization = models.ForeignKey("orgs.Organization", verbose_name="审定党组织", on_delete=models.PROTECT,
                                     related_name="+", help_text="负责审定名单的党委（组织部门）")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    indicator_set = models.ForeignKey(IndicatorSet, verbose_name="认定标准", on_delete=models.PROTECT,
                                      related_name="+")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    as_of = models.DateField("排查基准日")
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报审人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField("报审日期", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审定人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField("审定日期", null=True, blank=True)
    decision = models.CharField("审定依据", max_length=200, blank=True, help_text="如 县委常委会会议纪要文号")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散党组织认定名单"
        ordering = ["-year", "org_path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="weak_list_one_per_year")]

    def __str__(self):
        return f"{self.organization} {self.year}年软弱涣散基层党组织名单（{self.get_status_display()}）"


class WeakOrganization(ScopedModel, AuditedModel):
    """An organization on a list, with the situations found (reasons)."""

    class Basis(models.TextChoices):
        DIRECT = "direct", "直接认定"
        COMPREHENSIVE = "comprehensive", "综合研判"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    identification_list = models.ForeignKey(IdentificationList, verbose_name="认定名单", on_delete=models.CASCADE,
                                            related_name="entries")
    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    reasons = models.JSONField("认定情形", default=list,
                               help_text="[{\"code\": \"W1\", \"text\": …, \"detail\": 实测情况}]")
    basis = models.CharField("认定方式", max_length=16, choices=Basis.choices, default=Basis.DIRECT)
    note = models.CharField("研判意见", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散党组织"
        ordering = ["org_path"]
        constraints = [models.UniqueConstraint(fields=["identification_list", "organization"],
                                               name="weak_entry_once_per_list")]

    def __str__(self):
        return f"{self.organization}（{self.identification_list.year}年）"

    def audit_display(self, field, value):
        if field == "reasons" and isinstance(value, list):  # W1 班子不健全…（书记缺职）；…
            return "；".join(" ".join(filter(None, [r.get("code", ""), r.get("text", "")]))
                            + (f"（{r['detail']}）" if r.get("detail") else "") for r in value if isinstance(r, dict))
        return None

    @property
    def reason_codes(self) -> str:
        return "、".join(r.get("code", "") for r in self.reasons)


class Rectification(ScopedModel, AuditedModel):
    """The rectification case of a weak organization (整顿): 一村一策 with three lists and the "四个一" support."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "整顿中"
        APPLIED = "applied", "已申请验收"
        FAILED = "failed", "验收未通过，重新整顿"
        ACCEPTED = "accepted", "已销号（跟踪巩固）"
        CLOSED = "closed", "跟踪期满"

    OPEN_STATUSES = (Status.IN_PROGRESS, Status.APPLIED, Status.FAILED)

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    entry = models.OneToOneField(WeakOrganization, verbose_name="认定名单条目", on_delete=models.PROTECT,
                                 related_name="rectification")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    problems = models.TextField("问题清单")
    measures = models.TextField("措施清单")
    responsibilities = models.TextField("责任清单")
    targets = models.TextField("整顿目标", blank=True)
    responsible_leader = models.CharField("责任领导", max_length=50)
    responsible_person = models.ForeignKey("people.Person", verbose_name="责任领导（人员）", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    county_leader = models.CharField("联系县领导", max_length=50, blank=True)
    township_leader = models.CharField("包村乡镇领导", max_length=50, blank=True)
    first_secretary = models.CharField("第一书记", max_length=50, blank=True)
    paired_unit = models.CharField("结对单位", max_length=100, blank=True)
    supervised = models.BooleanField("挂牌督办", default=False)
    started_on = models.DateField("开始整顿日期")
    deadline = models.DateField("整顿期限", db_index=True)
    followup_until = models.DateField("跟踪巩固至", null=True, blank=True)
    accepted_on = models.DateField("销号日期", null=True, blank=True)
    accepted_score = models.DecimalField("验收得分", max_digits=5, decimal_places=2, null=True, blank=True)
    dissatisfied_percent = models.DecimalField("验收不满意率（%）", max_digits=5, decimal_places=2, null=True,
                                               blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "整顿台账"
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="rectification_status_deadline")]

    def __str__(self):
        return f"{self.organization} 整顿（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ProgressReport(ScopedModel, AuditedModel):
    """A (monthly) progress report on a rectification: what was done, problems closed (对账销号)."""

    scope = Inherited("rectification")
    audit_exclude = ("org_path", "created_at")

    rectification = models.ForeignKey(Rectification, verbose_name="整顿台账", on_delete=models.CASCADE,
                                      related_name="reports")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    reported_on = models.DateField("报告日期")
    text = models.TextField("进展情况")
    problems_solved = models.PositiveSmallIntegerField("解决问题数", default=0)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "整顿进展"
        ordering = ["-reported_on", "-pk"]

    def __str__(self):
        return f"{self.rectification.organization} {self.reported_on:%Y-%m-%d} 进展"


class Acceptance(ScopedModel, AuditedModel):
    """One acceptance check (验收) by the higher organization: score, satisfaction votes, the result."""

    scope = Inherited("rectification")
    audit_exclude = ("org_path", "created_at")

    rectification = models.ForeignKey(Rectification, verbose_name="整顿台账", on_delete=models.CASCADE,
                                      related_name="acceptances")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    held_on = models.DateField("验收日期")
    score = models.DecimalField("验收得分", max_digits=5, decimal_places=2)
    satisfied = models.PositiveIntegerField("满意票", default=0)
    basically_satisfied = models.PositiveIntegerField("基本满意票", default=0)
    dissatisfied = models.PositiveIntegerField("不满意票", default=0)
    passed = models.BooleanField("验收合格")
    result_text = models.CharField("验收结论", max_length=300)
    new_deadline = models.DateField("重新整顿期限", null=True, blank=True)
    checked_by_org = models.ForeignKey("orgs.Organization", verbose_name="验收党组织", null=True,
                                       on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验收登记人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    note = models.TextField("验收情况", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "整顿验收"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.rectification.organization} {self.held_on:%Y-%m-%d} 验收 {self.score}分"

    @property
    def votes(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied


class MeasureValue(models.Model):
    """One branch's value of one data measure with the parameters that shape it (`key`: the measure code and its
    window parameters, not the thresholds), stored by `weakorgs.stored.refresh` (nightly, or a user's 重新计算)
    so the screening page reads the measures instead of computing them over a province. Derived data: not
    audited, replaced whole per subtree and key."""

    scope_field = "org_path"

    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="+", db_constraint=False)
    org_path = models.CharField("组织路径", max_length=255)
    key = models.CharField("指标及参数", max_length=200)
    value = models.FloatField("数值", null=True)
    computed_at = models.DateTimeField("计算时间")

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散识别数据"
        constraints = [models.UniqueConstraint(fields=["key", "organization"], name="weak_measure_once")]
        # a subtree's rows of a key; a key's rows past a threshold (the province: the hits only)
        indexes = [models.Index(fields=["key", "org_path"], name="weak_measure_key_path"),
                   models.Index(fields=["key", "value"], name="weak_measure_key_value")]

    def __str__(self):
        return f"{self.org_path} {self.key} {self.value}"


class MeasureRun(models.Model):
    """One computation of the stored measures for a subtree (`path`, "" for the whole tree): as of which day,
    when, how long, which keys, how many rows, who asked (empty: the nightly schedule)."""

    path = models.CharField("范围路径", max_length=255, blank=True)
    as_of = models.DateField("基准日")
    computed_at = models.DateTimeField("计算时间")
    seconds = models.FloatField("用时（秒）", default=0)
    keys = models.JSONField("指标及参数", default=list)
    rows = models.PositiveIntegerField("行数", default=0)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散识别数据计算记录"
        ordering = ["-computed_at", "-id"]

    def __str__(self):
        return f"{self.path or '全部'} {self.computed_at:%Y-%m-%d %H:%M}"

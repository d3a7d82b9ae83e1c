"""Models of routine (平时) and annual (年度) assessment of individuals: pools, quotas, proposals, confirmation,
every grade explained.

- `Pool` (考核组): the people assessed together by an assessing organization — a department, small departments
  merged, the leaders pooled by the leader in charge, a category; leaders and non-leaders apart by default.
  `PoolMember` places a person in a pool explicitly; without one a person falls in the default pool of their
  unit (leaders or non-leaders).
- `QuotaRule` (等次比例, configuration): a grade's share per pool, the rounding, a minimum, an optional higher
  ceiling that needs a `QuotaApproval` (批准提高比例的记录) for a pool and year.
- `AssessmentPolicy` (个人考核设置, configuration): the routine cycle, the 平时 → 年度 prerequisite for 优秀, the
  probation length.
- `RoutineRound` / `RoutineGrade`: a period's 平时考核, proposed by the unit, confirmed by the assessing
  organization. `AnnualRound` / `AnnualProposal`: a year's 年度考核 per assessing organization, one proposal and
  result per person. `QuotaSnapshot`: the quota of a pool as last checked (n, share, rounding, the number), shown
  on every result.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

__all__ = ["Category", "AnnualGrade", "FAILING", "RoutineGradeValue", "Rounding", "SCALES", "Pool", "PoolMember",
           "QuotaRule", "QuotaApproval", "AssessmentPolicy", "RoutineRound", "RoutineGrade", "AnnualRound",
           "AnnualProposal", "QuotaSnapshot", "PROPOSAL_STATUS_LABELS"]


class Category(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", "公务员"
    REFERENCE = "reference", "参公"
    INSTITUTION = "institution", "事业单位"


class AnnualGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    QUALIFIED = "qualified", "合格"
    BASIC_QUALIFIED = "basic_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"
    UNGRADED = "ungraded", "不定等次"


# The grade scale of each category (the first is 优秀, the last the failing grade), plus 不定等次 (comments only).
SCALES = {
    Category.CIVIL_SERVANT: (AnnualGrade.EXCELLENT, AnnualGrade.COMPETENT, AnnualGrade.BASIC, AnnualGrade.INCOMPETENT),
    Category.REFERENCE: (AnnualGrade.EXCELLENT, AnnualGrade.COMPETENT, AnnualGrade.BASIC, AnnualGrade.INCOMPETENT),
    Category.INSTITUTION: (AnnualGrade.EXCELLENT, AnnualGrade.QUALIFIED, AnnualGrade.BASIC_QUALIFIED,
                           AnnualGrade.UNQUALIFIED),
}
FAILING = (AnnualGrade.INCOMPETENT, AnnualGrade.UNQUALIFIED)


class RoutineGradeValue(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


class Rounding(models.TextChoices):
    DOWN = "down", "向下取整"
    HALF_UP = "half_up", "四舍五入"
    UP = "up", "向上取整"


class Pool(ScopedModel, AuditedModel):
    """考核组: the people an assessing organization assesses together (the quota counts per pool)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门（单位）"
        MERGED = "merged", "合并的小部门"
        LEADER_IN_CHARGE = "leader_in_charge", "按分管领导合并"
        CATEGORY = "category", "人员类别"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="考核机关", on_delete=models.PROTECT,
                                      related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    unit = models.ForeignKey("orgs.Organization", verbose_name="所在部门（单位）", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text="部门考核组填所在部门；合并、分管领导或类别考核组可留空")
    name = models.CharField("考核组名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    leaders = models.BooleanField("领导干部", default=False, help_text="领导干部与其他人员分别设考核组、分别计算比例")
    category = models.CharField("人员类别", max_length=16, choices=Category.choices, blank=True)
    is_default = models.BooleanField("默认考核组", default=False, editable=False,
                                     help_text="未单独编入考核组的人员按所在部门和是否领导干部自动编入")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核组"
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "unit", "leaders"],
                                               condition=models.Q(is_default=True), name="assessment_pool_default")]

    def __str__(self):
        return self.name


class PoolMember(ScopedModel, AuditedModel):
    """A person placed in a pool by hand (a merged pool, the leaders of one leader in charge)."""

    scope = Inherited("pool")
    audit_exclude = ("org_path",)

    pool = models.ForeignKey(Pool, verbose_name="考核组", on_delete=models.CASCADE, related_name="members")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "考核组成员"
        constraints = [models.UniqueConstraint(fields=["pool", "person"], name="assessment_pool_member_once")]

    def __str__(self):
        return f"{self.pool}：{self.person_id}"


class QuotaRule(ConfigModel):
    """等次比例: at most `share` of a pool may get `grade` (rounded, at least `minimum`); up to `ceiling_share`
    with an approval record for the pool and year."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", "平时考核"
        ANNUAL = "annual", "年度考核"

    code = models.CharField("代码", max_length=64, unique=True)
    title = models.CharField("名称", max_length=100)
    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", help_text="留空表示全国通用的默认设定")
    kind = models.CharField("考核类型", max_length=10, choices=Kind.choices)
    grade = models.CharField("等次", max_length=16, help_text="平时考核：好；年度考核：优秀")
    pool_kind = models.CharField("适用考核组类型", max_length=20, choices=Pool.Kind.choices, blank=True,
                                 help_text="留空适用于所有考核组")
    share = models.DecimalField("比例上限", max_digits=4, decimal_places=3, help_text="如 0.4 表示不超过 40%")
    rounding = models.CharField("取整方式", max_length=10, choices=Rounding.choices, default=Rounding.DOWN)
    minimum = models.PositiveSmallIntegerField("至少名额", default=0, help_text="按比例计算不足时至少可评的人数，如 1")
    ceiling_share = models.DecimalField("经批准可提高到", max_digits=4, decimal_places=3, null=True, blank=True,
                                        help_text="需有批准记录，如 0.25；留空不可提高")
    document = models.CharField("依据文件", max_length=300, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核等次比例"
        ordering = ["kind", "code"]

    def __str__(self):
        return self.title

    @property
    def share_text(self) -> str:
        return percent(self.share)

    @property
    def grade_label(self) -> str:
        choices = RoutineGradeValue.choices if self.kind == self.Kind.ROUTINE else AnnualGrade.choices
        return dict(choices).get(self.grade, self.grade)


class QuotaApproval(ScopedModel, AuditedModel):
    """The approval that raises a pool's share for a year (up to the rule's ceiling)."""

    scope = Inherited("pool")
    audit_exclude = ("org_path", "created_at")

    pool = models.ForeignKey(Pool, verbose_name="考核组", on_delete=models.CASCADE, related_name="approvals")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    kind = models.CharField("考核类型", max_length=10, choices=QuotaRule.Kind.choices, default=QuotaRule.Kind.ANNUAL)
    year = models.PositiveSmallIntegerField("年度")
    share = models.DecimalField("批准比例", max_digits=4, decimal_places=3)
    approved_by = models.CharField("批准机关", max_length=100)
    document_no = models.CharField("批准文号", max_length=60)
    approved_on = models.DateField("批准日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "提高等次比例的批准记录"
        constraints = [models.UniqueConstraint(fields=["pool", "kind", "year"], name="assessment_approval_once")]

    def __str__(self):
        return f"{self.year}年 {percent(self.share)}（{self.document_no}）"


class AssessmentPolicy(ConfigModel):
    """个人考核设置: the routine cycle, the 平时 → 年度 prerequisite for 优秀, the probation length."""

    code = models.CharField("代码", max_length=64, unique=True)
    title = models.CharField("名称", max_length=100)
    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", help_text="留空表示全国通用的默认设定")
    routine_periods = models.PositiveSmallIntegerField(
        "平时考核周期", choices=[(4, "每季度"), (2, "每半年"), (12, "每月")], default=4)
    prerequisite = models.BooleanField("评优秀须符合平时考核条件", default=True)
    good_share = models.DecimalField("“好”的期数须超过全年期数的", max_digits=4, decimal_places=3, default=Decimal("0.5"),
                                     help_text="0.5 表示超过一半")
    forbidden = models.JSONField("不得有的平时考核等次", default=list, blank=True,
                                 help_text="如 一般、较差")
    probation_months = models.PositiveSmallIntegerField("新录用人员试用期（月）", default=12)
    document = models.CharField("依据文件", max_length=300, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人考核设置"
        ordering = ["code"]

    def __str__(self):
        return self.title

    def audit_display(self, field, value):
        if field == "forbidden":
            labels = dict(RoutineGradeValue.choices)
            return "、".join(labels.get(v, v) for v in value or [])
        return super().audit_display(field, value)

    @property
    def forbidden_labels(self) -> str:
        labels = dict(RoutineGradeValue.choices)
        return "、".join(labels.get(v, v) for v in self.forbidden or [])

    @property
    def prerequisite_text(self) -> str:
        if not self.prerequisite:
            return "不作要求"
        text = f"全年“好”的期数超过{self.routine_periods}期的{percent(self.good_share)}"
        if self.forbidden:
            text += f"，且没有{self.forbidden_labels}"
        return text


class Status(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REFUSED = "refused", "未通过"
    PENDING = "pending", "暂缓定等次"


PROPOSAL_STATUS_LABELS = dict(Status.choices)


class RoutineRound(ScopedModel, AuditedModel):
    """One period of 平时考核 held by an assessing organization (a quarter by default)."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")
    Status = Status

    organization = models.ForeignKey("orgs.Organization", verbose_name="考核机关", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    period = models.PositiveSmallIntegerField("期次")
    periods = models.PositiveSmallIntegerField("全年期数", default=4)
    closed = models.BooleanField("已结束", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "平时考核"
        ordering = ["-year", "-period"]
        constraints = [models.UniqueConstraint(fields=["organization", "year", "period"],
                                               name="assessment_routine_round_once")]

    def __str__(self):
        return f"{self.year}年{self.period_label}平时考核"

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.periods)


def period_label(period: int, periods: int) -> str:
    if periods == 4:
        return f"第{'一二三四'[period - 1]}季度"
    if periods == 2:
        return "上半年" if period == 1 else "下半年"
    if periods == 12:
        return f"{period}月"
    return f"第{period}期"


class RoutineGrade(ScopedModel, AuditedModel):
    """A person's grade for one period: proposed by the unit, confirmed by the assessing organization."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path",)

    round = models.ForeignKey(RoutineRound, verbose_name="平时考核", on_delete=models.CASCADE, related_name="grades")
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name="考核单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    pool = models.ForeignKey(Pool, verbose_name="考核组", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    period = models.PositiveSmallIntegerField("期次")
    proposed = models.CharField("拟定等次", max_length=16, choices=RoutineGradeValue.choices)
    grade = models.CharField("确定等次", max_length=16, choices=RoutineGradeValue.choices, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PROPOSED)
    reasons = models.JSONField("未通过原因", default=list, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "平时考核等次"
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="assessment_routine_once")]
        indexes = [models.Index(fields=["person", "year"], name="assess_routine_person_year"),
                   models.Index(fields=["round", "pool"], name="assess_routine_round_pool")]

    def __str__(self):
        return f"{self.year}年第{self.period}期 {self.get_grade_display() or self.get_proposed_display()}"

    def audit_display(self, field, value):
        if field == "reasons":
            return "；".join(r.get("text", "") for r in value or [])
        return super().audit_display(field, value)


class AnnualRound(ScopedModel, AuditedModel):
    """A year's 年度考核 held by an assessing organization."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="考核机关", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    closed = models.BooleanField("已结束", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"
        ordering = ["-year", "org_path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="assessment_annual_round_once")]

    def __str__(self):
        return f"{self.year}年度考核"


class AnnualProposal(ScopedModel, AuditedModel):
    """A person's annual proposal (拟定等次) and result (确定等次), with the reasons a check gave."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "checked_at")
    Status = Status

    round = models.ForeignKey(AnnualRound, verbose_name="年度考核", on_delete=models.CASCADE,
                              related_name="proposals")
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name="考核单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    pool = models.ForeignKey(Pool, verbose_name="考核组", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("人员类别", max_length=16, choices=Category.choices)
    proposed = models.CharField("拟定等次", max_length=16, choices=AnnualGrade.choices)
    grade = models.CharField("确定等次", max_length=16, choices=AnnualGrade.choices, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PROPOSED)
    probation = models.BooleanField("试用期人员", default=False)
    reasons = models.JSONField("检查结果", default=list, blank=True)
    checked_at = models.DateTimeField("检查时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    exception_reason = models.TextField("例外办理理由", blank=True)
    exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="例外办理人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    exception_at = models.DateTimeField("例外办理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核等次"
        ordering = ["org_path", "pk"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="assessment_annual_once_a_year")]
        indexes = [models.Index(fields=["round", "status", "pool"], name="assess_annual_round_status"),
                   models.Index(fields=["year", "org_path"], name="assess_annual_year_path")]

    def __str__(self):
        return f"{self.year}年度考核 {self.get_grade_display() or self.get_proposed_display()}"

    def audit_display(self, field, value):
        if field == "reasons":
            return "；".join(r.get("text", "") for r in value or [])
        return super().audit_display(field, value)


class QuotaSnapshot(ScopedModel):
    """A pool's quota as last checked for a round: n, the rule's share, rounding and minimum, the approval that
    raised it, and the resulting number. Written by every check (not audited: derived)."""

    scope = Inherited("pool")

    pool = models.ForeignKey(Pool, verbose_name="考核组", on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    annual_round = models.ForeignKey(AnnualRound, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    routine_round = models.ForeignKey(RoutineRound, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="+")
    rule = models.ForeignKey(QuotaRule, verbose_name="比例设定", null=True, on_delete=models.SET_NULL,
                             related_name="+")
    approval = models.ForeignKey(QuotaApproval, verbose_name="批准记录", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    n = models.PositiveIntegerField("参加考核人数")
    share = models.DecimalField("比例", max_digits=4, decimal_places=3)
    rounding = models.CharField("取整方式", max_length=10, choices=Rounding.choices)
    minimum = models.PositiveSmallIntegerField("至少名额", default=0)
    allowed = models.PositiveIntegerField("可评人数")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核组名额"
        constraints = [
            models.UniqueConstraint(fields=["annual_round", "pool"], name="assessment_snapshot_annual"),
            models.UniqueConstraint(fields=["routine_round", "pool"], name="assessment_snapshot_routine"),
        ]

    @property
    def text(self) -> str:
        return quota_text(self.n, self.share, self.rounding, self.minimum, self.allowed)


def percent(share) -> str:
    value = (Decimal(share) * 100).normalize()
    return f"{value:f}%"


def quota_text(n, share, rounding, minimum, allowed) -> str:
    """考核组 12 人 × 20% = 2.4，向下取整，至少 1 人 → 2 人."""
    raw = (Decimal(n) * Decimal(share)).normalize()
    text = f"考核组 {n} 人 × {percent(share)} = {raw:f}，{dict(Rounding.choices).get(rounding, rounding)}"
    if minimum:
        text += f"，至少 {minimum} 人"
    return f"{text} → {allowed} 人"

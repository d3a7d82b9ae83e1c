"""The hours ledger (学时台账): one line per credit — hours credited to one person on one day, from one source
(a class's attendance, an online course, a course studied in the library, a recognised activity entered with
evidence, a study record moved from branch life), by one crediting rule. Branch-life meetings are not copied
here: a member's hours from the meetings of their branch are summed from the meetings themselves
(`training.ledger.member_hours_sql`), so there is one definition of a member's study hours.

Lines are placed where the person is (`Inherited("person", stored=False)`): whoever sees the person sees their
ledger, and it follows them to another organization. Services write lines only through `training.ledger.post`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, ScopedModel

from zugong.core.config.models import ConfigModel

__all__ = ["CreditKind", "Credit", "CreditRule", "CreditUnit", "CONCENTRATED"]


class CreditKind(models.TextChoices):
    """The type of credited hours; requirements count and caps apply by type."""

    OFF_JOB = "off_job", "脱产培训"
    CLASS = "class", "集中培训（不脱产）"
    ONLINE = "online", "网络培训"
    STUDY = "study", "集中学习"
    COURSE = "course", "课程学习"
    OTHER = "other", "其他认可活动"


class CreditUnit(models.TextChoices):
    """What a line's quantity counts: 学时 as given, 脱产 days (at the rule's rate) or minutes online (the online
    rule)."""

    HOUR = "hour", "学时"
    DAY = "day", "天"
    MINUTE = "minute", "分钟"


# The types that count as 脱产 or recognised concentrated training (干部教育培训工作条例 第十四条).
CONCENTRATED = (CreditKind.OFF_JOB, CreditKind.CLASS)


class Credit(ScopedModel, AuditedModel):
    scope = Inherited("person", stored=False)
    audit_exclude = ("created_at", "carried_from")  # a carried line names its origin in `basis`

    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="training_credits")
    on = models.DateField("日期", help_text="学时计入的日期（培训结束、学习完成的日期）")
    year = models.PositiveSmallIntegerField("计入年度", db_index=True)
    kind = models.CharField("学时类型", max_length=16, choices=CreditKind.choices)
    hours = models.DecimalField("计入学时", max_digits=6, decimal_places=2)
    days = models.DecimalField("脱产天数", max_digits=5, decimal_places=1, null=True, blank=True,
                               help_text="脱产培训的出勤天数（按天数计算要求时用）")
    basis = models.CharField("计算依据", max_length=200, blank=True,
                             help_text="例如“出勤 3 天 × 6 学时”“学习 45 分钟，考试通过”")
    source = models.CharField("来源", max_length=40, help_text="例如 training.attendance、training.online")
    source_id = models.BigIntegerField("来源记录", null=True, blank=True)
    source_label = models.CharField("来源名称", max_length=200, blank=True, help_text="班次、课程或活动名称")
    rule = models.CharField("计算规则", max_length=60, blank=True, help_text="计入学时所依据的计算规则代码")
    carried = models.BooleanField("结转学时", default=False)
    carried_from = models.ForeignKey("self", verbose_name="结转自", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="carried_lines", help_text="上年度超出上限、结转到本年度的学时所出自的记录")
    provider = models.CharField("举办单位", max_length=100, blank=True,
                                help_text="举办或提供学习的单位，如某网络学院；同一来源每年计入上限按它计算")
    unit = models.CharField("计量单位", max_length=8, choices=CreditUnit.choices, default=CreditUnit.HOUR)
    quantity = models.DecimalField("数量", max_digits=8, decimal_places=2, null=True, blank=True,
                                   help_text="按计量单位：学时数、脱产天数或学习分钟数")
    passed_test = models.BooleanField("考试通过", default=False)
    claimed = models.DecimalField("按规则应计学时", max_digits=6, decimal_places=2, null=True, blank=True,
                                  help_text="未计年度上限前的学时；超出上限的部分不计入或结转")
    evidence = models.FileField("证明材料", upload_to="training/evidence/%Y/%m/", blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "学时记录"
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["person", "year", "kind", "hours"], name="credit_person_year_kind"),
                   models.Index(fields=["year", "kind", "person", "hours"], name="credit_year_kind_person")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="credit_hours_not_negative"),
            models.UniqueConstraint(fields=["source", "source_id", "person", "carried"],
                                    condition=Q(source_id__isnull=False), name="credit_once_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()} {self.hours.normalize():f} 学时"

    @property
    def removable(self) -> bool:
        """A line entered by hand (a recognised activity, a study record) that a user may delete; the others are
        withdrawn by their source."""
        return not self.carried and self.source in ("training.manual", "branchlife.studyrecord")

    @property
    def cut(self):
        """学时 the caps kept out of this line (None: none)."""
        if self.claimed is None or self.claimed <= self.hours:
            return None
        return self.claimed - self.hours


class CreditRule(ConfigModel):
    """A crediting rule (学时认定规则): how one type of credited hours is counted — the rate of a 脱产 day, the
    online rule by minutes, the yearly caps (per type and per source) and whether the excess carries over to the
    next year. One row per type, or a row for every type (`kind` blank). Issued by a department for its subtree
    (none: the national default); for a person the row of the nearest issuer above their organization wins, at
    the same issuer the row of the type before the row for every type."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", help_text="留空表示全国通用的默认设定")
    code = models.CharField("代码", max_length=64, unique=True)
    title = models.CharField("名称", max_length=100)
    kind = models.CharField("学时类型", max_length=16, choices=CreditKind.choices, blank=True,
                            help_text="留空适用于没有单独设定的各类学时")
    day_rate = models.DecimalField("每个脱产日计入", max_digits=4, decimal_places=2, default=Decimal(6),
                                   help_text="学时；按天登记的脱产培训，每天计入的学时")
    year_cap = models.DecimalField("每年计入上限", max_digits=6, decimal_places=2, null=True, blank=True,
                                   help_text="学时；该类学时每人每年最多计入多少，留空不设上限")
    provider_cap = models.DecimalField("同一来源每年计入上限", max_digits=6, decimal_places=2, null=True, blank=True,
                                       help_text="学时；同一举办单位（如某网络学院）每人每年最多计入多少，留空不设上限")
    carry_over = models.BooleanField("超出部分结转下一年度", default=False,
                                     help_text="超出上限的学时计入下一年度（只结转一年，下一年度同样计上限）")
    long_minutes = models.PositiveSmallIntegerField("网络课程满", default=30, help_text="分钟；达到的计入下一项学时")
    long_hours = models.DecimalField("满时长课程计入", max_digits=4, decimal_places=2, default=Decimal(1),
                                     help_text="学时")
    short_minutes = models.PositiveSmallIntegerField("网络课程不足满时长但达到", default=15, help_text="分钟")
    short_hours = models.DecimalField("该时长课程计入", max_digits=4, decimal_places=2, default=Decimal("0.5"),
                                      help_text="学时")
    least_hours = models.DecimalField("更短的课程计入", max_digits=4, decimal_places=2, default=Decimal("0.25"),
                                      help_text="学时")
    test_bonus = models.DecimalField("考试通过另计", max_digits=4, decimal_places=2, default=Decimal("0.5"),
                                     help_text="学时")
    document = models.CharField("依据文件", max_length=300, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "学时认定规则"
        ordering = ["org_path", "kind", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(short_minutes__lte=models.F("long_minutes")),
                                   name="credit_rule_minutes_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return self.get_kind_display() if self.kind else "各类学时"

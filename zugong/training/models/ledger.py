"""The hours ledger (学时台账): one line per credit — hours credited to one person on one day, from one source
(a class's attendance, an online course, a course studied in the library, a recognised activity entered with
evidence, a study record moved from branch life), by one crediting rule. Branch-life meetings are not copied
here: a member's hours from the meetings of their branch are summed from the meetings themselves
(`training.ledger.member_hours_sql`), so there is one definition of a member's study hours.

Lines are placed where the person is (`Inherited("person", stored=False)`): whoever sees the person sees their
ledger, and it follows them to another organization. Services write lines only through `training.ledger.post`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, ScopedModel

__all__ = ["CreditKind", "Credit", "CONCENTRATED"]


class CreditKind(models.TextChoices):
    """The type of credited hours; requirements count and caps apply by type."""

    OFF_JOB = "off_job", "脱产培训"
    CLASS = "class", "集中培训（不脱产）"
    ONLINE = "online", "网络培训"
    STUDY = "study", "集中学习"
    COURSE = "course", "课程学习"
    OTHER = "other", "其他认可活动"


# The types that count as 脱产 or recognised concentrated training (干部教育培训工作条例 第十四条).
CONCENTRATED = (CreditKind.OFF_JOB, CreditKind.CLASS)


class Credit(ScopedModel, AuditedModel):
    scope = Inherited("person", stored=False)
    audit_exclude = ("created_at",)

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

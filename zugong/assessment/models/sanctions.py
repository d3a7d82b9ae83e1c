"""Models of sanctions (处分、问责、组织处理) and investigations per person, and the table of the bars they put on
an annual grade (practice.md §3.2).

- `Sanction`: one measure taken against a person (党纪处分, 政务处分, 组织处理, or any of them taken as 问责), dated
  by its decision, with its period of effect where the kind has one (留党察看 一年/二年; 政务处分 6–24 months;
  诫勉, 调整职务, 免职, 降职: the 影响期), deciding body and document number. A 留党察看 of a party member is
  linked to the member's `members.DisciplineSpan` (written by `members.services.record_discipline` in the same
  operation: the fact is typed once).
- `Investigation`: 立案审查 of a person — opened, closed, outcome (and the sanction it ended in).
- `SanctionEffect`: the sanctions → grade table as configuration rows (one per kind, issued nationally or by a
  department for its subtree; the nearest issuer wins): the effect in the year of the decision, in the later
  years, and while the record's period of effect runs, each row citing its document.

Sanctions and investigations are placed where the person is (`Inherited("person", stored=False)`): whoever sees
the person sees them, and they follow the person to another organization.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.dates import add_months
from zugong.core.scope import Inherited, ScopedModel

from ..bars import EFFECT_LABELS, EFFECTS

__all__ = ["Family", "SanctionKind", "Sanction", "Investigation", "SanctionEffect", "KIND_FAMILIES",
           "PROBATION_KINDS", "EFFECT_CHOICES"]


class Family(models.TextChoices):
    PARTY = "party", "党纪处分"
    GOVERNMENT = "government", "政务处分"
    ORGANIZATIONAL = "organizational", "组织处理"
    ACCOUNTABILITY = "accountability", "问责"


class SanctionKind(models.TextChoices):
    # 党纪处分 (《中国共产党纪律处分条例》)
    PARTY_WARNING = "party_warning", "党内警告"
    PARTY_SERIOUS_WARNING = "party_serious_warning", "党内严重警告"
    PARTY_POST_REMOVAL = "party_post_removal", "撤销党内职务"
    PROBATION_1 = "probation_1", "留党察看一年"
    PROBATION_2 = "probation_2", "留党察看二年"
    EXPULSION = "expulsion", "开除党籍"
    # 政务处分 (《中华人民共和国公职人员政务处分法》)
    GOV_WARNING = "gov_warning", "政务警告"
    GOV_DEMERIT = "gov_demerit", "政务记过"
    GOV_MAJOR_DEMERIT = "gov_major_demerit", "政务记大过"
    GOV_DEMOTION = "gov_demotion", "降级"
    GOV_REMOVAL = "gov_removal", "撤职"
    # 组织处理
    ADMONITION = "admonition", "诫勉"
    REASSIGNMENT = "reassignment", "调整职务"
    ORDERED_RESIGNATION = "ordered_resignation", "责令辞职"
    DISMISSAL = "dismissal", "免职"
    DEMOTION = "demotion", "降职"
    # 问责 only
    CIRCULAR = "circular", "通报"


K = SanctionKind
# The families a kind may be recorded under: its own, or 问责 (a measure taken to hold someone accountable,
# 《中国共产党问责条例》: 通报、诫勉、组织调整或者组织处理、纪律处分).
KIND_FAMILIES: dict[str, tuple[str, ...]] = {
    **{k: (Family.PARTY, Family.ACCOUNTABILITY) for k in (K.PARTY_WARNING, K.PARTY_SERIOUS_WARNING,
                                                           K.PARTY_POST_REMOVAL, K.PROBATION_1, K.PROBATION_2,
                                                           K.EXPULSION)},
    **{k: (Family.GOVERNMENT, Family.ACCOUNTABILITY) for k in (K.GOV_WARNING, K.GOV_DEMERIT, K.GOV_MAJOR_DEMERIT,
                                                               K.GOV_DEMOTION, K.GOV_REMOVAL)},
    **{k: (Family.ORGANIZATIONAL, Family.ACCOUNTABILITY) for k in (K.ADMONITION, K.REASSIGNMENT,
                                                                   K.ORDERED_RESIGNATION, K.DISMISSAL, K.DEMOTION)},
    K.CIRCULAR: (Family.ACCOUNTABILITY,),
}
PROBATION_KINDS = (K.PROBATION_1, K.PROBATION_2)
PROBATION_YEARS = {K.PROBATION_1: 1, K.PROBATION_2: 2}
EFFECT_CHOICES = [("", "无影响"), *((e, EFFECT_LABELS[e]) for e in EFFECTS)]


def phrase(kind: str) -> str:
    """How a text says the person received it: 受党内警告处分, 受到诫勉, 被免职, 被通报."""
    label = SanctionKind(kind).label
    if kind in KIND_FAMILIES and KIND_FAMILIES[kind][0] in (Family.PARTY, Family.GOVERNMENT):
        return f"受{label}处分"
    if kind == K.ADMONITION:
        return "受到诫勉"
    return f"被{label}"


def day_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Sanction(ScopedModel, AuditedModel):
    """One 处分、组织处理 or 问责 of a person, dated by its decision."""

    scope = Inherited("person", stored=False)
    audit_exclude = ("created_at", "updated_at")

    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="assessment_sanctions")
    kind = models.CharField("处分类别", max_length=32, choices=SanctionKind.choices)
    family = models.CharField("处分性质", max_length=16, choices=Family.choices,
                              help_text="党纪处分、政务处分、组织处理，或作为问责方式作出的")
    decided_on = models.DateField("决定日期")
    effective_until = models.DateField(
        "影响期至", null=True, blank=True,
        help_text="影响期（处分期间）的最后一天；留党察看按一年或二年计算，其他类别不填时按处分影响设定的期限计算")
    deciding_body = models.CharField("决定机关", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=60, blank=True)
    note = models.TextField("说明", blank=True)
    discipline_span = models.ForeignKey(
        "members.DisciplineSpan", verbose_name="留党察看记录", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="党员的留党察看（党员信息中的记录，与本处分同时登记）")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "处分、问责和组织处理"
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["decided_on"], name="sanction_decided"),
                   models.Index(fields=["person", "decided_on"], name="sanction_person_decided")]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.decided_on:%Y-%m-%d}）"

    @property
    def org_path(self) -> str:
        """Where the record sits: the person's path (read through the person; no column of its own)."""
        return self.person.org_path

    @property
    def is_probation(self) -> bool:
        return self.kind in PROBATION_KINDS

    @property
    def probation_end(self) -> dt.date | None:
        """The first day after a 留党察看's period (one or two years from the decision)."""
        years = PROBATION_YEARS.get(self.kind)
        return add_months(self.decided_on, 12 * years) if years else None

    @property
    def text(self) -> str:
        """“2026年3月5日受党内警告处分”"""
        return f"{day_text(self.decided_on)}{phrase(self.kind)}"


class Investigation(ScopedModel, AuditedModel):
    """立案审查（审查调查）of a person: while it is open the person takes part in the annual assessment without a
    grade; when it closes the grade is fixed (no sanction, or only a warning) or follows the sanction."""

    class Outcome(models.TextChoices):
        NO_SANCTION = "no_sanction", "不予处分"
        SANCTIONED = "sanctioned", "给予处分或处理"
        DROPPED = "dropped", "撤销案件"

    scope = Inherited("person", stored=False)
    audit_exclude = ("created_at", "updated_at")

    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="assessment_investigations")
    opened_on = models.DateField("立案日期")
    body = models.CharField("立案机关", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=60, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    outcome = models.CharField("结案结果", max_length=16, choices=Outcome.choices, blank=True)
    sanction = models.ForeignKey(Sanction, verbose_name="结案处分", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="investigations")
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "立案审查"
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["opened_on"], name="investigation_opened")]

    def __str__(self):
        state = f"{self.closed_on:%Y-%m-%d} 结案" if self.closed_on else "未结案"
        return f"立案审查（{self.opened_on:%Y-%m-%d}，{state}）"

    @property
    def org_path(self) -> str:
        """Where the record sits: the person's path (read through the person; no column of its own)."""
        return self.person.org_path

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class SanctionEffect(ConfigModel):
    """A row of the sanctions → grade table: what a kind of sanction does to the annual grade in the year of the
    decision, in the `later_years` years after it, and in the years its period of effect reaches. Issued by a
    department for its subtree (none: the national default); the nearest issuer's row for a kind wins."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("编码", max_length=64, unique=True)
    kind = models.CharField("处分类别", max_length=32, choices=SanctionKind.choices)
    year_effect = models.CharField("处分当年", max_length=16, choices=EFFECT_CHOICES, blank=True)
    later_years = models.PositiveSmallIntegerField("以后影响年数", default=0,
                                                   help_text="处分次年起受影响的年数，如留党察看二年为 2")
    later_effect = models.CharField("以后年度", max_length=16, choices=EFFECT_CHOICES, blank=True)
    period_months = models.PositiveSmallIntegerField(
        "影响期（月）", default=0, help_text="未填写“影响期至”的记录按此计算；0 表示无影响期")
    period_effect = models.CharField("影响期内", max_length=16, choices=EFFECT_CHOICES, blank=True,
                                     help_text="影响期跨入以后年度时，这些年度的影响")
    regulation = models.CharField("依据文件", max_length=200)
    article = models.CharField("条款", max_length=40, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "处分对年度考核的影响"
        ordering = ["org_path", "kind"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def citation(self) -> str:
        return f"{self.regulation}{self.article}"

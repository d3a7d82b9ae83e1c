"""Terms and elections (换届): election records with their candidates, and approved term adjustments.

The term itself stays on `orgs.Organization` (`term_started_on`, `term_years`, `term_ends_on`, computed there
from kind and sector). An `Election` records one 换届 or by-election of a committee (or of a branch's secretary
where no committee is set up): seats, candidates, expected voters and voters present, each candidate's yes votes.
Its validity is checked by the rules in `rules.py` (integer arithmetic) when it is recorded; once the higher
organization has approved the secretary and deputy secretary, `services.approve` starts the organization's new
term from the election day (through `zugong.orgs.services.update`, audited).

A `TermAdjustment` records an approved postponement or advance of an election (≤ 1 year, higher approval,
选举工作条例 第三条): the overdue-election rule then counts from the adjusted due date.
"""

from __future__ import annotations

from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.dates import add_months
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel


class Election(ScopedModel, AuditedModel):
    """One election of an organization's committee (换届选举) or a by-election (补选)."""

    class Kind(models.TextChoices):
        TERM = "term", "换届选举"
        BY_ELECTION = "by_election", "补选"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="elections")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    kind = models.CharField("选举类别", max_length=16, choices=Kind.choices, default=Kind.TERM)
    held_on = models.DateField("选举日期（党员大会召开日期）")
    seats = models.PositiveSmallIntegerField("应选人数（委员名额）")
    candidates = models.PositiveSmallIntegerField("候选人数")
    expected_voters = models.PositiveIntegerField("应到会有选举权的党员数")
    voters_present = models.PositiveIntegerField("实到会有选举权的党员数")
    valid = models.BooleanField("选举有效", default=False)
    exception_reason = models.TextField("例外办理理由", blank=True)
    secretary = models.ForeignKey("people.Person", verbose_name="书记", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    deputy_secretary = models.ForeignKey("people.Person", verbose_name="副书记", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    secretary_name = models.CharField("书记姓名", max_length=50, blank=True)
    deputy_secretary_name = models.CharField("副书记姓名", max_length=50, blank=True)
    approved_by_higher = models.BooleanField("书记、副书记已经上级党组织批准", default=False)
    approved_on = models.DateField("上级批准日期", null=True, blank=True)
    approval_document = models.CharField("批复文号", max_length=100, blank=True)
    term_started = models.BooleanField("已据此开始新一届任期", default=False)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "选举记录"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organization", "held_on"], name="election_org_held")]

    def __str__(self):
        return f"{self.organization.name} {self.held_on:%Y-%m-%d} {self.get_kind_display()}"

    def candidate_list(self) -> list["ElectionCandidate"]:
        """The candidates in ballot order (reached through the election, which was scoped)."""
        return list(ElectionCandidate.objects.unrestricted().filter(election=self).order_by("order", "id"))

    def elected_names(self) -> list[str]:
        return [c.name for c in self.candidate_list() if c.elected]


class ElectionCandidate(ScopedModel, AuditedModel):
    """A candidate of an election and the yes votes received; `elected` as the count decided."""

    scope = Inherited("election")
    audit_exclude = ("org_path",)

    election = models.ForeignKey(Election, verbose_name="选举", on_delete=models.CASCADE,
                                 related_name="candidate_rows")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    person = models.ForeignKey("people.Person", verbose_name="人员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    yes_votes = models.PositiveIntegerField("赞成票")
    elected = models.BooleanField("当选", default=False)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "候选人"
        ordering = ["election", "order", "id"]

    def __str__(self):
        return self.name


class TermAdjustment(ScopedModel, AuditedModel):
    """An approved postponement (延期换届) or advance (提前换届) of an organization's election."""

    class Kind(models.TextChoices):
        POSTPONE = "postpone", "延期换届"
        ADVANCE = "advance", "提前换届"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="term_adjustments")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    term_ends_on = models.DateField("原任期届满日期")
    months = models.PositiveSmallIntegerField("延期或提前月数")
    due_on = models.DateField("调整后的换届期限")
    approved_by = models.CharField("批准机关", max_length=100)
    approved_on = models.DateField("批准日期")
    document_no = models.CharField("批复文号", max_length=100, blank=True)
    reason = models.TextField("理由")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "换届时间调整"
        ordering = ["-approved_on", "-id"]
        indexes = [models.Index(fields=["organization", "term_ends_on"], name="termadj_org_term")]

    def __str__(self):
        return f"{self.organization.name} {self.get_kind_display()} {self.months} 个月"

    def save(self, *args, **kwargs):
        sign = 1 if self.kind == self.Kind.POSTPONE else -1
        if self.term_ends_on and self.months is not None:
            self.due_on = add_months(self.term_ends_on, sign * self.months)
        super().save(*args, **kwargs)

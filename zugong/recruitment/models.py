"""Recruitment (发展党员): one Case per person in the pipeline, its dated steps, documents and contacts.

The `Case` holds one date column per step that a rule judges, so every rule is one set-based query over all
cases of a subtree. `Step` rows hold the timeline (纪实): when, who, a note and the documents, for all 25
steps. Sponsors (培养联系人) and introducers (入党介绍人) are `CaseContact` rows. Changes to steps and
contacts are logged on the case's audit trail by the services (one "流程步骤" entry per step).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from zugong.core.casework.models import CaseBase, StepBase, StepDocumentBase
from zugong.core.scope import Inherited, ScopedModel

from .steps import RECURRING, STAGES, WORKFLOW


class TargetGroup(models.TextChoices):
    """The groups the department targets when recruiting (重点发展群体)."""

    INDUSTRIAL_WORKER = "industrial_worker", "产业工人"
    YOUNG_FARMER = "young_farmer", "青年农民"
    HIGH_KNOWLEDGE = "high_knowledge", "高知识群体"
    STUDENT = "student", "大学生"
    NEW_SECTOR = "new_sector", "两新组织从业人员"
    OTHER = "other", "其他"


class Case(CaseBase):
    """One person's way into the party (发展党员纪实): from the application to conversion or termination."""

    class Status(models.TextChoices):
        ACTIVE = "active", "进行中"
        CONVERTED = "converted", "已转正"
        TERMINATED = "terminated", "已终止"

    audit_exclude = ("org_path", "stage", "created_at", "updated_at")

    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="recruitment_cases")
    organization = models.ForeignKey("orgs.Organization", verbose_name="所在党支部", on_delete=models.PROTECT,
                                     related_name="+")
    target_group = models.CharField("重点群体", max_length=24, choices=TargetGroup.choices,
                                    default=TargetGroup.OTHER)
    stage = models.PositiveSmallIntegerField("阶段", choices=list(STAGES.items()), default=1, editable=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)

    # Stage 1–2
    applied_on = models.DateField("递交入党申请书日期")
    talked_on = models.DateField("谈话日期", null=True, blank=True)
    activist_on = models.DateField("确定入党积极分子日期", null=True, blank=True)
    # Stage 3
    candidate_public_notice_start = models.DateField("发展对象公示开始日期", null=True, blank=True)
    candidate_public_notice_end = models.DateField("发展对象公示结束日期", null=True, blank=True)
    candidate_on = models.DateField("确定发展对象日期", null=True, blank=True)
    review_concluded_on = models.DateField("政治审查结论日期", null=True, blank=True)
    review_passed = models.BooleanField("政治审查合格", null=True, blank=True)
    training_start = models.DateField("集中培训开始日期", null=True, blank=True)
    training_end = models.DateField("集中培训结束日期", null=True, blank=True)
    training_hours = models.DecimalField("集中培训学时", max_digits=5, decimal_places=1, null=True, blank=True)
    # Stage 4
    committee_review_on = models.DateField("支部委员会审查日期", null=True, blank=True)
    prereview_on = models.DateField("上级党委预审日期", null=True, blank=True)
    admission_public_notice_start = models.DateField("拟接收预备党员公示开始日期", null=True, blank=True)
    admission_public_notice_end = models.DateField("拟接收预备党员公示结束日期", null=True, blank=True)
    branch_meeting_on = models.DateField("支部大会讨论日期", null=True, blank=True,
                                         help_text="支部大会通过接收为预备党员之日，即入党时间")
    expected_voters = models.PositiveSmallIntegerField("应到会有表决权正式党员数", null=True, blank=True)
    present_voters = models.PositiveSmallIntegerField("实到会有表决权正式党员数", null=True, blank=True)
    yes_votes = models.PositiveSmallIntegerField("赞成票数", null=True, blank=True)
    no_votes = models.PositiveSmallIntegerField("反对票数", null=True, blank=True)
    abstain_votes = models.PositiveSmallIntegerField("弃权票数", null=True, blank=True)
    approved_on = models.DateField("上级党委审批日期", null=True, blank=True)
    approval_special_reason = models.CharField("审批超过三个月的特殊情况", max_length=300, blank=True)
    # Who approved the admission (step 17): a 基层党委 with the power to approve; a 党总支 may not (the rule
    # recruitment.approving_committee). Empty on records from before it was kept.
    approving_organization = models.ForeignKey("orgs.Organization", verbose_name="审批的上级党委", null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="+")
    # Stage 5
    oath_on = models.DateField("入党宣誓日期", null=True, blank=True)
    probation_extended_on = models.DateField("延长预备期的支部大会日期", null=True, blank=True)
    probation_extended_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    conversion_applied_on = models.DateField("转正申请日期", null=True, blank=True)
    conversion_meeting_on = models.DateField("转正支部大会日期", null=True, blank=True)
    conversion_expected_voters = models.PositiveSmallIntegerField("转正：应到会有表决权正式党员数", null=True,
                                                                  blank=True)
    conversion_present_voters = models.PositiveSmallIntegerField("转正：实到会有表决权正式党员数", null=True,
                                                                 blank=True)
    conversion_yes_votes = models.PositiveSmallIntegerField("转正：赞成票数", null=True, blank=True)
    conversion_no_votes = models.PositiveSmallIntegerField("转正：反对票数", null=True, blank=True)
    conversion_abstain_votes = models.PositiveSmallIntegerField("转正：弃权票数", null=True, blank=True)
    conversion_approved_on = models.DateField("转正审批日期", null=True, blank=True)
    converted_on = models.DateField("转正时间", null=True, blank=True, help_text="预备期满之日，党龄自此日起算")

    class Meta:
        verbose_name = verbose_name_plural = "发展党员纪实"
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="active"),
                                    name="case_one_active_per_person"),
        ]
        indexes = [
            models.Index(fields=["org_path", "status", "stage"], name="case_path_status"),
            models.Index(fields=["org_path", "branch_meeting_on"], name="case_path_admitted"),
        ]

    def __str__(self):
        return f"{self.person.name}（发展党员）"

    def current_stage(self) -> int:
        """The stage the recorded dates put the case in (stage 5 begins once the higher committee approves)."""
        if self.approved_on:
            return 5
        if self.committee_review_on or self.prereview_on or self.branch_meeting_on:
            return 4
        if self.candidate_on:
            return 3
        if self.activist_on:
            return 2
        return 1

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class CaseContact(ScopedModel):
    """A party member who accompanies the case: a sponsor (培养联系人) or an introducer (入党介绍人)."""

    class Role(models.TextChoices):
        SPONSOR = "sponsor", "培养联系人"
        INTRODUCER = "introducer", "入党介绍人"

    scope = Inherited("case", stored=False)

    case = models.ForeignKey(Case, verbose_name="发展党员纪实", on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField("身份", max_length=16, choices=Role.choices)
    position = models.PositiveSmallIntegerField("序号", default=1)
    person = models.ForeignKey("people.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    designated_on = models.DateField("确定日期")
    discipline_until = models.DateField(
        "留党察看期至", null=True, blank=True,
        help_text="受留党察看处分、尚未恢复党员权利的，填写恢复党员权利的日期；不能担任入党介绍人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "培养联系人和入党介绍人"
        ordering = ["role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "role", "position"], name="contact_unique_position"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}{self.position}：{self.person.name}"


class Step(StepBase):
    """One dated step of the timeline: what, when, who did it, a note; documents hang off it."""

    case = models.ForeignKey(Case, verbose_name="发展党员纪实", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=32, choices=WORKFLOW.kind_choices())
    number = models.PositiveSmallIntegerField("流程序号", null=True, blank=True)
    done_by_person = models.ForeignKey("people.Person", verbose_name="经办人", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")

    class Meta(StepBase.Meta):
        verbose_name = verbose_name_plural = "流程步骤"
        ordering = ["on", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], condition=~Q(kind__in=RECURRING),
                                    name="step_once_per_case"),
        ]
        # The rules on steps that leave no date on the case (filings, half-yearly assessments, the approval talk)
        # look up a case's steps of one kind by date.
        indexes = [models.Index(fields=["case", "kind", "on"], name="step_case_kind_on")]

    @property
    def definition(self):
        return WORKFLOW.step(self.kind)


class StepDocument(StepDocumentBase):
    """An uploaded document of a step (申请书、谈话记录、公示、志愿书 …), served only to who may see the case."""

    step = models.ForeignKey(Step, verbose_name="步骤", on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to="recruitment/%Y/%m/")

    class Meta(StepDocumentBase.Meta):
        verbose_name = verbose_name_plural = "步骤材料"

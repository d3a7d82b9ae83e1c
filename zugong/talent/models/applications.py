"""An application to a programme edition, run as a casework case (`zugong.core.casework`; the steps are
`talent.steps.WORKFLOW`): who applies (a person of zugong), for which tier, from which unit, recommended by which
organization (its scope: the recommending organization's subtree and the departments above it see it), the
automatic pre-check, the review score, the 公示 and where it stands."""

from __future__ import annotations

from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.casework.models import CaseBase, StepBase, StepDocumentBase
from zugong.core.scope import Inherited, ScopedModel

from ..steps import STAGES, WORKFLOW

__all__ = ["Application", "ApplicationStep", "ApplicationDocument", "CoApplicant", "Objection", "OPEN_STATUSES"]


class Status(models.TextChoices):
    APPLIED = "applied", "已申报"
    RECOMMENDED = "recommended", "已推荐"
    QUALIFIED = "qualified", "资格审查通过"
    REVIEWED = "reviewed", "已评审"
    APPROVED = "approved", "已审定"
    NOTICE = "notice", "公示中"
    RECOGNIZED = "recognized", "已认定"
    REJECTED = "rejected", "未通过"
    EXITED = "exited", "已退出"
    TERMINATED = "terminated", "已终止"


STAGE_OF_STATUS = {Status.APPLIED: 1, Status.RECOMMENDED: 2, Status.QUALIFIED: 3, Status.REVIEWED: 4,
                   Status.APPROVED: 5, Status.NOTICE: 6, Status.RECOGNIZED: 8, Status.REJECTED: 0,
                   Status.EXITED: 9, Status.TERMINATED: 0}

# Applications still in the chain (not yet recognised, rejected or terminated).
OPEN_STATUSES = (Status.APPLIED, Status.RECOMMENDED, Status.QUALIFIED, Status.REVIEWED, Status.APPROVED,
                 Status.NOTICE)


class Application(CaseBase):
    """One application: the person, the edition and tier, the unit and the recommending organization, the
    field, the pre-check (a list of {"condition", "kind", "met", "evidence", "source"}; met is null where the
    records say nothing), the qualification decision, the review score, approval, 公示 and recognition."""

    Status = Status

    class Decision(models.TextChoices):
        PASSED = "passed", "通过"
        FAILED = "failed", "不通过"

    edition = models.ForeignKey("talent.Edition", verbose_name="批次", on_delete=models.PROTECT,
                                related_name="applications")
    tier = models.ForeignKey("talent.Tier", verbose_name="申报层次", on_delete=models.PROTECT,
                             related_name="applications")
    person = models.ForeignKey("people.Person", verbose_name="申报人", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name="推荐单位（党组织）",
                                     on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", verbose_name="工作单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    unit_name = models.CharField("工作单位名称", max_length=100, blank=True)
    field = models.CharField("专业领域", max_length=60)
    title = models.CharField("申报方向（项目名称）", max_length=200, blank=True)
    summary = models.TextField("主要业绩与成果", blank=True)
    supervisor = models.ForeignKey("people.Person", verbose_name="导师或直接上级", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", help_text="评审时回避")
    supervisor_name = models.CharField("导师或直接上级（系统外）", max_length=50, blank=True)
    # The steps' dates.
    applied_on = models.DateField("申报日期")
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    precheck = models.JSONField("资格预审结果", default=list, blank=True)
    precheck_passed = models.BooleanField("预审全部符合", null=True, blank=True)
    precheck_at = models.DateTimeField("预审时间", null=True, blank=True)
    qualified_on = models.DateField("资格审查日期", null=True, blank=True)
    qualification = models.CharField("资格审查结论", max_length=8, choices=Decision.choices, blank=True)
    reviewed_on = models.DateField("评审日期", null=True, blank=True)
    review_score = models.DecimalField("评审得分", max_digits=7, decimal_places=2, null=True, blank=True)
    review_rank = models.PositiveIntegerField("评审排名", null=True, blank=True)
    approved_on = models.DateField("审定日期", null=True, blank=True)
    approval = models.CharField("审定结论", max_length=8, choices=Decision.choices, blank=True)
    notice_start = models.DateField("公示开始日期", null=True, blank=True)
    notice_end = models.DateField("公示结束日期", null=True, blank=True)
    recognized_on = models.DateField("认定日期", null=True, blank=True)
    exited_on = models.DateField("退出日期", null=True, blank=True)
    exit_reason = models.CharField("退出原因", max_length=300, blank=True)
    stage = models.PositiveSmallIntegerField("阶段", choices=list(STAGES.items()), default=1)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.APPLIED)

    class Meta:
        verbose_name = verbose_name_plural = "人才项目申报"
        ordering = ["-applied_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["edition", "person"], name="talent_apply_once_per_edition")]
        indexes = [
            models.Index(fields=["org_path", "status"], name="talent_app_path_status"),
            models.Index(fields=["edition", "status"], name="talent_app_edition_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person}（{self.tier}）" if self.person_id and self.tier_id else "人才项目申报"

    def current_stage(self) -> int:
        return STAGE_OF_STATUS.get(self.status, 1)


class ApplicationStep(StepBase):
    """One dated step of an application's timeline."""

    case = models.ForeignKey(Application, verbose_name="申报", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=24, choices=WORKFLOW.kind_choices())

    class Meta(StepBase.Meta):
        verbose_name = verbose_name_plural = "人才项目申报步骤"


class ApplicationDocument(StepDocumentBase):
    """A document of a step (申报书、推荐意见、审查表、公示材料 …)."""

    step = models.ForeignKey(ApplicationStep, verbose_name="步骤", on_delete=models.CASCADE,
                             related_name="documents")
    file = models.FileField("文件", upload_to="talent/%Y/%m/")

    class Meta(StepDocumentBase.Meta):
        verbose_name = verbose_name_plural = "人才项目申报材料"


class CoApplicant(ScopedModel, AuditedModel):
    """A co-applicant or team member named on an application (a reviewer who is one must not review it)."""

    scope = Inherited("application", stored=False)

    application = models.ForeignKey(Application, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="co_applicants")
    person = models.ForeignKey("people.Person", verbose_name="人员", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("姓名", max_length=50)
    unit_name = models.CharField("工作单位", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "合作申报人"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.name


class Objection(ScopedModel, AuditedModel):
    """An objection received during the 公示 and its answer (核查结论); an upheld one stops the recognition."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "核查中"
        DISMISSED = "dismissed", "反映不实"
        UPHELD = "upheld", "反映属实"

    scope = Inherited("application", stored=False)

    application = models.ForeignKey(Application, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.TextField("反映内容")
    answered_on = models.DateField("核查日期", null=True, blank=True)
    answer = models.TextField("核查情况", blank=True)
    outcome = models.CharField("核查结论", max_length=12, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"
        ordering = ["application", "received_on", "id"]

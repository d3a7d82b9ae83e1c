"""The one task model (`ServiceTask`) for 办实事 items, 12345-style requests and items handed down for
supervision (督办), run as a casework case (`zugong.core.casework`): its steps are `service.steps.WORKFLOW`.

The clock (`service.clock`): the deadline is the N-th working day after the day received (that day does not
count; 调休 working Saturdays count, holidays do not), N = the time limit in working days plus the working days
paused plus the approved extensions. `deadline` is stored and kept by the services (every pause, resume and
extension recomputes it), so the overdue scan and the league tables compare columns set-based.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from zugong.core import pii
from zugong.core.audit import AuditedModel
from zugong.core.casework.models import CaseBase, StepBase, StepDocumentBase
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

from ..steps import STAGES, WORKFLOW

__all__ = ["UrgencyClass", "TaskCategory", "Campaign", "ServiceTask", "TaskStep", "TaskDocument", "Phase", "Pause",
           "Extension", "ListKind", "Source", "OPEN_STATUSES"]


class UrgencyClass(ConfigModel):
    """An urgency class (立刻办 / 限期办 / 分期办) with its default time limit in working days. Issued nationally
    or by a department for its subtree (`visible_to`: a user chooses among those issued above or inside their
    scope; an import matches the name, the nearest issuer first)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="发布单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20)
    limit_workdays = models.PositiveSmallIntegerField("默认办结时限（工作日）")
    phased = models.BooleanField("分期办理", default=False, help_text="分期办事项按阶段填报计划和进展")
    remind_workdays = models.PositiveSmallIntegerField("到期前催办（工作日）", default=2)
    order = models.PositiveSmallIntegerField("排序", default=0)
    regulation = models.CharField("依据文件", max_length=200, blank=True)
    article = models.CharField("条款", max_length=40, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "紧急程度"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def citation(self) -> str:
        return f"{self.regulation}{self.article}"


class TaskCategory(ConfigModel):
    """A category of items (民生服务、基层治理、乡村振兴 …): configuration, national or a department's."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="发布单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=40)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项类别"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ListKind(models.TextChoices):
    PROBLEM = "problem", "问题清单"
    PROJECT = "project", "项目清单"
    RESPONSIBILITY = "responsibility", "责任清单"


class Source(models.TextChoices):
    VISIT = "visit", "走访收集"
    HOTLINE = "hotline", "12345热线"
    WISH = "wish", "微心愿"
    PETITION = "petition", "信访"
    ASSIGNED = "assigned", "上级交办"
    SUPERVISION = "supervision", "督办"
    SELF = "self", "自主认领"
    OTHER = "other", "其他"


class Campaign(ScopedModel, AuditedModel):
    """A campaign or list (“2026年我为群众办实事项目清单”) issued by an organization; its subtree sees it and
    files items under it."""

    scope = OwnSubtree("organization")

    organization = models.ForeignKey("orgs.Organization", verbose_name="发布组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    title = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办实事活动（清单）"
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    PENDING = "pending", "待认领"
    ACTIVE = "active", "办理中"
    PAUSED = "paused", "暂停计时"
    REOPENED = "reopened", "复办"
    DONE = "done", "已办结（待评价）"
    CLOSED = "closed", "已销号"
    TERMINATED = "terminated", "已终止"


STAGE_OF_STATUS = {Status.PENDING: 1, Status.ACTIVE: 3, Status.PAUSED: 3, Status.REOPENED: 3, Status.DONE: 5,
                   Status.CLOSED: 6, Status.TERMINATED: 0}

# The statuses whose clock runs (or is paused): what the overdue scan and the reminders look at.
OPEN_STATUSES = (Status.PENDING, Status.ACTIVE, Status.PAUSED, Status.REOPENED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    PARTIAL = "partial", "部分解决"
    UNSATISFIED = "unsatisfied", "不满意"


class ServiceTask(CaseBase):
    """One item: what, for whom, who is responsible, its urgency and clock, and where it stands."""

    Status = Status
    Satisfaction = Satisfaction

    organization = models.ForeignKey("orgs.Organization", verbose_name="责任组织", on_delete=models.PROTECT,
                                     related_name="+")
    number = models.CharField("编号", max_length=30, blank=True, db_index=True)
    title = models.CharField("事项名称", max_length=200)
    description = models.TextField("事项内容", blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.VISIT)
    source_ref = models.CharField("来源编号", max_length=60, blank=True, help_text="如12345热线工单号、交办文号")
    category = models.ForeignKey(TaskCategory, verbose_name="类别", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    campaign = models.ForeignKey(Campaign, verbose_name="所属活动（清单）", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tasks")
    list_kind = models.CharField("清单类别", max_length=16, choices=ListKind.choices, default=ListKind.PROJECT)
    supervisor = models.ForeignKey("orgs.Organization", verbose_name="督办单位", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    leader = models.ForeignKey("people.Person", verbose_name="责任领导", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey("people.Person", verbose_name="责任人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    claimed_by = models.ForeignKey("people.Person", verbose_name="认领党员", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # Whom it serves (no personal data in lists and on the public page; the requester's contact is sealed).
    area = models.CharField("服务区域", max_length=100, blank=True, help_text="村（社区）、小区、网格")
    beneficiaries = models.PositiveIntegerField("受益群众（人）", default=1)
    households = models.PositiveIntegerField("受益户数", default=1)
    requester_name = models.CharField("诉求人", max_length=40, blank=True)
    requester_phone = pii.SealedField("诉求人联系电话", max_length=20, blank=True, purpose="phone")
    # The clock.
    urgency = models.ForeignKey(UrgencyClass, verbose_name="紧急程度", on_delete=models.PROTECT, related_name="+")
    limit_workdays = models.PositiveSmallIntegerField("办结时限（工作日）")
    received_on = models.DateField("受理日期")
    clock_from = models.DateField("计时起始日期", help_text="受理日期；复办后为复办日期（当日不计入）")
    deadline = models.DateField("办结期限", null=True, blank=True)
    paused_workdays = models.PositiveIntegerField("暂停工作日数", default=0)
    extended_workdays = models.PositiveIntegerField("延期工作日数", default=0)
    paused_since = models.DateField("暂停起始日期", null=True, blank=True)
    # The steps' dates.
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    claimed_on = models.DateField("认领日期", null=True, blank=True)
    signed_on = models.DateField("签收日期", null=True, blank=True)
    last_report_on = models.DateField("最近进展日期", null=True, blank=True)
    last_urged_on = models.DateField("最近催办日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    on_time = models.BooleanField("按期办结", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    close_waiver = models.TextField("未经评价销号的原因", blank=True)
    reopened_count = models.PositiveSmallIntegerField("复办次数", default=0)
    reopened_on = models.DateField("最近复办日期", null=True, blank=True)
    callback_done = models.BooleanField("已回访", default=False)
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices, blank=True)
    stage = models.PositiveSmallIntegerField("阶段", choices=list(STAGES.items()), default=1)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = verbose_name_plural = "办实事事项"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["org_path", "status"], name="service_task_path_status"),
            models.Index(fields=["status", "deadline"], name="service_task_status_deadline"),
            models.Index(fields=["org_path", "received_on"], name="service_task_path_received"),
        ]

    def __str__(self) -> str:
        return self.title

    def current_stage(self) -> int:
        return STAGE_OF_STATUS.get(self.status, 1) if self.status != Status.PENDING or not self.assigned_on else 2

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TaskStep(StepBase):
    """One dated step of an item's timeline (受理、交办、认领、签收、进展、催办、暂停、恢复、延期、办结、回访、复办、销号)."""

    case = models.ForeignKey(ServiceTask, verbose_name="事项", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=24, choices=WORKFLOW.kind_choices())
    done_by_person = models.ForeignKey("people.Person", verbose_name="经办人", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    phase = models.ForeignKey("service.Phase", verbose_name="阶段", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="reports")

    class Meta(StepBase.Meta):
        verbose_name = verbose_name_plural = "办实事步骤"


class TaskDocument(StepDocumentBase):
    """A photo or document of a step (现场照片、办结材料 …)."""

    step = models.ForeignKey(TaskStep, verbose_name="步骤", on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to="service/%Y/%m/")

    class Meta(StepDocumentBase.Meta):
        verbose_name = verbose_name_plural = "办实事材料"


class Phase(ScopedModel, AuditedModel):
    """A phase of a 分期办 item: what, planned by when, done when."""

    scope = Inherited("task", stored=False)

    task = models.ForeignKey(ServiceTask, verbose_name="事项", on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField("期次")
    title = models.CharField("阶段内容", max_length=200)
    planned_on = models.DateField("计划完成日期")
    completed_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "分期办理阶段"
        ordering = ["task", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="service_phase_once")]

    def __str__(self) -> str:
        return f"第{self.number}期：{self.title}"


class Pause(ScopedModel, AuditedModel):
    """A pause of the clock (e.g. waiting for the requester): from `paused_on` (that day still counts) to
    `resumed_on` (the clock runs again the day after); `workdays` the working days in (paused_on, resumed_on]."""

    scope = Inherited("task", stored=False)

    task = models.ForeignKey(ServiceTask, verbose_name="事项", on_delete=models.CASCADE, related_name="pauses")
    paused_on = models.DateField("暂停日期")
    reason = models.CharField("暂停原因", max_length=200)
    resumed_on = models.DateField("恢复日期", null=True, blank=True)
    workdays = models.PositiveIntegerField("暂停工作日数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "暂停计时"
        ordering = ["task", "paused_on", "id"]
        constraints = [models.UniqueConstraint(fields=["task"], condition=Q(resumed_on__isnull=True),
                                               name="service_one_open_pause")]


class Extension(ScopedModel, AuditedModel):
    """An extension request (made before the deadline) and its decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "同意"
        REFUSED = "refused", "不同意"

    scope = Inherited("task", stored=False)

    task = models.ForeignKey(ServiceTask, verbose_name="事项", on_delete=models.CASCADE, related_name="extensions")
    requested_on = models.DateField("申请日期")
    workdays = models.PositiveSmallIntegerField("申请延期（工作日）")
    reason = models.CharField("延期理由", max_length=300)
    deadline_before = models.DateField("申请时的办结期限")
    decision = models.CharField("审批结果", max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.CharField("审批人", max_length=60, blank=True)
    approved_workdays = models.PositiveSmallIntegerField("同意延期（工作日）", default=0)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["task", "requested_on", "id"]

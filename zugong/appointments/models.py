"""Selection and appointment (选拔任用) and frontline observation (一线考察识别).

A `SelectionCase` is one cadre's way to one post: proposal, democratic recommendation (ballots and counts),
inspection (materials, the number of people talked to, frontline observations attached), the committee's
decision (members who should attend, present, votes), the pre-appointment notice (公示, in working days), the
appointment (post and rank changed on the cadre record through `zugong.cadres.services.appoint`, with the
document number) and, where it applies, the one-year probation and its end. The case holds one column per
dated fact the rules judge, so every rule is one query over all cases of a subtree; `CaseStep` rows hold the
timeline (纪实) with who did each step, a note and the documents.

The rank facts of the case (the rank before, the rank proposed, whether it is a promotion) are kept as
columns when the case is opened, so the rules filter on them directly.

An `Observation` is a dated note of a cadre's conduct in a major task (疫情防控、抢险救灾、重点项目 …), who
observed it, shown on the cadre's record and attachable to an inspection.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zugong.cadres import ranks
from zugong.cadres.models import CadrePost
from zugong.core.audit import AuditedModel
from zugong.core.casework.models import CaseBase, StepBase, StepDocumentBase
from zugong.core.scope import Inherited, ScopedModel

from . import ranking
from .steps import STAGES, WORKFLOW


class TaskKind(models.TextChoices):
    EPIDEMIC = "epidemic", "疫情防控"
    DISASTER = "disaster", "抢险救灾"
    PROJECT = "project", "重点项目建设"
    RURAL = "rural", "乡村振兴"
    STABILITY = "stability", "信访维稳"
    OTHER = "other", "其他急难险重任务"


class Observation(ScopedModel, AuditedModel):
    """一线考察识别: how a cadre acted in a major task, observed on a date by someone."""

    class Rating(models.TextChoices):
        GOOD = "good", "好"
        FAIRLY_GOOD = "fairly_good", "较好"
        FAIR = "fair", "一般"
        POOR = "poor", "较差"

    scope = Inherited("cadre")
    audit_exclude = ("org_path", "person", "created_at", "updated_at")

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.PROTECT,
                              related_name="observations")
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    organization = models.ForeignKey("orgs.Organization", verbose_name="管理组织", on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    observed_on = models.DateField("考察日期")
    observed_until = models.DateField("考察截止日期", null=True, blank=True, help_text="持续考察的，填写截止日期")
    task_kind = models.CharField("任务类别", max_length=16, choices=TaskKind.choices)
    task = models.CharField("重大任务", max_length=200, help_text="如：某某县“7·20”抗洪抢险")
    conduct = models.TextField("现实表现", help_text="在任务中的担当作为、具体事例")
    rating = models.CharField("表现评价", max_length=16, choices=Rating.choices, blank=True)
    observer = models.CharField("考察人", max_length=100)
    observer_unit = models.CharField("考察人单位及职务", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "一线考察识别记录"
        ordering = ["-observed_on", "-id"]
        indexes = [models.Index(fields=["org_path", "observed_on"], name="observation_path_on")]

    def __str__(self):
        return f"{self.cadre.name}：{self.task}（{self.observed_on:%Y-%m-%d}）"

    def save(self, *args, **kwargs):
        self.person_id = self.cadre.person_id
        self.organization_id = self.cadre.organization_id  # org_path: the scope strategy (the cadre's)
        super().save(*args, **kwargs)


class PartyCommittee(models.TextChoices):
    """The local party committee a post makes its holder a member of (党章: 党龄 required of its members)."""

    PROVINCE = "province", "省、自治区、直辖市党委"
    CITY = "city", "设区的市和自治州党委"
    COUNTY = "county", "县（旗）、自治县、不设区的市和市辖区党委"


class SelectionCase(CaseBase):
    """选拔任用纪实: one cadre proposed for one post, from the proposal to the end of the probation."""

    class Status(models.TextChoices):
        ACTIVE = "active", "进行中"
        PROBATION = "probation", "试用期"
        COMPLETED = "completed", "已任职"
        RETURNED = "returned", "试用期不合格"
        TERMINATED = "terminated", "已终止"

    class ProbationResult(models.TextChoices):
        CONFIRMED = "confirmed", "胜任，正式任职"
        RETURNED = "returned", "不胜任，按试用前职级安排"

    audit_exclude = ("org_path", "stage", "target_level", "target_chief", "from_level", "from_chief",
                     "is_promotion", "created_at", "updated_at")

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.PROTECT,
                              related_name="selection_cases")
    organization = models.ForeignKey("orgs.Organization", verbose_name="办理党委（组织部门）",
                                     on_delete=models.PROTECT, related_name="+")
    stage = models.PositiveSmallIntegerField("阶段", choices=list(STAGES.items()), default=1, editable=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)

    # The post proposed (拟任)
    unit = models.ForeignKey("orgs.Unit", verbose_name="拟任职单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    unit_name = models.CharField("拟任职单位名称", max_length=100)
    title = models.CharField("拟任职务", max_length=100)
    rank = models.CharField("拟任职务层次", max_length=24, choices=ranking.post_rank_choices())
    appointment_method = models.CharField("任用方式", max_length=16, choices=CadrePost.Method.choices,
                                          default=CadrePost.Method.APPOINTED)
    ends_current_posts = models.BooleanField("任职时免去现任职务", default=True,
                                             help_text="不勾选则新职务与现任职务并存（如兼任）")
    probation_applies = models.BooleanField(
        "实行试用期", default=False,
        help_text="提拔担任厅局级以下非选举产生的领导职务（工作部门副职、内设机构领导职务等）实行一年试用期")
    exceptional = models.BooleanField(
        "破格提拔", default=False,
        help_text="突破任职资格（任职年限等）或越级提拔的，按破格提拔办理：试用期内或提拔任职不满一年的不得破格提拔，"
                  "不得越两级提拔，不得在任职年限上连续破格")
    party_committee = models.CharField(
        "拟任党委委员", max_length=12, choices=PartyCommittee.choices, blank=True,
        help_text="拟任职务为地方党委委员（含常委、书记、副书记）的，选择党委层级；党龄要求按党章")
    # The cadre as the case found them (kept when the case is opened)
    from_rank = models.CharField("原职务层次（职级）", max_length=24, blank=True, choices=ranks.RANK_CHOICES)
    from_rank_since = models.DateField("任原职级时间", null=True, blank=True)
    from_title = models.CharField("原职务", max_length=200, blank=True)
    # Derived from the ranks, for set-based rules
    target_level = models.PositiveSmallIntegerField("拟任层级", default=0, editable=False)
    target_chief = models.BooleanField("拟任正职", default=False, editable=False)
    from_level = models.PositiveSmallIntegerField("原层级", null=True, editable=False)
    from_chief = models.BooleanField("原为正职", default=False, editable=False)
    is_promotion = models.BooleanField("提拔", default=False, editable=False)

    # 1 分析研判和动议
    proposed_on = models.DateField("动议日期")
    proposal_reason = models.TextField("动议理由", blank=True)
    # 2 民主推荐
    recommended_on = models.DateField("民主推荐日期", null=True, blank=True)
    recommend_participants = models.PositiveIntegerField("参加推荐人数", null=True, blank=True)
    ballots_issued = models.PositiveIntegerField("发出推荐票", null=True, blank=True)
    ballots_returned = models.PositiveIntegerField("收回推荐票", null=True, blank=True)
    ballots_valid = models.PositiveIntegerField("有效票", null=True, blank=True)
    votes_received = models.PositiveIntegerField("得票数", null=True, blank=True)
    # 3 考察
    inspection_start = models.DateField("考察开始日期", null=True, blank=True)
    inspection_end = models.DateField("考察结束日期", null=True, blank=True)
    inspectors = models.CharField("考察组成员", max_length=200, blank=True)
    people_talked = models.PositiveIntegerField("个别谈话人数", null=True, blank=True)
    inspection_materials = models.TextField("考察材料", blank=True, help_text="考察材料的主要内容或目录")
    observations = models.ManyToManyField(Observation, verbose_name="一线考察识别记录", blank=True,
                                          related_name="inspections")
    # 4 讨论决定
    decided_on = models.DateField("讨论决定日期", null=True, blank=True)
    members_expected = models.PositiveSmallIntegerField("应到会成员数", null=True, blank=True)
    members_present = models.PositiveSmallIntegerField("实到会成员数", null=True, blank=True)
    votes_yes = models.PositiveSmallIntegerField("同意票数", null=True, blank=True)
    votes_no = models.PositiveSmallIntegerField("不同意票数", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("缓议票数", null=True, blank=True)
    # 5 任前公示
    public_notice_start = models.DateField("任前公示开始日期", null=True, blank=True)
    public_notice_workdays = models.PositiveSmallIntegerField("公示工作日数", null=True, blank=True)
    public_notice_end = models.DateField("任前公示结束日期", null=True, blank=True)
    public_notice_result = models.CharField("公示结果", max_length=300, blank=True)
    # 6 任职
    appointed_on = models.DateField("任职日期", null=True, blank=True)
    document_no = models.CharField("任职文号", max_length=60, blank=True)
    post = models.ForeignKey("cadres.CadrePost", verbose_name="任职记录", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", editable=False)
    probation_until = models.DateField("试用期满日期", null=True, blank=True)
    # 7 试用期满
    probation_concluded_on = models.DateField("试用期满考核日期", null=True, blank=True)
    probation_result = models.CharField("试用期满考核结果", max_length=16, choices=ProbationResult.choices,
                                        blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "选拔任用纪实"
        constraints = [
            models.UniqueConstraint(fields=["cadre"], condition=Q(status="active"),
                                    name="selection_one_active_per_cadre"),
        ]
        indexes = [
            models.Index(fields=["org_path", "status", "stage"], name="selection_path_status"),
            models.Index(fields=["org_path", "decided_on"], name="selection_path_decided"),
        ]

    def __str__(self):
        return f"{self.cadre.name}（拟任{self.title}）"

    def save(self, *args, **kwargs):
        self.derive_ranks()
        super().save(*args, **kwargs)

    def derive_ranks(self) -> None:
        target = ranks.rank(self.rank) if self.rank else None
        self.target_level = target.level if target else 0
        self.target_chief = bool(target and target.chief)
        before = ranks.rank(self.from_rank) if self.from_rank else None
        self.from_level = before.level if before else None
        self.from_chief = bool(before and before.chief)
        self.is_promotion = ranking.seniority(self.rank) > ranking.seniority(self.from_rank)

    def current_stage(self) -> int:
        if self.status in (self.Status.COMPLETED, self.Status.RETURNED, self.Status.TERMINATED):
            return 8
        for definition in reversed([s for s in WORKFLOW.steps if s.stage]):
            if getattr(self, definition.field):
                return definition.stage
        return 1

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.PROBATION)

    @property
    def rank_name(self) -> str:
        return ranking.name_of(self.rank)

    @property
    def from_rank_name(self) -> str:
        return ranking.name_of(self.from_rank)


class CaseStep(StepBase):
    """One dated step of a case's timeline: what, when, who did it, a note; documents hang off it."""

    case = models.ForeignKey(SelectionCase, verbose_name="选拔任用纪实", on_delete=models.CASCADE,
                             related_name="steps")
    kind = models.CharField("步骤", max_length=24, choices=WORKFLOW.kind_choices())

    class Meta(StepBase.Meta):
        verbose_name = verbose_name_plural = "选拔任用步骤"
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="selection_step_once")]


class CaseDocument(StepDocumentBase):
    """An uploaded document of a step (动议材料、推荐票统计、考察材料、会议纪要、公示、任职通知 …)."""

    step = models.ForeignKey(CaseStep, verbose_name="步骤", on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to="appointments/%Y/%m/")

    class Meta(StepDocumentBase.Meta):
        verbose_name = verbose_name_plural = "选拔任用材料"

"""Dispatch (选派) and rotation (交流) of cadres.

- `Program`: a kind of dispatch as configured data (墩苗, 挂职, 第一书记, 驻村工作队): default term, minimum term,
  reporting frequency, target groups, reminder lead time, the village-presence parameters (Shanxi's ≥ 2/3 of
  annual workdays, or a county's ≥ 20 days a month), the work team's minimum size, and the document it rests
  on with that document's verification status. Nothing of this is hard-coded in the rules: they read it.
- `Dispatch`: one person sent by a program from a sending organization to a host (a village organization or
  a unit), with term, mentor, periodic reports (`DispatchReport`), evaluations (`Evaluation`), early recall.
- `WorkTeam`: a 驻村工作队; its members are dispatches of the team.
- `Rotation`: one exchange (交流) of a cadre between agencies and levels (省直、市直、县直、乡镇、村).

Scope: a dispatch (and a team, a rotation) concerns two sides, the sending side and the host side, and both
must see it. The rows declare `scope = EitherSide("organization", "host_org", "host_unit")` (zugong.core.scope):
`org_path` is the sending (managing) side's path, kept current by the organization moves like every scoped
row, and `visible_to` ORs it with the live paths of the host side joined through the foreign keys (so a host
organization that moves carries its dispatches with it, and nothing has to be rewritten). Findings and audit entries are placed on `org_path`;
the record page shows them to whoever sees the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import EitherSide, Inherited, ScopedManager, ScopedModel, ScopedQuerySet


class WorkTeamQuerySet(ScopedQuerySet):
    def with_member_counts(self, as_of=None):
        """`members_now`: the team's members in post (on `as_of`, when given). The count is the team's, which
        the user sees: members sent from a side the user does not see are counted, never shown."""
        members = Dispatch.objects.unrestricted().filter(team=models.OuterRef("pk"), status=Dispatch.Status.ACTIVE)
        if as_of is not None:
            members = members.filter(start_on__lte=as_of)
        members = members.order_by().values("team").annotate(n=models.Count("pk")).values("n")
        return self.annotate(members_now=Coalesce(models.Subquery(members, output_field=models.IntegerField()),
                                                  models.Value(0)))


class TargetGroup(models.TextChoices):
    """Whom a dispatch is aimed at (选派对象类别)."""

    YOUNG = "young", "年轻干部"
    FEMALE = "female", "女干部"
    NON_PARTY = "non_party", "党外干部"
    POLITICAL_LEGAL = "political_legal", "政法干部"
    RESERVE = "reserve", "优秀年轻干部和后备干部"
    RETIRED_LEADER = "retired_leader", "到龄退出领导岗位干部"
    ORGAN_STAFF = "organ_staff", "机关、国有企业和事业单位干部"
    OTHER = "other", "其他"


class SourceStatus(models.TextChoices):
    """How sure the team is of a document's content (practice.md's V/S/U, worded for users without the
    research tags: docs/rules-coverage.md)."""

    VERIFIED = "V", "已确认"
    SECONDARY = "S", "待核对正式文本"
    UNVERIFIED = "U", "待核"


class Level(models.TextChoices):
    """Levels of agencies between which cadres rotate (省直与市县乡)."""

    PROVINCE = "province", "省直"
    CITY = "city", "市直"
    COUNTY = "county", "县直"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"
    ENTERPRISE = "enterprise", "国有企业、事业单位"


class Program(ConfigModel):
    """A dispatch program as data: its numbers and its document. A program with an organization applies to
    that organization's subtree (a province's or county's own practice); without one, everywhere (its
    `org_path` is empty)."""

    class Kind(models.TextChoices):
        DUNMIAO = "dunmiao", "墩苗"
        SECONDMENT = "secondment", "挂职"
        FIRST_SECRETARY = "first_secretary", "第一书记"
        WORK_TEAM = "work_team", "驻村工作队"

    code = models.CharField("项目代码", max_length=64, unique=True)
    name = models.CharField("项目名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, db_index=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text="留空表示全国通用的默认设定")
    default_term_months = models.PositiveSmallIntegerField("默认任期（月）", default=24)
    min_term_months = models.PositiveSmallIntegerField("最短任期（月）", null=True, blank=True,
                                                       help_text="任期短于此数的选派提示违规；留空不检查")
    report_every_months = models.PositiveSmallIntegerField("报告周期（月）", default=1,
                                                           help_text="1 为每月报告，3 为每季度，6 为每半年")
    report_grace_days = models.PositiveSmallIntegerField("报告宽限（天）", default=10,
                                                         help_text="报告期结束后多少天内应报送")
    reminder_days = models.PositiveSmallIntegerField("期满提前提醒（天）", default=60)
    target_groups = models.JSONField("选派对象类别", default=list, blank=True,
                                     help_text="允许的对象类别代码；留空不限")
    village_share_num = models.PositiveSmallIntegerField("在村天数占工作日比例（分子）", null=True, blank=True)
    village_share_den = models.PositiveSmallIntegerField("在村天数占工作日比例（分母）", null=True, blank=True,
                                                         help_text="例如山西第一书记：全年在村不少于 2/3 个工作日")
    village_days_per_month = models.PositiveSmallIntegerField("每月在村不少于（天）", null=True, blank=True,
                                                              help_text="部分县的做法：每月不少于 20 天")
    min_team_size = models.PositiveSmallIntegerField("工作队最少人数", null=True, blank=True)
    document = models.CharField("依据文件", max_length=300, blank=True)
    document_status = models.CharField("依据核实状态", max_length=1, choices=SourceStatus.choices,
                                       default=SourceStatus.UNVERIFIED)
    notes = models.TextField("说明", blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "选派项目"
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name

    def audit_display(self, field, value):
        if field == "target_groups" and isinstance(value, list):
            labels = dict(TargetGroup.choices)
            return "、".join(str(labels.get(g, g)) for g in value)
        return None

    @property
    def village_share_text(self) -> str:
        if self.village_share_num and self.village_share_den:
            return f"{self.village_share_num}/{self.village_share_den}"
        return ""

    @property
    def is_village(self) -> bool:
        return self.kind in (self.Kind.FIRST_SECRETARY, self.Kind.WORK_TEAM)

    def target_group_labels(self) -> str:
        labels = dict(TargetGroup.choices)
        return "、".join(labels.get(g, g) for g in self.target_groups) or "不限"


class HostFields(models.Model):
    """The host side: a village (or other) organization, a unit, or only a name."""

    host_org = models.ForeignKey("orgs.Organization", verbose_name="驻在党组织（村）", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    host_unit = models.ForeignKey("orgs.Unit", verbose_name="接收单位", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    host_name = models.CharField("驻在村或接收单位", max_length=100)

    class Meta:
        abstract = True

    @property
    def host_label(self) -> str:
        return self.host_name or str(self.host_org or self.host_unit or "")


class WorkTeam(ScopedModel, HostFields, AuditedModel):
    """A village work team (驻村工作队): its members are the dispatches that name it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在岗"
        ENDED = "ended", "已期满撤回"

    scope = EitherSide("organization", "host_org", "host_unit")
    audit_exclude = ("org_path", "created_at", "updated_at")

    program = models.ForeignKey(Program, verbose_name="选派项目", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField("工作队名称", max_length=100)
    organization = models.ForeignKey("orgs.Organization", verbose_name="派驻单位党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("派出方组织路径", max_length=255, db_index=True)
    sending_unit_name = models.CharField("派驻单位", max_length=100, blank=True)
    start_on = models.DateField("派驻日期")
    end_on = models.DateField("期满日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager.from_queryset(WorkTeamQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = "驻村工作队"
        ordering = ["-start_on", "pk"]

    def __str__(self):
        return self.name


class Dispatch(ScopedModel, HostFields, AuditedModel):
    """One person sent by a program: who, from where, to where, for how long, under whose guidance."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在岗"
        COMPLETED = "completed", "期满"
        RECALLED = "recalled", "提前召回"

    class TeamRole(models.TextChoices):
        LEADER = "leader", "队长"
        MEMBER = "member", "队员"

    scope = EitherSide("organization", "host_org", "host_unit")
    audit_exclude = ("org_path", "created_at", "updated_at")

    program = models.ForeignKey(Program, verbose_name="选派项目", on_delete=models.PROTECT,
                                related_name="dispatches")
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="dispatches")
    target_group = models.CharField("对象类别", max_length=20, choices=TargetGroup.choices,
                                    default=TargetGroup.OTHER, db_index=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name="派出单位党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("派出方组织路径", max_length=255, db_index=True)
    sending_unit = models.ForeignKey("orgs.Unit", verbose_name="派出单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    sending_unit_name = models.CharField("派出单位名称", max_length=100, blank=True)
    original_title = models.CharField("原单位职务", max_length=100, blank=True)
    host_title = models.CharField("挂任（驻村）职务", max_length=100, blank=True)
    team = models.ForeignKey(WorkTeam, verbose_name="驻村工作队", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="members")
    team_role = models.CharField("队内职务", max_length=8, choices=TeamRole.choices, blank=True)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("期满日期")
    mentor = models.ForeignKey("people.Person", verbose_name="导师（帮带人）", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    mentor_name = models.CharField("导师姓名及职务", max_length=100, blank=True)
    document_no = models.CharField("选派文件文号", max_length=60, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    ended_on = models.DateField("实际结束日期", null=True, blank=True)
    recall_reason = models.CharField("召回原因", max_length=300, blank=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "干部选派"
        ordering = ["-start_on", "pk"]
        indexes = [
            models.Index(fields=["org_path", "status", "end_on"], name="dispatch_path_status"),
            models.Index(fields=["status", "end_on"], name="dispatch_status_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gt=models.F("start_on")), name="dispatch_end_after_start"),
        ]

    def __str__(self):
        return f"{self.person.name}（{self.program.name}）"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def mentor_label(self) -> str:
        return "，".join(x for x in (self.mentor.name if self.mentor_id else "", self.mentor_name) if x)


class DispatchReport(ScopedModel, AuditedModel):
    """A periodic report of a dispatched person: the period, days in the village, working days, work log."""

    scope = Inherited("dispatch")
    audit_exclude = ("org_path", "created_at")

    dispatch = models.ForeignKey(Dispatch, verbose_name="选派记录", on_delete=models.CASCADE, related_name="reports")
    org_path = models.CharField("派出方组织路径", max_length=255, db_index=True)
    period_start = models.DateField("报告期开始（月初）")
    period_end = models.DateField("报告期结束")
    days_in_village = models.PositiveSmallIntegerField("在村（在岗）天数", null=True, blank=True)
    workdays = models.PositiveSmallIntegerField("报告期工作日数", null=True, blank=True)
    work_log = models.TextField("工作纪实")
    submitted_on = models.DateField("报送日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "选派工作报告"
        ordering = ["-period_start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "period_start"], name="dispatch_report_once_per_period"),
        ]

    def __str__(self):
        return f"{self.dispatch.person.name} {self.period_start:%Y-%m} 工作报告"


class Evaluation(ScopedModel, AuditedModel):
    """An evaluation of a dispatched person: annual, half-year or at the end of the term (grade + comments)."""

    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", "半年考核"
        ANNUAL = "annual", "年度考核"
        END_OF_TERM = "end_of_term", "期满考核"

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        COMPETENT = "competent", "称职"
        BASIC = "basic", "基本称职"
        INCOMPETENT = "incompetent", "不称职"

    scope = Inherited("dispatch")
    audit_exclude = ("org_path", "created_at")

    dispatch = models.ForeignKey(Dispatch, verbose_name="选派记录", on_delete=models.CASCADE,
                                 related_name="evaluations")
    org_path = models.CharField("派出方组织路径", max_length=255, db_index=True)
    kind = models.CharField("考核类别", max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("考核年度", null=True, blank=True)
    grade = models.CharField("考核等次", max_length=12, choices=Grade.choices)
    comments = models.TextField("考核评语")
    evaluated_on = models.DateField("考核日期")
    evaluator = models.CharField("考核单位", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "选派考核"
        ordering = ["-evaluated_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch"], condition=Q(kind="end_of_term"),
                                    name="evaluation_one_end_of_term"),
        ]

    def __str__(self):
        return f"{self.dispatch.person.name} {self.get_kind_display()}：{self.get_grade_display()}"


class Rotation(ScopedModel, AuditedModel):
    """One exchange (交流) of a cadre between agencies and levels: from where to where, when, why, on which
    document, and for a time-limited exchange the planned and the actual return."""

    class Kind(models.TextChoices):
        UP_DOWN = "up_down", "上下交流"
        CROSS_REGION = "cross_region", "跨地区交流"
        CROSS_DEPARTMENT = "cross_department", "跨部门交流"
        PARTY_GOVERNMENT = "party_government", "党政机关与国企事业单位交流"
        POST_ROTATION = "post_rotation", "岗位轮岗"

    class Reason(models.TextChoices):
        TENURE = "tenure", "任职满十年"
        AVOIDANCE = "avoidance", "任职回避"
        TRAINING = "training", "培养锻炼"
        NEED = "need", "工作需要"
        OTHER = "other", "其他"

    scope = EitherSide("organization", "from_org", "to_org")
    audit_exclude = ("org_path", "created_at", "updated_at")

    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="rotations")
    organization = models.ForeignKey("orgs.Organization", verbose_name="管理党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("管理方组织路径", max_length=255, db_index=True)
    kind = models.CharField("交流类型", max_length=20, choices=Kind.choices)
    reason = models.CharField("交流原因", max_length=12, choices=Reason.choices, default=Reason.NEED)
    from_level = models.CharField("原单位层级", max_length=12, choices=Level.choices)
    from_org = models.ForeignKey("orgs.Organization", verbose_name="原单位党组织", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    from_unit_name = models.CharField("原单位名称", max_length=100)
    from_title = models.CharField("原职务", max_length=100, blank=True)
    to_level = models.CharField("交流后层级", max_length=12, choices=Level.choices)
    to_org = models.ForeignKey("orgs.Organization", verbose_name="交流单位党组织", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    to_unit_name = models.CharField("交流单位名称", max_length=100)
    to_title = models.CharField("交流后职务", max_length=100, blank=True)
    on = models.DateField("交流日期")
    document_no = models.CharField("任免或交流文件文号", max_length=60, blank=True)
    planned_end_on = models.DateField("约定交流期满", null=True, blank=True,
                                      help_text="有期限的交流（如上挂、下派）填写；长期交流留空")
    returned_on = models.DateField("期满返回或结束日期", null=True, blank=True)
    return_note = models.CharField("返回或结束情况", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "干部交流"
        ordering = ["-on", "pk"]

    def __str__(self):
        return f"{self.person.name}（{self.from_unit_name} → {self.to_unit_name}）"

    @property
    def between_levels(self) -> bool:
        return self.from_level != self.to_level

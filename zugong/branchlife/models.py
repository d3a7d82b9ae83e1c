"""Records of organizational life and the precomputed compliance table.

Attendance is stored as exceptions. A meeting keeps its expected and present counts; the roster of a
meeting is the members its kind concerns (the branch's members, the committee members for a committee
meeting, the group's members for a party group meeting) on the day it was held, and each member of the
roster who did not attend has an `Absence` row with the reason given (blank: no reason recorded). Every
other member of the roster was present. At province scale this keeps the roughly 65 million attendance
facts of a year in a few million rows (absences are around a tenth), while each member's attendance stays
exact: "present" is the roster minus the absences, and the counts are checked against the rows when a
meeting is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel


class Meeting(ScopedModel, AuditedModel):
    """One meeting (or lecture, themed day, talk) held by a party organization."""

    class Kind(models.TextChoices):
        GENERAL = "general", "支部党员大会"
        COMMITTEE = "committee", "支部委员会会议"
        GROUP = "group", "党小组会"
        LECTURE = "lecture", "党课"
        THEMED_DAY = "themed_day", "主题党日"
        LIFE_MEETING = "life_meeting", "组织生活会"
        APPRAISAL = "appraisal", "民主评议党员"
        TALK = "talk", "谈心谈话"

    # Kinds whose roster is every member of the branch (group meetings: the group's members; committee
    # meetings: the committee members; talks: the people named).
    BRANCH_WIDE = (Kind.GENERAL, Kind.LECTURE, Kind.THEMED_DAY, Kind.LIFE_MEETING, Kind.APPRAISAL)
    # Kinds that count as taking part in organizational life (党员教育管理工作条例 第三十一条).
    LIFE_KINDS = (*BRANCH_WIDE, Kind.GROUP)

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="meetings",
        help_text="召开会议的党支部；党小组会为该党小组",
    )
    org_path = models.CharField("所属组织路径", max_length=255)
    kind = models.CharField("会议类型", max_length=16, choices=Kind.choices)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True, help_text="党课为讲课人")
    host_person = models.ForeignKey(
        "people.Person", verbose_name="主持人（讲课人）", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    recorder = models.CharField("记录人", max_length=50, blank=True)
    topic = models.CharField("主题", max_length=200)
    expected = models.PositiveSmallIntegerField("应到人数")
    present = models.PositiveSmallIntegerField("实到人数")
    guests = models.CharField("列席人员", max_length=200, blank=True)
    absences_recorded = models.BooleanField(
        "逐人登记出席", default=True,
        help_text="否：只有应到、实到人数（如从 Excel 导入的记录），缺席的党员未逐人登记",
    )
    minutes = models.TextField("会议记录", blank=True)
    credit_hours = models.DecimalField(
        "计入学时", max_digits=4, decimal_places=1, default=0,
        help_text="到会党员每人计入的集中学习学时（党课、主题党日集中学习等）",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织生活记录"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "kind", "held_on"], name="meeting_org_kind_day"),
            models.Index(fields=["org_path", "held_on"], name="meeting_path_day"),
            # Covering for the province-wide sums of 学时 per organization (rules and compliance: no row reads).
            models.Index(fields=["kind", "held_on", "organization", "credit_hours"], name="meeting_kind_day_org_hours"),
            # Covering for the quorum rule's scan of committee meetings (present·2 ≤ expected read from it).
            models.Index(fields=["kind", "expected", "present"], name="meeting_kind_quorum"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(present__lte=models.F("expected")), name="meeting_present_le_expected"),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    @property
    def absent(self) -> int:
        return self.expected - self.present


def attachment_path(instance, filename):
    return f"branchlife/{instance.meeting_id}/{filename}"


class MeetingAttachment(ScopedModel, AuditedModel):
    """A file attached to a meeting record (sign-in sheet, photos, slides)."""

    scope = Inherited("meeting")
    audit_exclude = ("org_path", "uploaded_at")

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attachments")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    file = models.FileField("附件", upload_to=attachment_path)
    name = models.CharField("名称", max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议附件"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Absence(ScopedModel, AuditedModel):
    """A member of a meeting's roster who did not attend, with the reason given (blank: none recorded)."""

    scope = Inherited("meeting")
    audit_exclude = ("org_path",)

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="absences")
    membership = models.ForeignKey(
        "members.Membership", verbose_name="党员", on_delete=models.PROTECT, related_name="absences"
    )
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    # Copies of the meeting's date, kind and 学时, so the rules judge a member's attendance from this table alone.
    held_on = models.DateField("日期")
    kind = models.CharField("会议类型", max_length=16, choices=Meeting.Kind.choices)
    reason = models.CharField("缺席理由", max_length=100, blank=True, help_text="留空表示未说明理由")
    # A copy of the meeting's 学时: what the member did not earn by missing it.
    credit_hours = models.DecimalField("未计入学时", max_digits=4, decimal_places=1, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "缺席记录"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="absence_once_per_meeting"),
        ]
        indexes = [
            # Covering for the rules' per-member sums over a window (学时 missed, absences without a reason): one
            # ordered pass over the index, no row reads and no sort for the GROUP BY.
            models.Index(fields=["membership", "held_on", "kind", "reason", "credit_hours"], name="absence_member_cover"),
        ]

    def __str__(self):
        return f"{self.membership.person.name} 缺席 {self.meeting}"

    @property
    def excused(self) -> bool:
        return bool(self.reason.strip())


# Meeting-kind labels for other apps (standardization's measures, the dashboards): Meeting.Kind's, once.
MEETING_KINDS: dict[str, str] = dict(Meeting.Kind.choices)
# The labels of ComplianceStat.kind: the meeting kinds and the two yearly requirements that are not meetings.
COMPLIANCE_KINDS: dict[str, str] = {**MEETING_KINDS, "secretary_lecture": "书记讲党课", "committee_lecture": "党委书记讲党课",
                                     "study": "学习"}


class Grade(models.TextChoices):
    """民主评议党员的评定等次."""

    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class Appraisal(ScopedModel, AuditedModel):
    """One year's democratic appraisal of a branch's members (民主评议党员): self-appraisal, mutual
    appraisal, the appraisal vote, the grades the branch decides and the follow-up for 不合格."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="appraisals"
    )
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("评议年度")
    meeting = models.OneToOneField(
        Meeting, verbose_name="评议会议", null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisal"
    )
    self_on = models.DateField("个人自评日期", null=True, blank=True)
    mutual_on = models.DateField("党员互评日期", null=True, blank=True)
    vote_on = models.DateField("民主测评日期", null=True, blank=True)
    decided_on = models.DateField("组织评定日期", null=True, blank=True)
    voters_expected = models.PositiveSmallIntegerField("应参加测评人数", null=True, blank=True)
    voters_present = models.PositiveSmallIntegerField("实参加测评人数", null=True, blank=True)
    note = models.TextField("情况说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "民主评议党员"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="appraisal_once_a_year")]

    def __str__(self):
        return f"{self.organization.name} {self.year}年度民主评议党员"


class AppraisalResult(ScopedModel, AuditedModel):
    """One member's appraisal: the self-grade, the mutual appraisal, the votes per grade, the grade and, for
    不合格, the follow-up action."""

    class Followup(models.TextChoices):
        CORRECT = "correct", "限期改正"
        PERSUADE = "persuade", "劝其退党"
        STRIKE_OFF = "strike_off", "除名"
        EDUCATE = "educate", "批评教育、帮助改正"

    scope = Inherited("appraisal")
    audit_exclude = ("org_path",)

    appraisal = models.ForeignKey(Appraisal, verbose_name="民主评议", on_delete=models.CASCADE, related_name="results")
    membership = models.ForeignKey(
        "members.Membership", verbose_name="党员", on_delete=models.PROTECT, related_name="appraisal_results"
    )
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    self_grade = models.CharField("自评等次", max_length=16, choices=Grade.choices, blank=True)
    mutual_note = models.CharField("互评意见", max_length=300, blank=True)
    votes_excellent = models.PositiveSmallIntegerField("测评“优秀”票", default=0)
    votes_qualified = models.PositiveSmallIntegerField("测评“合格”票", default=0)
    votes_basic = models.PositiveSmallIntegerField("测评“基本合格”票", default=0)
    votes_unqualified = models.PositiveSmallIntegerField("测评“不合格”票", default=0)
    grade = models.CharField("评定等次", max_length=16, choices=Grade.choices, blank=True)
    followup = models.CharField("处置方式", max_length=16, choices=Followup.choices, blank=True)
    followup_until = models.DateField("限期改正截止日期", null=True, blank=True)
    followup_note = models.CharField("处置情况", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "民主评议结果"
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "membership"], name="appraisal_result_once"),
        ]

    def __str__(self):
        return f"{self.membership.person.name} {self.appraisal.year}年度评议：{self.get_grade_display() or '未评定'}"

    @property
    def votes(self) -> int:
        return self.votes_excellent + self.votes_qualified + self.votes_basic + self.votes_unqualified


class ComplianceStat(ScopedModel):
    """Precomputed: one row per organization × kind × period the organization is required to hold.

    Written set-based by `zugong.branchlife.compliance.refresh()` (never edited by hand, so not audited).
    Dashboards and the weak-organization indicators read this table for meeting compliance."""

    class Period(models.TextChoices):
        MONTH = "month", "月"
        QUARTER = "quarter", "季度"
        YEAR = "year", "年"

    scope = OwnSubtree("organization")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.CASCADE, related_name="+"
    )
    org_path = models.CharField("所属组织路径", max_length=255)
    kind = models.CharField("类型", max_length=24)  # Meeting.Kind values, "secretary_lecture", "study"
    period = models.CharField("周期", max_length=8, choices=Period.choices)
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束（不含）")
    required = models.BooleanField("应召开", default=True)
    needed = models.PositiveIntegerField("应达到", default=1)
    held = models.PositiveIntegerField("已召开（已达到）", default=0)
    compliant = models.BooleanField("符合要求")
    current = models.BooleanField("本期未结束")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "组织生活落实情况"
        indexes = [models.Index(fields=["org_path", "period_start"], name="cstat_path_start")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "period_start"], name="cstat_one_per_period"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.kind} {self.period_start}"

    def save(self, *args, **kwargs):
        if self.period_end is None and self.period_start:  # rows written by hand (tests) may leave it out
            from .periods import end_of

            self.period_end = end_of(self.period_start, self.period)
        super().save(*args, **kwargs)

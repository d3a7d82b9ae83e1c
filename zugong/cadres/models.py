"""Cadre records (干部): one Cadre per Person with the data of the 任免审批表, plus dated sub-records.

The roster filters (rank, age, sex, party, ethnicity, education, unit, post) must answer in well under a
second over a province's ~300 thousand cadres, so the Cadre row carries copies of the Person columns they
need (name, stroke_key, sex, birth_date, ethnicity, education) and of its rank level; `sync_from_person`
keeps them current (Person saves call it through a signal) and the seed writes them directly.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.refdata import EDUCATION, ETHNICITIES, POLITICAL_STATUS, SEXES
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

from . import ranks

PERSON_COPIED = ("name", "stroke_key", "sex", "birth_date", "ethnicity", "education")
ROSTER_FILTER_COLUMNS = ("status", "rank_level", "rank", "sex", "birth_date", "education", "party_status",
                         "ethnicity")


def month_text(day: dt.date | None) -> str:
    """`2019.03` as written in résumés and on the 任免审批表."""
    return f"{day.year}.{day.month:02d}" if day else ""


class Cadre(ScopedModel, AuditedModel):
    """The cadre record of a Person (干部信息)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在职"
        RETIRED = "retired", "退休"
        LEFT = "left", "调出"
        DISMISSED = "dismissed", "辞退/开除"
        DECEASED = "deceased", "去世"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "rank_level", "rank_order", *PERSON_COPIED, "created_at", "updated_at")

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="cadre"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="管理单位（党组织）", on_delete=models.PROTECT, related_name="cadres",
        help_text="干部管理权限所在的党委（组织部）",
    )
    org_path = models.CharField("所属组织路径", max_length=255)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="工作单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="cadres"
    )
    unit_name = models.CharField("工作单位名称", max_length=100, blank=True,
                                 help_text="工作单位不在系统中时填写")
    current_title = models.CharField("现任职务", max_length=200, blank=True,
                                     help_text="由现任职务记录生成，如“中共××县委书记”")
    rank = models.CharField("职级/级别", max_length=20, choices=ranks.RANK_CHOICES, blank=True)
    rank_since = models.DateField("任现职级时间", null=True, blank=True)
    rank_level = models.PositiveSmallIntegerField("层级", null=True, blank=True, editable=False,
                                                  choices=ranks.LEVEL_CHOICES)
    rank_order = models.PositiveSmallIntegerField("职级序", default=99, editable=False)
    post_started_on = models.DateField("任现职务时间", null=True, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    party_status = models.CharField("政治面貌", max_length=2, choices=POLITICAL_STATUS, default="01")
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    party_joined_text = models.CharField("入党时间（文字）", max_length=60, blank=True,
                                         help_text="民主党派人士填党派及加入时间，如“2005.06 民盟”")
    health = models.CharField("健康状况", max_length=20, blank=True, default="健康")
    professional_title = models.CharField("专业技术职务", max_length=60, blank=True)
    specialty = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    rewards_text = models.TextField("奖惩情况", blank=True)
    assessment_text = models.TextField("年度考核结果", blank=True)
    post_order = models.PositiveIntegerField("职务排序号", default=9999,
                                             help_text="按职务排序时使用，数字小的在前")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    note = models.TextField("备注", blank=True)
    # Copies of the Person's columns (for roster filters and ordering; never edited here).
    name = models.CharField("姓名", max_length=50, editable=False)
    stroke_key = models.CharField(max_length=160, editable=False, default="")
    sex = models.CharField("性别", max_length=1, choices=SEXES, editable=False, default="1")
    birth_date = models.DateField("出生日期", null=True, editable=False)
    ethnicity = models.CharField("民族", max_length=2, choices=ETHNICITIES, editable=False, default="01")
    education = models.CharField("学历", max_length=2, choices=EDUCATION, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        # The roster's two orders, each followed by every column the roster filters on: a count or a page
        # with any filters reads only the index (no row lookups), in both orders, on both databases.
        indexes = [
            models.Index(fields=["org_path", "stroke_key", *ROSTER_FILTER_COLUMNS], name="cadre_roster_stroke"),
            models.Index(fields=["org_path", "post_order", "rank_order", "stroke_key", *ROSTER_FILTER_COLUMNS],
                         name="cadre_roster_post"),
            models.Index(fields=["unit", "post_order"], name="cadre_unit_post"),
        ]

    def __str__(self):
        return self.name or (self.person.name if self.person_id else "")

    def sync_from_person(self, person=None) -> None:
        person = person or self.person
        for f in PERSON_COPIED:
            setattr(self, f, getattr(person, f))

    def refresh_derived(self) -> None:
        self.scope.fill(self)
        r = ranks.rank(self.rank)
        self.rank_level = r.level if r else None
        self.rank_order = ranks.ORDER.get(self.rank, 99)
        if self.person_id:
            self.sync_from_person()

    def clean(self):
        errors = {}
        if self.party_status in ("01", "02") and self.party_joined_text and not self.party_joined_on:
            errors["party_joined_on"] = "中共党员请填写入党时间（日期）"
        if self.rank_since and self.rank_since > dt.date.today():
            errors["rank_since"] = "任现职级时间不能晚于今天"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def rank_name(self) -> str:
        return ranks.name_of(self.rank)

    @property
    def level_name(self) -> str:
        return ranks.LEVELS.get(self.rank_level, "") if self.rank_level else ""

    def age_on(self, day: dt.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        day = day or dt.date.today()
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int | None:
        return self.age_on()

    @property
    def party_joined_display(self) -> str:
        if self.party_joined_on:
            return month_text(self.party_joined_on)
        return self.party_joined_text

    @property
    def work_unit_display(self) -> str:
        return self.unit.name if self.unit_id else self.unit_name


class CadreChild(ScopedModel, AuditedModel):
    """A sub-record of a cadre: scoped by the cadre's path (copied), follows organization moves."""

    scope = Inherited("cadre")
    audit_exclude = ("org_path", "created_at", "updated_at")

    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CadrePost(CadreChild):
    """A post held (现任职务 while end_on is empty; earlier posts once ended)."""

    class Method(models.TextChoices):
        ELECTED = "elected", "选任制"
        APPOINTED = "appointed", "委任制"
        CONTRACT = "contract", "聘任制"
        EXAM = "exam", "考任制"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey("orgs.Unit", verbose_name="任职单位", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="cadre_posts")
    unit_name = models.CharField("任职单位名称", max_length=100, blank=True)
    title = models.CharField("职务名称", max_length=100)
    rank = models.CharField("职务层次/职级", max_length=20, choices=ranks.RANK_CHOICES, blank=True)
    start_on = models.DateField("任职时间")
    end_on = models.DateField("免职时间", null=True, blank=True)
    appointment_method = models.CharField("任职方式", max_length=16, choices=Method.choices,
                                          default=Method.APPOINTED)
    document_no = models.CharField("任职文号", max_length=60, blank=True)
    end_document_no = models.CharField("免职文号", max_length=60, blank=True)
    is_main = models.BooleanField("主要职务", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "任职记录"
        ordering = ["order", "-start_on", "pk"]
        indexes = [models.Index(fields=["cadre", "end_on"], name="cadrepost_cadre_end"),
                   models.Index(fields=["unit", "end_on"], name="cadrepost_unit_end")]

    def __str__(self):
        return self.full_title

    @property
    def is_current(self) -> bool:
        return self.end_on is None

    @property
    def unit_display(self) -> str:
        return self.unit.name if self.unit_id else self.unit_name

    @property
    def full_title(self) -> str:
        """单位 + 职务, e.g. 中共平遥县委 + 书记 → 中共平遥县委书记 (no repetition if the title has the unit)."""
        unit = self.unit_display
        if not unit or self.title.startswith(unit):
            return self.title
        return f"{unit}{self.title}"

    @property
    def rank_name(self) -> str:
        return ranks.name_of(self.rank)

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "免职时间不能早于任职时间"})


class RankRecord(CadreChild):
    """职级/级别 history."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rank_records")
    rank = models.CharField("职级/级别", max_length=20, choices=ranks.RANK_CHOICES)
    start_on = models.DateField("起始时间")
    end_on = models.DateField("终止时间", null=True, blank=True)
    document_no = models.CharField("批准文号", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "职级记录"
        ordering = ["-start_on", "pk"]

    def __str__(self):
        return f"{ranks.name_of(self.rank)}（{self.start_on:%Y-%m-%d}）"

    @property
    def rank_name(self) -> str:
        return ranks.name_of(self.rank)

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "终止时间不能早于起始时间"})


class ResumeEntry(CadreChild):
    """One résumé segment: `YYYY.MM--YYYY.MM  单位及职务` (end empty = to date)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="resume")
    start_on = models.DateField("起始年月")
    end_on = models.DateField("终止年月", null=True, blank=True)
    text = models.CharField("单位及职务", max_length=300)
    during = models.CharField("其间", max_length=300, blank=True, help_text="如“其间：2015.09--2018.07 在中央党校在职研究生班学习”")
    grassroots = models.BooleanField("基层工作经历", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "简历"
        ordering = ["start_on", "order", "pk"]
        indexes = [models.Index(fields=["cadre", "start_on"], name="resume_cadre_start")]

    def __str__(self):
        return self.line

    @property
    def period(self) -> str:
        """`2016.03--2021.09`, or `2021.09--       ` (padded) for the current segment."""
        end = month_text(self.end_on) if self.end_on else " " * 7
        return f"{month_text(self.start_on)}--{end}"

    @property
    def line(self) -> str:
        text = self.text
        if self.during:
            during = self.during if self.during.startswith("其间") else f"其间：{self.during}"
            text += f"（{during}）"
        return f"{self.period}  {text}"

    def clean(self):
        if self.start_on:
            self.start_on = self.start_on.replace(day=1)
        if self.end_on:
            self.end_on = self.end_on.replace(day=1)
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "终止年月不能早于起始年月"})


class Education(CadreChild):
    """A full-time or on-the-job education with degree and institution (学历学位)."""

    class Mode(models.TextChoices):
        FULL_TIME = "full_time", "全日制教育"
        ON_THE_JOB = "on_the_job", "在职教育"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="educations")
    mode = models.CharField("教育类别", max_length=16, choices=Mode.choices, default=Mode.FULL_TIME)
    education = models.CharField("学历代码", max_length=2, choices=EDUCATION, blank=True)
    education_text = models.CharField("学历", max_length=60, blank=True, help_text="如“大学”“中央党校研究生”")
    degree_text = models.CharField("学位", max_length=60, blank=True, help_text="如“法学学士”")
    institution = models.CharField("毕业院校系及专业（学历）", max_length=200, blank=True)
    degree_institution = models.CharField("毕业院校系及专业（学位）", max_length=200, blank=True)
    start_on = models.DateField("入学时间", null=True, blank=True)
    end_on = models.DateField("毕业时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "学历学位"
        ordering = ["mode", "end_on", "pk"]

    def __str__(self):
        return f"{self.get_mode_display()} {self.education_text or self.get_education_display()}"

    @property
    def display(self) -> str:
        """学历 and 学位 together, as printed on the form."""
        return "".join(x for x in (self.education_text or self.get_education_display(), self.degree_text) if x)


class RewardPunishment(CadreChild):
    class Kind(models.TextChoices):
        REWARD = "reward", "奖励"
        PUNISHMENT = "punishment", "惩戒"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rewards")
    on = models.DateField("时间")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.REWARD)
    text = models.CharField("内容", max_length=300)
    authority = models.CharField("批准机关", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "奖惩"
        ordering = ["-on", "pk"]

    def __str__(self):
        return self.text


class AnnualAssessment(CadreChild):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        COMPETENT = "competent", "称职"
        BASIC = "basic", "基本称职"
        INCOMPETENT = "incompetent", "不称职"
        QUALIFIED = "qualified", "合格"  # 事业单位人员
        BASIC_QUALIFIED = "basic_qualified", "基本合格"
        UNQUALIFIED = "unqualified", "不合格"
        UNGRADED = "ungraded", "不定等次"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("考核等次", max_length=16, choices=Grade.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="assessment_one_per_year")]

    def __str__(self):
        return f"{self.year}年 {self.get_grade_display()}"


class FamilyMember(CadreChild):
    """家庭成员及重要社会关系."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family")
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=50)
    birth_text = models.CharField("出生年月", max_length=8, blank=True, help_text="YYYYMM，如 196503")
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    work = models.CharField("工作单位及职务", max_length=200, blank=True)
    is_deceased = models.BooleanField("已去世", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员及重要社会关系"
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.relation} {self.name}"

    @property
    def birth_display(self) -> str:
        t = self.birth_text
        return f"{t[:4]}.{t[4:6]}" if len(t) >= 6 and t[:6].isdigit() else t

    def clean(self):
        t = (self.birth_text or "").replace(".", "").replace("-", "").strip()
        if t and not (t.isdigit() and len(t) in (4, 6, 8) and (len(t) == 4 or 1 <= int(t[4:6]) <= 12)):
            raise ValidationError({"birth_text": "出生年月应写成 YYYYMM，如 196503"})
        self.birth_text = t[:6]


class TrainingRecord(CadreChild):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="trainings")
    name = models.CharField("培训名称", max_length=200)
    kind = models.CharField("培训类型", max_length=40, blank=True, help_text="如 专题培训、任职培训、在职培训、网络培训")
    organizer = models.CharField("主办单位", max_length=100, blank=True)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, null=True, blank=True)
    days = models.PositiveSmallIntegerField("天数", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训记录"
        ordering = ["-start_on", "pk"]

    def __str__(self):
        return self.name

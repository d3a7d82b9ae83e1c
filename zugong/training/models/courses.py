"""The course library (课程库): courses an organization offers to its subtree, their materials, and who studied them.

- `CourseCategory` (课程类别): configuration (党史学习, 革命精神（太行精神、吕梁精神、右玉精神）, 理论学习, 政策解读,
  业务知识, 其他 — the national defaults of `defaults/courses.py`); a department may add its own.
- `Course` (课程): issued by an organization (`Issued("organization")`: seen by the issuer's subtree and below,
  a national course — no organization — by everyone, never a sibling's); a nationwide unique code (the import
  names courses by it), title, category, length in minutes, the 学时 it credits (empty: the ledger's online rule
  turns the minutes studied into 学时), whether it ends with a test, active.
- `CourseMaterial` (课程资料): an uploaded file (pdf, docx, pptx, mp4; stored under media, served only by the
  course's download page to users who see the course) or a link inside the intranet; placed where its course is.
- `StudyLog` (学习记录): a person studied a course on a day (minutes, test passed, 自学 or 集中学习, who recorded
  it). Placed where the person is (`Inherited("person", stored=False)`, like the ledger's lines): whoever sees the
  person sees their study, it follows them to another organization, and a national course's page shows each
  user only the people they see. Each log is credited to the ledger (`training.Credit`, source
  `training.course`, `source_id` the log) by `courses_services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, Issued, ScopedModel

__all__ = ["CourseCategory", "Course", "CourseMaterial", "StudyLog", "MATERIAL_TYPES"]

# The files a course may carry: extension → (label, content type).
MATERIAL_TYPES = {
    ".pdf": ("PDF 文档", "application/pdf"),
    ".docx": ("Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pptx": ("演示文稿", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".mp4": ("视频", "video/mp4"),
}


class CourseCategory(ConfigModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name="发布单位", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     help_text="不填为全国通用的类别")
    code = models.CharField("类别代码", max_length=40, unique=True)
    name = models.CharField("类别名称", max_length=60)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "课程类别"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Course(ConfigModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name="发布单位", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     help_text="课程面向该组织及其下级；不填为全国通用的课程")
    code = models.CharField("课程代码", max_length=40, unique=True,
                            help_text="全国唯一，导入学习记录时用它指明课程，例如 TY-DS-2026-01")
    title = models.CharField("课程名称", max_length=100)
    category = models.ForeignKey(CourseCategory, verbose_name="课程类别", on_delete=models.PROTECT,
                                 related_name="courses")
    lecturer = models.CharField("主讲人", max_length=60, blank=True)
    summary = models.TextField("课程简介", blank=True)
    minutes = models.PositiveIntegerField("课程时长（分钟）")
    hours = models.DecimalField("认定学时", max_digits=4, decimal_places=1, null=True, blank=True,
                                help_text="学完全部时长计入的学时；不填则按网络学习的学时计算规则由学习时长折算")
    has_test = models.BooleanField("有课后测试", default=False,
                                   help_text="有测试的课程可登记“考试通过”，按学时计算规则加计学时")
    active = models.BooleanField("启用", default=True, help_text="停用的课程不再登记新的学习记录")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "课程"
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="course_minutes_positive"),
                       models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gt=0),
                                              name="course_hours_positive")]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    @property
    def issuer(self) -> str:
        return self.organization.name if self.organization_id else "全国通用"


def material_path(instance, filename):
    # A random name: the title is what users read; the stored name gives nothing away.
    import os
    import uuid

    return f"training/courses/{instance.course_id}/{uuid.uuid4().hex}{os.path.splitext(filename)[1].lower()}"


class CourseMaterial(ConfigModel):
    scope = Issued(parent="course")

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("资料名称", max_length=100)
    file = models.FileField("文件", upload_to=material_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField("文件大小（字节）", null=True, blank=True)
    link = models.CharField("内网链接", max_length=500, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "课程资料"
        ordering = ["order", "pk"]
        constraints = [models.CheckConstraint(condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                                              name="material_file_or_link")]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        import os

        return os.path.splitext(self.file.name)[1].lower() if self.file else ""

    @property
    def type_label(self) -> str:
        return MATERIAL_TYPES.get(self.extension, ("内网链接", ""))[0] if self.file else "内网链接"


class StudyLog(ScopedModel, AuditedModel):
    class Method(models.TextChoices):
        SELF = "self", "自学"
        GROUP = "group", "集中学习"

    scope = Inherited("person", stored=False)
    audit_exclude = ("created_at",)

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.PROTECT, related_name="study_logs")
    person = models.ForeignKey("people.Person", verbose_name="学员", on_delete=models.PROTECT,
                               related_name="course_study_logs")
    studied_on = models.DateField("学习日期")
    minutes = models.PositiveIntegerField("学习时长（分钟）")
    passed_test = models.BooleanField("考试通过", default=False)
    method = models.CharField("学习方式", max_length=8, choices=Method.choices, default=Method.SELF)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "课程学习记录"
        ordering = ["-studied_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="studylog_minutes_positive"),
            models.UniqueConstraint(fields=["course", "person", "studied_on"], name="studylog_once_a_day"),
        ]
        indexes = [models.Index(fields=["person", "studied_on"], name="studylog_person_day")]

    def __str__(self) -> str:
        return f"{self.studied_on:%Y-%m-%d} 学习《{self.course.title}》"

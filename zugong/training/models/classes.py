"""Plans, classes, sessions, enrolment and attendance (the skeleton every area reads; the classes area adds
class types as configuration, leave, withdrawal and certificates; the sign-in area adds sign-in events).

- `Plan` (年度培训计划): an organizing organization's plan for a year.
- `TrainingClass` (班次): code (unique), name, type (the code of a class type, configuration), 脱产 or not,
  dates, total 学时, capacity, target groups; status 筹备/报名/进行中/已结业.
- `Session` (课次): a date and time, topic, lecturer and 学时.
- `Enrolment` (学员): a person on a class; the confirmed list; 退学 with the day and reason; 结业.
- `Attendance`: one row per enrolment and session: present (with the first sign-in's method and time), on
  leave (with the hours and the reason) or absent; its `hours` are what the class credits to the ledger.

A class is placed at its organizing organization (`OwnSubtree`); sessions, enrolments and attendance where the
class is (`Inherited`, stored: bulk writes pass `org_path`). Trainees of other organizations see their credited
hours through the ledger (`training.Credit`), which is placed where the person is.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from zugong.core.audit import AuditedModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

__all__ = ["Plan", "TrainingClass", "Session", "Enrolment", "Attendance"]


class Plan(ScopedModel, AuditedModel):
    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="主办单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=100)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度培训计划"
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"


class TrainingClass(ScopedModel, AuditedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "筹备"
        ENROLLING = "enrolling", "报名"
        RUNNING = "running", "进行中"
        CLOSED = "closed", "已结业"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at")

    organization = models.ForeignKey("orgs.Organization", verbose_name="主办单位", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    plan = models.ForeignKey(Plan, verbose_name="所属计划", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="classes")
    code = models.CharField("班次代码", max_length=40, unique=True)
    name = models.CharField("班次名称", max_length=100)
    kind = models.CharField("培训类型", max_length=20, help_text="培训类型的代码（可配置）")
    off_job = models.BooleanField("是否脱产", default=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    total_hours = models.DecimalField("总学时", max_digits=6, decimal_places=1)
    capacity = models.PositiveIntegerField("计划人数", null=True, blank=True)
    target = models.CharField("培训对象", max_length=200, blank=True)
    location = models.CharField("培训地点", max_length=100, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训班次"
        ordering = ["-starts_on", "code"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="class_ends_after_start"),
                       models.CheckConstraint(condition=Q(total_hours__gt=0), name="class_hours_positive")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Session(ScopedModel, AuditedModel):
    scope = Inherited("training_class")
    audit_exclude = ("org_path",)

    training_class = models.ForeignKey(TrainingClass, verbose_name="班次", on_delete=models.CASCADE,
                                       related_name="sessions")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    on = models.DateField("日期")
    starts_at = models.TimeField("开始时间", null=True, blank=True)
    ends_at = models.TimeField("结束时间", null=True, blank=True)
    topic = models.CharField("课程专题", max_length=200)
    lecturer = models.CharField("授课人", max_length=100, blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = verbose_name_plural = "课次"
        ordering = ["on", "starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.topic}"


class Enrolment(ScopedModel, AuditedModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", "在学"
        WITHDRAWN = "withdrawn", "退学"
        COMPLETED = "completed", "结业"

    scope = Inherited("training_class")
    audit_exclude = ("org_path", "created_at")

    training_class = models.ForeignKey(TrainingClass, verbose_name="班次", on_delete=models.CASCADE,
                                       related_name="enrolments")
    person = models.ForeignKey("people.Person", verbose_name="学员", on_delete=models.PROTECT,
                               related_name="training_enrolments")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    confirmed = models.BooleanField("已确认", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ENROLLED)
    withdrawn_on = models.DateField("退学日期", null=True, blank=True)
    withdraw_reason = models.CharField("退学原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "学员"
        ordering = ["training_class", "pk"]
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="enrolment_once")]

    def __str__(self) -> str:
        return f"{self.training_class.name} 学员"


class Attendance(ScopedModel, AuditedModel):
    class Status(models.TextChoices):
        PRESENT = "present", "出勤"
        LEAVE = "leave", "请假"
        ABSENT = "absent", "缺勤"

    class Method(models.TextChoices):
        QR = "qr", "扫码签到"
        CODE = "code", "签到码"
        ROLL = "roll", "人工点名"
        IMPORT = "import", "表格导入"

    scope = Inherited("session")
    audit_exclude = ("org_path",)

    session = models.ForeignKey(Session, verbose_name="课次", on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, verbose_name="学员", on_delete=models.CASCADE,
                                  related_name="attendances")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    status = models.CharField("出勤情况", max_length=10, choices=Status.choices, default=Status.ABSENT)
    hours = models.DecimalField("出勤学时", max_digits=4, decimal_places=1, default=0)
    leave_hours = models.DecimalField("请假学时", max_digits=4, decimal_places=1, default=0)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)
    method = models.CharField("签到方式", max_length=10, choices=Method.choices, blank=True)
    signed_at = models.DateTimeField("签到时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "出勤"
        ordering = ["session", "enrolment"]
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")]

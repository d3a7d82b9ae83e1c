"""Plans, classes, sessions, enrolment and attendance (the skeleton every area reads; the classes area adds
class types as configuration, leave, withdrawal and certificates; the sign-in area adds sign-in events).

- `Plan` (年度培训计划): an organizing organization's plan for a year.
- `TrainingClass` (班次): code (unique), name, type (the code of a class type, configuration), 脱产 or not,
  dates, total 学时, capacity, target groups; status 筹备/报名/进行中/已结业.
- `Session` (课次): a date and time, topic, lecturer and 学时.
- `Enrolment` (学员): a person on a class; the confirmed list; 退学 with the day and reason; 结业.
- `Attendance`: one row per enrolment and session: present (with the first sign-in's method and time), on
  leave (with the hours and the reason) or absent; its `hours` are what the class credits to the ledger.
- `ClassType` (培训类型, configuration): code, name, the ledger type it credits, 脱产 by default, the cycle of
  “not yet trained”; `LeavePolicy` (请假限额, configuration): the share of a 脱产 class's total 学时 a trainee may
  be on leave (1/7) and the share of that limit that warns (80 %).
- `Certificate` (结业证书): numbered per organizer and year, the hours, the day, an unguessable token that the
  public verification page reads.

Class-level attendance imported as totals (`zugong import training-attendance`: 出勤学时, 请假学时 per trainee)
is kept on the enrolment (`hours_total`, `leave_total`); when set, it stands for the sessions' attendance.

A class is placed at its organizing organization (`OwnSubtree`); sessions, enrolments and attendance where the
class is (`Inherited`, stored: bulk writes pass `org_path`). Trainees of other organizations see their credited
hours through the ledger (`training.Credit`), which is placed where the person is.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from zugong.core.audit import AuditedModel
from zugong.core.config.models import ConfigModel
from zugong.core.scope import Inherited, OwnSubtree, ScopedModel

from .ledger import CreditKind

__all__ = ["Plan", "TrainingClass", "Session", "Enrolment", "Attendance", "ClassType", "LeavePolicy", "Certificate"]

CLASS_CREDIT_KINDS = [(k.value, k.label) for k in (CreditKind.OFF_JOB, CreditKind.CLASS, CreditKind.ONLINE)]


class ClassType(ConfigModel):
    """A type of class (专题、集中轮训、初任、任职、在职、网络、其他): the ledger type its hours are credited as,
    whether its classes are 脱产 by default, the cycle (years) in which a person counts as trained by it.
    Issued nationally or by a department for its subtree; a class names its type by code."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="发布单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=40)
    credited = models.CharField("计入学时类型", max_length=16, choices=CLASS_CREDIT_KINDS, default=CreditKind.OFF_JOB)
    off_job = models.BooleanField("默认脱产", default=True)
    cycle_years = models.PositiveSmallIntegerField("培训周期（年）", default=5,
                                                   help_text="报名时“本周期内未参加同类培训”按此年数判断")
    order = models.PositiveSmallIntegerField("排序", default=0)
    regulation = models.CharField("依据文件", max_length=200, blank=True)
    article = models.CharField("条款", max_length=40, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训类型"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def citation(self) -> str:
        return f"{self.regulation}{self.article}"


class LeavePolicy(ConfigModel):
    """How much leave a trainee of a 脱产 class may take: `limit_numerator`/`limit_denominator` of the class's
    total 学时 (1/7; exactly the limit is allowed), and the share of the limit (per cent) at which a warning is
    shown. The nearest issuer's active row governs a class."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="发布单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=40, unique=True)
    limit_numerator = models.PositiveSmallIntegerField("请假上限（分子）", default=1)
    limit_denominator = models.PositiveSmallIntegerField("请假上限（分母）", default=7,
                                                         help_text="请假学时不得超过总学时的 分子/分母")
    warn_percent = models.PositiveSmallIntegerField("预警比例（%）", default=80,
                                                    help_text="请假学时达到上限的该比例时提示")
    regulation = models.CharField("依据文件", max_length=200, blank=True)
    article = models.CharField("条款", max_length=40, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "脱产培训请假限额"
        ordering = ["org_path", "code"]
        constraints = [models.CheckConstraint(condition=Q(limit_denominator__gt=0), name="leave_policy_denominator"),
                       models.CheckConstraint(condition=Q(limit_numerator__lte=models.F("limit_denominator")),
                                              name="leave_policy_share")]

    def __str__(self) -> str:
        return f"请假不超过总学时的 {self.limit_numerator}/{self.limit_denominator}"

    @property
    def citation(self) -> str:
        return f"{self.regulation}{self.article}"


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
    hours_total = models.DecimalField("出勤学时（汇总）", max_digits=6, decimal_places=1, null=True, blank=True,
                                      help_text="按班次汇总导入的出勤学时；填写后代替各课次的出勤")
    leave_total = models.DecimalField("请假学时（汇总）", max_digits=6, decimal_places=1, null=True, blank=True,
                                      help_text="按班次汇总导入的请假学时；填写后代替各课次的请假")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "学员"
        ordering = ["training_class", "pk"]
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="enrolment_once"),
                       models.CheckConstraint(condition=Q(hours_total__gte=0) | Q(hours_total__isnull=True),
                                              name="enrolment_hours_total"),
                       models.CheckConstraint(condition=Q(leave_total__gte=0) | Q(leave_total__isnull=True),
                                              name="enrolment_leave_total")]

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


class Certificate(ScopedModel, AuditedModel):
    """A 结业证书: numbered per organizer and year (`<organizer code>-<year>-<seq>`), with the credited hours and
    the day; `token` (random, unguessable) is the key of the public verification page. Revoked when the class
    is re-opened (issued again, same number, when it closes again)."""

    scope = Inherited("enrolment")
    audit_exclude = ("org_path", "token")

    enrolment = models.OneToOneField(Enrolment, verbose_name="学员", on_delete=models.CASCADE,
                                     related_name="certificate")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name="发证单位", on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("证书编号", max_length=40, unique=True)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    issued_on = models.DateField("发证日期")
    token = models.CharField("验证码", max_length=64, unique=True)
    revoked_on = models.DateField("作废日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结业证书"
        ordering = ["-issued_on", "number"]
        constraints = [models.UniqueConstraint(fields=["organization", "year", "seq"], name="certificate_seq_once")]

    def __str__(self) -> str:
        return self.number

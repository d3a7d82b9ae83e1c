"""Shared mechanisms' tables: the audit log (append-only, hash-chained) and background jobs."""

from django.conf import settings
from django.db import models

from .config.models import ConfigModel
from .scope import ScopedManager, ScopedQuerySet


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("操作日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("操作日志只能追加，不能删除")


class AuditEntry(models.Model):
    """One change of one record: who, when, from where, what changed; chained to the previous entry.

    The entries written by one `audit.operation` share `operation` (one per changed row, plus the operation's
    own entry on its subject)."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        MOVE = "move", "调整隶属关系"
        MERGE = "merge", "合并"
        DISSOLVE = "dissolve", "撤销"
        IMPORT = "import", "导入"
        GRANT = "grant", "授权"
        EXCEPTION = "exception", "例外办理"
        ACKNOWLEDGE = "acknowledge", "确认知悉"
        TRANSFER = "transfer", "组织关系转接"
        STEP = "step", "流程步骤"
        EXPORT = "export", "导出"
        # Security events (`audit.security_event`; the accounts pages and the full ID number view write theirs
        # through `audit.operation`): shown on the security log (`category` = security).
        LOGIN = "login", "登录成功"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出登录"
        LOCKOUT = "lockout", "账户锁定"
        UNLOCK = "unlock", "解除锁定"
        DENIED = "denied", "拒绝访问"
        PASSWORD = "password", "修改密码"
        VIEW_ID_NUMBER = "查看完整身份证号", "查看完整身份证号"
        # The chain's own events: the old unkeyed entries sealed with the key, a new key, entries archived.
        KEY_SEAL = "key_seal", "启用密钥校验"
        KEY_ROTATE = "key_rotate", "更换审计密钥"
        ARCHIVE = "archive", "归档"

    class Category(models.TextChoices):
        DATA = "", "业务操作"
        SECURITY = "security", "安全事件"

    scope_field = "org_path"

    timestamp = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_name = models.CharField("操作人", max_length=150)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    action = models.CharField("操作", max_length=32, choices=Action.choices)
    model = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象ID", max_length=64)
    object_repr = models.CharField("对象", max_length=255)
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    changes = models.JSONField("变更内容", default=list)
    note = models.TextField("说明", blank=True)
    # The entries one service call wrote share this id (audit.operation); empty for a single save.
    operation = models.CharField("操作批次", max_length=32, blank=True, default="", db_index=True)
    category = models.CharField("类别", max_length=16, choices=Category.choices, blank=True, default="")
    user_agent = models.CharField("终端", max_length=255, blank=True, default="")  # security events
    # The audit key version (`core.keys`, name "audit") the hash was made with; null: an entry written before
    # the chain was keyed (plain SHA-256, sealed by the first keyed entry, `key_seal`).
    key_id = models.PositiveIntegerField("密钥版本", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ScopedManager.from_queryset(AuditQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = "操作日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["model", "object_id"]), models.Index(fields=["category", "id"])]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    @property
    def shown_changes(self) -> list[dict]:
        """The changes as users read them (是/否, choice labels, also for entries written before)."""
        from .audit import shown_changes

        return shown_changes(self.model, self.changes)

    @property
    def actor_shown(self) -> str:
        """Who acted, as users read it (a process by its Chinese name)."""
        from .audit import actor_shown

        return actor_shown(self.actor_name)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("操作日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("操作日志只能追加，不能删除")


class AuditChainHead(models.Model):
    """The single row holding the newest entry's hash; locking it serializes appends to the chain."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.PositiveIntegerField(default=0)  # the key the newest entry was chained with (0: none yet)


class Job(models.Model):
    """A long piece of work (import, export, scan) run by the task worker, with progress a user can watch."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    scope_field = "org_path"

    kind = models.CharField("类型", max_length=32)
    title = models.CharField("名称", max_length=200)
    # Empty for a scheduled run (`ScheduledTask`): no one submitted it; it runs as the system.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="提交人", null=True,
                             blank=True)
    org_path = models.CharField(max_length=255, db_index=True)
    params = models.JSONField(default=dict)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    message = models.TextField("结果说明", blank=True)
    result = models.JSONField(default=dict)
    input_file = models.FileField(upload_to="jobs/in/%Y/%m/", blank=True)
    output_file = models.FileField(upload_to="jobs/out/%Y/%m/", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Liveness (`core.jobs`): the process running the job ("host:pid:start") and its latest heartbeat. A running
    # job whose heartbeat is older than ZUGONG_JOB_STALE_SECONDS and whose process is gone is `interrupted`.
    worker = models.CharField("执行进程", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    interrupted = models.BooleanField("进程中断", default=False)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-id"]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def retryable(self) -> bool:
        """Its owner may run it again (`jobs.retry`): it failed because its process ended, not on its input."""
        return self.status == self.Status.FAILED and self.interrupted and self.user_id is not None


class FindingQuerySet(ScopedQuerySet):
    def open(self):
        """The findings that still ask for action: not resolved and not excepted (see `Finding`)."""
        return self.filter(resolved_at__isnull=True, excepted_at__isnull=True)

    def closed(self):
        """The complement of `open()`: resolved or excepted."""
        return self.filter(models.Q(resolved_at__isnull=False) | models.Q(excepted_at__isnull=False))

    def open_first(self):
        """Every finding, open ones first (then excepted, then resolved), newest first within each."""
        return self.order_by(models.F("resolved_at").desc(nulls_first=True),
                             models.F("excepted_at").desc(nulls_first=True), "-opened_at", "-id")


class Finding(models.Model):
    """One broken rule on one record: what, by how much, which article; opened and resolved by scans.

    **Open** (未消除) means: not resolved and not excepted — `Finding.objects.open()` and `finding.is_open`,
    the one definition every page, count, export and the API's `?open=true` use. An excepted finding (例外办理:
    an authorized user let the record pass with a reason) is closed for counting, though it stays unresolved
    for the scans, which keep it instead of opening a duplicate while the situation lasts. An acknowledged
    finding (确认知悉: the organization knows and plans the correction) is still open: knowing is not fixing.
    """

    class Severity(models.TextChoices):
        ERROR = "error", "违规"
        WARNING = "warning", "警示"
        REMINDER = "reminder", "提醒"

    scope_field = "org_path"

    rule = models.CharField("规则", max_length=64)  # indexed by finding_rule_open (rule first)
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices)
    model = models.CharField("对象类型", max_length=64)
    object_id = models.BigIntegerField("对象ID")
    person = models.ForeignKey("people.Person", verbose_name="人员", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="+")
    org_path = models.CharField(max_length=255)
    regulation = models.CharField("依据", max_length=100)
    edition = models.CharField("版本", max_length=40, blank=True)
    article = models.CharField("条款", max_length=40, blank=True)
    detail = models.CharField("问题说明", max_length=300)
    opened_at = models.DateTimeField("发现时间")
    resolved_at = models.DateTimeField("消除时间", null=True, blank=True)
    excepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="例外批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    excepted_at = models.DateTimeField("例外时间", null=True, blank=True)
    exception_reason = models.TextField("例外理由", blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="知悉人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField("知悉时间", null=True, blank=True)
    acknowledgement = models.TextField("知悉说明（整改安排）", blank=True)

    objects = ScopedManager.from_queryset(FindingQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = "问题预警"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["rule", "resolved_at", "org_path"], name="finding_rule_open"),
            models.Index(fields=["org_path", "resolved_at"], name="finding_path_open"),
            models.Index(fields=["model", "object_id"], name="finding_object"),
        ]

    def __str__(self):
        return f"{self.detail}（{self.regulation}{self.article}）"

    @property
    def is_open(self) -> bool:
        """Not resolved and not excepted (the same test as `Finding.objects.open()`)."""
        return self.resolved_at is None and self.excepted_at is None

    @property
    def citation(self) -> str:
        edition = f"（{self.edition}）" if self.edition else ""
        return f"{self.regulation}{edition}{self.article}"


class LocalRule(ConfigModel):
    """A local rule configured without code: a parameterised rule template (`zugong.core.config.TEMPLATES`),
    its values and its document; issued by an organization for its subtree."""

    template = models.CharField("规则模板", max_length=64)
    code = models.CharField("规则代码", max_length=64, unique=True)
    title = models.CharField("名称", max_length=200)
    params = models.JSONField("参数", default=dict)
    severity = models.CharField("严重程度", max_length=16, choices=Finding.Severity.choices,
                                default=Finding.Severity.WARNING)
    regulation = models.CharField("依据文件", max_length=200)
    article = models.CharField("条款", max_length=40, blank=True)
    effective_from = models.DateField("生效日期", null=True, blank=True)
    effective_to = models.DateField("失效日期", null=True, blank=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", on_delete=models.PROTECT,
                                     related_name="+")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "本地规则"

    def __str__(self):
        return self.title

    @property
    def template_info(self):
        """The registered template: what each parameter means, its unit and default."""
        from .config import template

        return template(self.template)

    def audit_display(self, field, value):
        """The log names the template by its title and each parameter by its label (统计月数：4 个月)."""
        from .config import template

        if field == "template":
            return getattr(template(value), "title", None)
        info = template(self.template)
        if field == "params" and isinstance(value, dict) and info is not None:
            by_key = {p.key: p for p in info.params}
            return "；".join(f"{by_key[k].label}：{by_key[k].format(v)}{(' ' + by_key[k].unit) if by_key[k].unit else ''}"
                            if k in by_key else f"{k}：{v}" for k, v in value.items())
        return None


class WorkDay(models.Model):
    """The official calendar: every day, whether it is a working day (holidays and 调休 make-up days)."""

    day = models.DateField(primary_key=True)
    is_workday = models.BooleanField()
    note = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历"


class ScheduledTask(ConfigModel):
    """Work run on a schedule through the task worker: the rule scan of the whole tree, the refresh of the
    precomputed tables (组织生活落实情况, 看板汇总), the reminders. Configuration: installed with the defaults
    (`core/defaults.py`), edited by the administrators of a root organization (time of day, enabled), audited.
    `kind` names a job runner (`core.jobs.runner`); a kind no module registered is skipped and flagged. System-wide:
    no issuing organization (the empty path). See `core/schedule.py`."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="适用范围", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")  # always empty: system-wide
    code = models.CharField("代码", max_length=40, unique=True)
    title = models.CharField("名称", max_length=100)
    kind = models.CharField("任务类型", max_length=32)
    params = models.JSONField("参数", default=dict, blank=True)
    at = models.TimeField("每天运行时间")
    enabled = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=100)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("安装时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务"
        ordering = ["at", "order", "code"]

    def __str__(self):
        return self.title


class ScheduleRun(models.Model):
    """One run of a scheduled task: for which scheduled moment (`due_at`, unique per task: two schedulers never
    start the same run), its job, when it started and ended, its result. Written by the scheduler, not edited."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        SKIPPED = "skipped", "已跳过"

    task = models.ForeignKey(ScheduledTask, verbose_name="定时任务", on_delete=models.CASCADE, related_name="runs")
    due_at = models.DateTimeField("计划运行时间")
    manual = models.BooleanField("手动运行", default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="运行人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey(Job, verbose_name="后台任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    message = models.TextField("结果说明", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务运行记录"
        ordering = ["-due_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["task", "due_at"], name="schedule_run_once")]

    def __str__(self):
        return f"{self.task} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.SKIPPED)

    @property
    def took(self) -> str:
        """The time taken as people say it: 42.5 秒, 3 分 12 秒, 1 小时 5 分."""
        if self.seconds is None:
            return ""
        total = round(self.seconds)
        if self.seconds < 60:
            return f"{self.seconds:.1f} 秒"
        if total < 3600:
            return f"{total // 60} 分 {total % 60} 秒"
        return f"{total // 3600} 小时 {total % 3600 // 60} 分"


class WrongGuess(models.Model):
    """A wrong or refused entry on a page without login, from a client (its address as a keyed hash), for the
    rate limit of `core.guesses.Guesses` (its `purpose` names the page)."""

    purpose = models.CharField(max_length=40)
    client = models.CharField(max_length=32)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "错误尝试"
        indexes = [models.Index(fields=["purpose", "client", "at"], name="wrongguess_client_at")]

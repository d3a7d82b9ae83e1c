"""Party membership of a Person (党员): branch, status, dates, category, dues; transfers and dues payments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from zugong.core import pii, scope
from zugong.core.audit import AuditedModel
from zugong.core.history import SpanBase
from zugong.core.refdata import EDUCATION, ETHNICITIES
from zugong.core.scope import EitherSide, Inherited, OwnSubtree, ScopedManager, ScopedModel, ScopedQuerySet


class DuesKind(models.TextChoices):
    """How the monthly dues are worked out (2008 规定 一、第二条、第五条、第六条)."""

    SALARY = "salary", "按税后月工资收入"
    PENSION = "pension", "按离退休费"
    FARMER = "farmer", "农民党员（定额）"
    MINIMUM = "minimum", "学生、下岗失业、领取救济或低保（0.2元）"


MOBILE_SCOPES = (("interprovincial", "跨省流动"), ("intercity", "省内跨市（地）流动"), ("local", "市（地）内流动"))
# 外出流向 (table 33's rows).
MOBILE_DESTINATIONS = (
    ("organ", "机关"), ("institution", "事业单位"), ("talent_centre", "人才（劳动）服务中心"),
    ("public_hmt", "公有经济控制的港澳台商投资企业"), ("public_foreign", "公有经济控制的外商投资企业"),
    ("public_other", "其他公有经济控制单位"), ("private_nonprofit", "民办非企业单位"), ("private_enterprise", "私营企业"),
    ("private_hmt", "非公有经济控制的港澳台商投资企业"), ("private_foreign", "非公有经济控制的外商投资企业"),
    ("self_employed", "个体工商户"), ("city_community", "城市社区（居委会）"), ("town_community", "乡镇社区（居委会）"),
    ("village", "建制村"), ("other", "其他"), ("unknown", "不掌握流向"),
)
# 失去联系具体情形 (table 43).
LOST_REASONS = (
    ("migrant", "外出务工经商"), ("restructured", "单位改制或破产"), ("graduate", "毕业后去向不明"),
    ("job_change", "工作单位改变"), ("abroad", "出国（境）"), ("moved", "居住地改变"), ("other", "其他"),
)


class MembershipQuerySet(ScopedQuerySet):
    def present(self):
        """Members whose organizational relationship is in our tree (not transferred out of the province)."""
        return self.filter(transferred_out_on__isnull=True)

    def active(self):
        """Present members in good standing: probationary and full members."""
        return self.present().filter(status__in=Membership.ACTIVE_STATUSES)


class Membership(ScopedModel, AuditedModel):
    """The membership record of one Person: one branch at a time (never two, never none); history in
    transfers."""

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", "预备党员"
        FULL = "full", "正式党员"
        STOPPED = "stopped", "停止党籍"
        LEFT = "left", "已出党"
        CANCELLED = "cancelled", "取消预备党员资格"
        DECEASED = "deceased", "已去世"

    class Category(models.TextChoices):
        EMPLOYED = "employed", "在职"
        RETIRED = "retired", "离退休"
        STUDENT = "student", "学生"
        FARMER = "farmer", "农民"
        MOBILE = "mobile", "流动"
        LOST = "lost", "失联"
        UNEMPLOYED = "unemployed", "无固定职业"
        OTHER = "other", "其他"

    class CommitteePost(models.TextChoices):
        SECRETARY = "secretary", "书记"
        DEPUTY_SECRETARY = "deputy_secretary", "副书记"
        ORGANIZATION = "organization", "组织委员"
        PROPAGANDA = "propaganda", "宣传委员"
        DISCIPLINE = "discipline", "纪检委员"
        MEMBER = "member", "委员"

    ACTIVE_STATUSES = (Status.PROBATIONARY, Status.FULL)
    # The dues kind a category implies when no explicit kind is recorded.
    CATEGORY_DUES_KIND = {
        Category.RETIRED: DuesKind.PENSION,
        Category.FARMER: DuesKind.FARMER,
        Category.STUDENT: DuesKind.MINIMUM,
        Category.UNEMPLOYED: DuesKind.MINIMUM,
    }

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at", "updated_at", "dues_settled_through", "dues_settled_from")
    # Derived from payments, recorded reasons and the month dues began; written only by `dues.settle`.
    SETTLED_FIELDS = ("dues_settled_through", "dues_settled_from")

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="membership"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="所在党支部", on_delete=models.PROTECT, related_name="memberships"
    )
    org_path = models.CharField("所属组织路径", max_length=255)
    party_group = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所在党小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("党籍状态", max_length=16, choices=Status.choices, default=Status.FULL)
    joined_on = models.DateField("入党时间", help_text="支部大会通过接收为预备党员的日期")
    converted_on = models.DateField("转正时间", null=True, blank=True)
    category = models.CharField(
        "党员类别", max_length=16, choices=Category.choices, default=Category.EMPLOYED
    )
    classification = models.CharField("分类管理类别", max_length=40, blank=True)
    occupation = models.CharField("工作岗位", max_length=40, blank=True)
    committee_post = models.CharField(
        "支部委员会职务",
        max_length=20,
        choices=CommitteePost.choices,
        blank=True,
        help_text="在所在党支部委员会中的职务；不设支部委员会的支部只填书记、副书记",
    )
    dues_kind = models.CharField(
        "党费计算方式",
        max_length=16,
        choices=DuesKind.choices,
        blank=True,
        help_text="留空则按党员类别确定（离退休按离退休费，农民定额，学生和无固定职业0.2元）",
    )
    dues_base = models.DecimalField(
        "党费计算基数（元/月）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    dues_from = models.DateField(
        "党费记录起始月份",
        null=True,
        blank=True,
        help_text="平台开始记录该党员党费的月份（每月1日）；留空为入党当月",
    )
    dues_settled_through = models.DateField(
        "党费结清至",
        null=True,
        blank=True,
        editable=False,
        help_text="已交纳或有减免、未交理由的最后一个月（每月1日），或党费记录起始的前一个月；"
        "9999年12月为理由长期有效；留空为尚未计算（dues.settle 计算）",
    )
    dues_settled_from = models.DateField(
        "最近连续结清起始月",
        null=True,
        blank=True,
        editable=False,
        help_text="结清至该月的最后一段连续月份的第一个月；留空为自党费记录起始一直连续",
    )
    inflow_organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="流入地党组织",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inflow_org_name = models.CharField(
        "流入地党组织名称",
        max_length=100,
        blank=True,
        help_text="流入地党组织不在可选范围内（如在省外）时填写名称",
    )
    away_since = models.DateField("外出时间", null=True, blank=True)
    lost_contact_since = models.DateField("失去联系时间", null=True, blank=True)
    # 流动党员 and 失联党员 as the annual statistics (tables 33 and 43) count them.
    mobile_scope = models.CharField("流动范围", max_length=16, choices=MOBILE_SCOPES, blank=True)
    mobile_destination = models.CharField("外出流向", max_length=24, choices=MOBILE_DESTINATIONS, blank=True)
    mobile_card = models.BooleanField("持《中国共产党流动党员活动证》", default=False)
    lost_reason = models.CharField("失去联系具体情形", max_length=16, choices=LOST_REASONS, blank=True)
    abroad = models.CharField(
        "出国（境）情况",
        max_length=8,
        choices=[("", "（无）"), ("study", "出国（境）学习研究"), ("settled", "出国（境）定居")],
        blank=True,
        default="",
        help_text="《中国共产党党员教育管理工作条例》第二十四条、第三十四条；回国（境）后清空",
    )
    abroad_since = models.DateField("出国（境）时间", null=True, blank=True)
    graduated_on = models.DateField("毕业时间", null=True, blank=True)
    transferred_out_on = models.DateField(
        "转出省外日期",
        null=True,
        blank=True,
        help_text="组织关系转出本省、对方党组织确认接收的日期；此后不再计入本省党员",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager.from_queryset(MembershipQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        indexes = [
            models.Index(fields=["org_path", "status"], name="member_path_status"),
            models.Index(fields=["organization", "status"], name="member_org_status"),
            # The arrears page: members of a scope by the month their dues are settled through (dues.owing).
            models.Index(
                fields=["dues_settled_through", "org_path"],
                name="member_dues_settled",
                condition=Q(transferred_out_on__isnull=True, status__in=("probationary", "full")),
            ),
            models.Index(
                fields=["org_path", "dues_settled_through"],
                name="member_path_dues_settled",
                condition=Q(transferred_out_on__isnull=True, status__in=("probationary", "full")),
            ),
            models.Index(fields=["dues_settled_from"], name="member_dues_settled_from"),
        ]

    def __str__(self):
        return f"{self.person.name}（{self.get_status_display()}）"

    def save(self, *args, **kwargs):
        """Save, then store the settled months again (`dues.settle`: the month dues began may have changed).
        The settled months read earlier are never written back (a payment recorded between reading this row
        and saving it must not be undone)."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.SETTLED_FIELDS
            ]
        super().save(*args, **kwargs)
        from .dues import settle  # dues reads these models

        settle([self.pk], using=self._state.db)

    def clean(self):
        """Dates and status agree with each other (Chinese messages per field)."""
        errors = {}
        if self.converted_on and self.joined_on and self.converted_on <= self.joined_on:
            errors["converted_on"] = "转正时间应晚于入党时间"
        if self.status == self.Status.PROBATIONARY and self.converted_on:
            errors["converted_on"] = "预备党员不应有转正时间；已转正的请把党籍状态改为正式党员"
        if self.committee_post and self.status != self.Status.FULL:
            errors["committee_post"] = (
                "只有正式党员可以担任支部委员会职务（《中国共产党基层组织选举工作条例》第五条）"
            )
        if self.dues_base is not None and self.dues_base < 0:
            errors["dues_base"] = "党费计算基数不能为负数"
        if self.dues_from and self.dues_from.day != 1:
            self.dues_from = self.dues_from.replace(day=1)
        if self.abroad and not self.abroad_since:
            errors["abroad_since"] = "请填写出国（境）时间"
        if self.abroad_since and not self.abroad:
            errors["abroad"] = "请选择出国（境）学习研究或定居；已回国（境）的请清空出国（境）时间"
        if self.category == self.Category.MOBILE and self.inflow_organization_id and self.inflow_org_name:
            errors["inflow_org_name"] = "流入地党组织在本省时请只选择组织，省外时只填写名称"
        if errors:
            raise ValidationError(errors)

    @property
    def is_present(self) -> bool:
        return self.transferred_out_on is None

    @property
    def is_active(self) -> bool:
        return self.is_present and self.status in self.ACTIVE_STATUSES

    @property
    def effective_dues_kind(self) -> str:
        """The recorded dues kind, or the one the category implies."""
        return self.dues_kind or self.CATEGORY_DUES_KIND.get(self.category, DuesKind.SALARY)

    @property
    def standing_label(self) -> str:
        """党籍状态 as rosters print it (已转出 for members transferred out of the province)."""
        return "已转出" if self.transferred_out_on else self.get_status_display()


class TransferQuerySet(ScopedQuerySet):
    """Domain filters of transfers; who sees a transfer is its scope strategy (either side)."""

    def issued_within(self, paths):
        """Requests whose issuing organization lies in the subtrees."""
        return self.filter(scope.subtree_q("from_org__path", paths)) if paths else self.none()

    def received_within(self, paths):
        """Requests whose receiving organization lies in the subtrees."""
        return self.filter(scope.subtree_q("to_org__path", paths)) if paths else self.none()

    def open(self):
        return self.filter(status__in=TransferRequest.OPEN_STATUSES)


class TransferRequest(ScopedModel, AuditedModel):
    """组织关系转接: one member's move from an issuing to a receiving organization, confirmed by both sides.

    Within the province both organizations are ours. Out of the province the receiving organization is only
    a name; in from outside the issuing one is. The letter's facts about the member are kept as written, so
    the request is the history of the move (and, for an inbound member, the only record until received).
    """

    class Kind(models.TextChoices):
        WITHIN = "within", "省内转接"
        OUT = "out", "转出省外"
        IN = "in", "从省外转入"

    class Status(models.TextChoices):
        REQUESTED = "requested", "待转出方确认"
        SENT = "sent", "已开具介绍信，待接收方确认"
        RECEIVED = "received", "已接收"
        REJECTED = "rejected", "转出方不予转出"
        RETURNED = "returned", "接收方退回"

    OPEN_STATUSES = (Status.REQUESTED, Status.SENT)

    scope = EitherSide("from_org", "to_org")
    audit_exclude = ("org_path", "created_at", "updated_at", "id_hash")

    def audit_display(self, field, value):
        """ID and phone numbers are logged masked."""
        return {"id_number": pii.mask_id, "phone": pii.mask_phone}.get(field, lambda v: None)(value)

    kind = models.CharField("转接类型", max_length=8, choices=Kind.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REQUESTED)
    membership = models.ForeignKey(
        Membership,
        verbose_name="党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    from_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="转出党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_org_name = models.CharField("转出党组织（省外）", max_length=100, blank=True)
    to_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="接收党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_org_name = models.CharField("接收党组织（省外）", max_length=100, blank=True)
    # The path of the side inside the province that holds the request first (issuing side; receiving side for
    # an inbound request): it places the request's audit entries. Visibility uses both sides (`scope`).
    org_path = models.CharField("承办组织路径", max_length=255, db_index=True)
    # The letter's facts about the member.
    name = models.CharField("姓名", max_length=50)
    id_number = pii.SealedField("公民身份号码", max_length=18, purpose="id_number", index="id_hash")
    ethnicity = models.CharField("民族", max_length=2, choices=ETHNICITIES, default="01")
    education = models.CharField("学历", max_length=2, choices=EDUCATION, blank=True)
    phone = pii.SealedField("联系电话", max_length=20, blank=True, purpose="phone")
    member_status = models.CharField("党员身份", max_length=16, choices=Membership.Status.choices[:2])
    joined_on = models.DateField("入党时间")
    converted_on = models.DateField("转正时间", null=True, blank=True)
    category = models.CharField(
        "党员类别", max_length=16, choices=Membership.Category.choices, default=Membership.Category.EMPLOYED
    )
    dues_paid_until = models.DateField("党费交至", null=True, blank=True, help_text="党费已交到的月份")
    reason = models.CharField("转接原因", max_length=100, blank=True)
    letter_no = models.CharField("介绍信编号", max_length=40, blank=True)
    requested_on = models.DateField("申请日期")
    sent_on = models.DateField("开具介绍信日期", null=True, blank=True)
    received_on = models.DateField("接收日期", null=True, blank=True)
    closed_on = models.DateField("退回或不予转出日期", null=True, blank=True)
    close_reason = models.CharField("退回或不予转出的理由", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="转出方确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收方确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回或不予转出确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    id_hash = models.CharField(max_length=32, db_index=True, null=True, blank=True, editable=False)  # keyed hash

    objects = ScopedManager.from_queryset(TransferQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = "组织关系转接"
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(status__in=["requested", "sent"]),
                name="transfer_one_open_per_member",
            ),
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=Q(kind="in", status__in=["requested", "sent"]),
                name="transfer_one_open_inbound_per_id",
            ),
        ]
        indexes = [models.Index(fields=["status", "org_path"], name="transfer_status_path"),
                   # transfers received in a period (the statistics' 转入 / 转出, a past roster's moves)
                   models.Index(fields=["received_on"], name="transfer_received_on")]

    def __str__(self):
        return f"{self.name} {self.get_kind_display()}（{self.from_side}→{self.to_side}）"

    @property
    def from_side(self) -> str:
        return self.from_org.name if self.from_org_id else self.from_org_name

    @property
    def to_side(self) -> str:
        return self.to_org.name if self.to_org_id else self.to_org_name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DuesPayment(ScopedModel, AuditedModel):
    """One month's dues paid by one member to the branch that held the member's relationship."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at")

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_payments"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="收缴党支部", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("所属组织路径", max_length=255)
    month = models.DateField("缴费月份", help_text="所交党费的月份（该月1日）")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("缴费日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("备注", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党费缴纳"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "month"], name="dues_one_payment_per_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dues_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["org_path", "month"], name="dues_path_month"),
            # The arrears page's anti-join (no payment in the last months owed) reads one month's payments by
            # this index instead of scanning them all: city count 1.3 s -> 0.43 s, page 7.3 s -> 3.5 s (bench).
            models.Index(fields=["month", "membership"], name="dues_month_member"),
        ]

    def __str__(self):
        return f"{self.membership.person.name} {self.month.year}年{self.month.month}月党费 {self.amount} 元"


class DuesExemption(ScopedModel, AuditedModel):
    """A recorded reason why a member pays less or nothing for some months (2008 规定 一、第七条)."""

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at")

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_exemptions"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="登记党支部", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("所属组织路径", max_length=255)
    month_from = models.DateField("起始月份")
    month_to = models.DateField("截止月份", null=True, blank=True, help_text="留空表示至今仍适用")
    reason = models.CharField("理由", max_length=200)
    approval = models.CharField("批准情况", max_length=100, blank=True, help_text="上级党委批准的文号或说明")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党费减免及未交理由"
        ordering = ["-month_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month_to__isnull=True) | Q(month_to__gte=models.F("month_from")),
                name="dues_exemption_range",
            ),
        ]

    def __str__(self):
        until = f"{self.month_to.year}年{self.month_to.month}月" if self.month_to else "至今"
        start = f"{self.month_from.year}年{self.month_from.month}月"
        return f"{self.membership.person.name} {start}—{until}：{self.reason}"


# ---------------------------------------------------------------- dated history of a membership (core.history)
#
# A member's status, party group and 留党察看 with the days they held (`core.history`: `started_on` is the first
# day, `ended_on` the first day no longer, empty while it holds). Written only by the services that change
# `Membership.status` / `party_group` (members.services, recruitment.services), through `members.history`;
# existing rows were filled by migration 0009 (see `members.history.backfill` for the dates it infers).
# A member has no status span on a day their relationship was not in the province (before joining, after a
# transfer out of the province): the status spans are also the roster of the province on any day.


class StatusSpan(ScopedModel, AuditedModel, SpanBase):
    """A member's 党籍状态 from `started_on` (probationary from the branch meeting that admitted them, full from
    转正, stopped / left / cancelled from the decision) until `ended_on`."""

    scope = Inherited("membership", stored=False)

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.CASCADE, related_name="status_spans"
    )
    status = models.CharField("党籍状态", max_length=16, choices=Membership.Status.choices)

    class Meta:
        verbose_name = verbose_name_plural = "党籍状态记录"
        ordering = ["membership", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(ended_on__isnull=True), name="status_span_one_open"
            ),
        ]
        indexes = [models.Index(fields=["membership", "started_on"], name="status_span_member_start"),
                   # the statistics' 恢复党籍 / 停止党籍 of a year (status spans starting in the period)
                   models.Index(fields=["status", "started_on"], name="status_span_status_start")]

    def __str__(self):
        return f"{self.get_status_display()} {self.started_on:%Y-%m-%d}—{self.ended_on or ''}"


class GroupSpan(ScopedModel, AuditedModel, SpanBase):
    """The party group (党小组) a member belonged to from `started_on` until `ended_on`; no span: in none."""

    scope = Inherited("membership", stored=False)

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.CASCADE, related_name="group_spans"
    )
    party_group = models.ForeignKey(
        "orgs.Organization", verbose_name="党小组", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "党小组记录"
        ordering = ["membership", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(ended_on__isnull=True), name="group_span_one_open"
            ),
        ]
        indexes = [models.Index(fields=["membership", "started_on"], name="group_span_member_start")]


class DisciplineSpan(ScopedModel, AuditedModel, SpanBase):
    """A disciplinary sanction that suspends a member's rights while it runs: 留党察看 (党章 第四十条; a member
    under it has no right to vote, elect or stand, 选举工作条例 第五条; nor to introduce, 发展党员工作细则
    第十四条). `started_on` is the day of the decision, `ended_on` the day rights were restored (恢复党员权利);
    empty while it runs. The other sanctions (警告, 严重警告, 撤销党内职务) suspend no right and are not kept
    here; 开除党籍 is the status `left`."""

    class Kind(models.TextChoices):
        PROBATION = "probation", "留党察看"

    scope = Inherited("membership", stored=False)

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.CASCADE, related_name="discipline_spans"
    )
    kind = models.CharField("处分", max_length=16, choices=Kind.choices, default=Kind.PROBATION)
    decision = models.CharField("处分决定", max_length=100, blank=True, help_text="决定机关及文号")

    class Meta:
        verbose_name = verbose_name_plural = "留党察看记录"
        ordering = ["membership", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(ended_on__isnull=True), name="discipline_span_one_open"
            ),
        ]
        indexes = [models.Index(fields=["membership", "started_on"], name="discipline_member_start")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on:%Y-%m-%d}—{self.ended_on or ''}"


# ---------------------------------------------------------------- the settled months follow every saved record


def _settle_member(sender, instance, using=None, **kwargs):
    """A payment or a recorded reason saved or deleted one at a time (a form, the admin, a cascade) settles
    its member again; writes in bulk (`bulk_create`, the seed's COPY) call `dues.settle` themselves."""
    from .dues import settle  # dues reads these models

    settle([instance.membership_id], using=using or instance._state.db)


for _model in (DuesPayment, DuesExemption):
    models.signals.post_save.connect(_settle_member, sender=_model, dispatch_uid=f"settle-{_model.__name__}")
    models.signals.post_delete.connect(_settle_member, sender=_model, dispatch_uid=f"settle-del-{_model.__name__}")


# ---------------------------------------------------------------- dated history: the dues base by month


class DuesBaseSpan(ScopedModel, AuditedModel, SpanBase):
    """A member's dues base and kind with the months they applied (党费计算基数的历史).

    Series: the membership; one open span per series. `started_on` is the first day of the month the base
    applies from: a new rate applies from the first month paid at the new salary (党费规定 一、第十条), so a
    raise on 11-05 starts on 11-01 and October stays judged by the old base. `kind` is the effective dues kind
    (the recorded one, or the one the category implied then). `Membership.dues_base` / `dues_kind` are today's,
    kept in step by `members.services` (`set_dues_base`), never typed twice. The rules and the member's dues page
    read a month's base from here (`dues.due_on_sql`, `dues.base_history`).
    """

    scope = Inherited("membership", stored=False)
    audit_exclude = ()

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.CASCADE, related_name="dues_base_spans"
    )
    base = models.DecimalField("党费计算基数（元/月）", max_digits=10, decimal_places=2, null=True, blank=True)
    kind = models.CharField("党费计算方式", max_length=16, choices=DuesKind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "党费计算基数记录"
        ordering = ["membership", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(ended_on__isnull=True), name="dues_base_span_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["membership", "started_on"], name="dues_base_span_member"),
            # Members whose base changed (an ended span): the few whose past months need the history.
            models.Index(fields=["membership"], condition=Q(ended_on__isnull=False), name="dues_base_span_changed"),
        ]

    def __str__(self):
        until = f"{self.last_day:%Y年%m月}" if self.ended_on else "今"
        base = f"{self.base} 元" if self.base is not None else "未填写基数"
        return f"{self.started_on:%Y年%m月}—{until}：{self.get_kind_display()} {base}"


# ---------------------------------------------------------------- contact with members, 限期改正


class MemberContact(ScopedModel, AuditedModel):
    """A contact with a member, or a search for one who lost contact (党员联系、查找记录).

    The rules read it: a member out of contact 6 months is searched for, and after the search stays out of
    contact (停止党籍, then 2 more years: 自行脱党); a member studying abroad is contacted at least every 6 months
    (《中国共产党党员教育管理工作条例》第二十四条、第三十四条)."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "联系"
        SEARCH = "search", "查找失联党员"

    scope = Inherited("membership", stored=False)
    audit_exclude = ("created_at",)

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.CASCADE, related_name="contacts"
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.CONTACT)
    contacted_on = models.DateField("日期")
    reached = models.BooleanField("取得联系", default=True, help_text="未取得联系（查找无音讯）的不勾选")
    note = models.CharField("情况", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党员联系记录"
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["membership", "contacted_on"], name="member_contact_date")]

    def __str__(self):
        result = "取得联系" if self.reached else "未取得联系"
        return f"{self.contacted_on:%Y-%m-%d} {self.get_kind_display()}：{result}"


class CorrectionPeriod(ScopedModel, AuditedModel):
    """限期改正: a period set for a member to correct a shortcoming, at most 1 year, with its outcome recorded
    (《中国共产党党员教育管理工作条例》第三十条)."""

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", "已改正"
        PERSUADED = "persuaded", "经教育仍无转变，劝其退党"
        REMOVED = "removed", "除名"
        OTHER = "other", "其他"

    scope = Inherited("membership", stored=False)
    audit_exclude = ("created_at",)

    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.CASCADE, related_name="corrections"
    )
    started_on = models.DateField("限期改正起始日期")
    deadline = models.DateField("改正期限", help_text="限期改正期满之日，最长不超过 1 年")
    reason = models.CharField("事由", max_length=200)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("结果认定日期", null=True, blank=True)
    outcome_note = models.CharField("结果说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "限期改正"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("started_on")), name="correction_deadline_after_start"
            ),
        ]

    def __str__(self):
        result = self.get_outcome_display() if self.outcome else "结果未登记"
        return f"限期改正 {self.started_on:%Y-%m-%d}—{self.deadline:%Y-%m-%d}：{result}"


# ---------------------------------------------------------------- dated history: committee posts


class PostSpan(ScopedModel, AuditedModel, SpanBase):
    """A member's post in an organization's committee (书记、副书记、委员 …) with the days it was held.

    Series: (organization, membership); one open span per series. `Membership.committee_post` is today's post,
    kept in step by `members.services.set_post` / `set_committee` (never typed twice). A past committee is the
    spans held on that day (`history.held_on(day)`); the post came from an election (`election`) or an
    appointment (`appointment`, e.g. 上级党组织任命).
    """

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path",)

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="post_spans"
    )
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    membership = models.ForeignKey(
        Membership, verbose_name="党员", on_delete=models.PROTECT, related_name="post_spans"
    )
    post = models.CharField("职务", max_length=20, choices=Membership.CommitteePost.choices)
    election = models.ForeignKey(
        "elections.Election", verbose_name="选举", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="任职所依据的选举（换届选举或补选）",
    )
    appointment = models.CharField(
        "任职依据", max_length=100, blank=True, help_text="非经选举任职的说明，如“上级党组织任命”、“数据迁移”"
    )

    class Meta:
        verbose_name = verbose_name_plural = "委员会任职记录"
        ordering = ["organization", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership"], condition=Q(ended_on__isnull=True),
                name="post_span_one_open",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="post_span_ends_after_start",
            ),
        ]
        indexes = [
            # The rules: the committee (or the secretary) of an organization on a day.
            models.Index(fields=["organization", "post", "started_on"], name="post_span_org_post"),
            models.Index(fields=["membership", "started_on"], name="post_span_member"),
        ]

    def __str__(self):
        until = f"{self.last_day:%Y-%m-%d}" if self.ended_on else "今"
        return f"{self.get_post_display()} {self.started_on:%Y-%m-%d}—{until}"

    @property
    def basis(self) -> str:
        """任职依据 as shown: the election, or the appointment note."""
        if self.election_id:
            return f"{self.election.held_on:%Y年%m月%d日}{self.election.get_kind_display()}"
        return self.appointment


class Exit(ScopedModel, AuditedModel):
    """出党 (and death): the typed end of a membership, the day it was decided and the organization that handled
    it (the annual statistics count an exit by that organization: tables 1, 10 and 11). Members are never
    deleted: `services.record_exit` writes this row, sets the status (已出党, 取消预备党员资格 or 已去世) and keeps
    the dated history from `decided_on`."""

    class Kind(models.TextChoices):
        EXPELLED = "expelled", "开除党籍"
        WITHDRAWN = "withdrawn", "退党除名"
        PERSUADED = "persuaded", "劝退"
        REMOVED = "removed", "劝而不退除名"
        CANCELLED = "cancelled", "取消预备党员资格"
        NOT_RECOGNIZED = "not_recognized", "不予承认"
        LAPSED = "lapsed", "自行脱党除名"
        UNREACHABLE = "unreachable", "经多方查找确实无法取得联系"
        DIED = "died", "死亡"

    # 违纪行为 (table 11): the kind of misconduct behind an exit, where there was one.
    MISCONDUCT = (
        ("political", "违反政治纪律"), ("organizational", "违反组织纪律"), ("selection", "违反干部选拔任用规定"),
        ("integrity", "违反廉洁纪律"), ("masses", "违反群众纪律"), ("work", "违反工作纪律"), ("life", "违反生活纪律"),
    )
    # 具体表现 (table 11).
    MANIFESTATIONS = (
        ("faith", "理想信念缺失"), ("stance", "政治立场动摇"), ("purpose", "宗旨观念淡薄"), ("slack", "工作消极懈怠"),
        ("lax", "组织纪律散漫"), ("conduct", "道德行为不端"), ("other", "其他"),
    )
    RANKS = (("bureau", "厅局级"), ("county", "县处级"))

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at")

    membership = models.ForeignKey(Membership, verbose_name="党员", on_delete=models.PROTECT, related_name="exits")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="办理的党组织", on_delete=models.PROTECT, related_name="+",
        help_text="作出或报批出党决定的党组织（统计时按此计数）",
    )
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    kind = models.CharField("出党方式", max_length=16, choices=Kind.choices)
    decided_on = models.DateField("出党日期", help_text="决定或批准的日期；死亡的，为死亡日期")
    approved_by = models.CharField("批准机关", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=60, blank=True)
    misconduct = models.CharField("违纪行为", max_length=16, choices=MISCONDUCT, blank=True)
    manifestation = models.CharField("具体表现", max_length=8, choices=MANIFESTATIONS, blank=True)
    rank_level = models.CharField("出党时职级", max_length=8, choices=RANKS, blank=True,
                                  help_text="厅局级、县处级干部出党的填写")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "出党和死亡"
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["decided_on"], name="member_exit_decided"),
                   models.Index(fields=["org_path", "decided_on"], name="member_exit_path")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.decided_on:%Y-%m-%d}"


class Award(ScopedModel, AuditedModel):
    """党内表彰: an award to a member (优秀共产党员, 优秀党务工作者) or to an organization (先进基层党组织), by its level
    (table 14). Scoped by the organization: the awarded organization, or the member's branch."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", "先进基层党组织"
        MEMBER = "member", "优秀共产党员"
        WORKER = "worker", "优秀党务工作者"

    class Level(models.TextChoices):
        CENTRAL = "central", "党中央表彰"
        PROVINCE = "province", "省（区、市）一级表彰"
        CITY = "city", "市（地、州、盟）一级表彰"
        COUNTY = "county", "县（市、区、旗）一级表彰"
        OTHER = "other", "其他表彰"

    scope = OwnSubtree("organization")
    audit_exclude = ("org_path", "created_at")

    kind = models.CharField("表彰类别", max_length=16, choices=Kind.choices)
    level = models.CharField("表彰层级", max_length=12, choices=Level.choices)
    membership = models.ForeignKey(Membership, verbose_name="党员", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="awards")
    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    awarded_on = models.DateField("表彰日期")
    conferred_by = models.CharField("表彰机关", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=60, blank=True)
    posthumous = models.BooleanField("追授", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党内表彰"
        ordering = ["-awarded_on", "-id"]
        indexes = [models.Index(fields=["awarded_on"], name="member_award_on")]

    def __str__(self):
        return f"{self.get_level_display()} {self.get_kind_display()} {self.awarded_on:%Y-%m-%d}"

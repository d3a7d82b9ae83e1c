"""The tree of party organizations and the units they are attached to."""

from django.db import models
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from zugong.core.audit import AuditedModel
from zugong.core.dates import add_years
from zugong.core.refdata import SECTORS
from zugong.core.scope import Placed, ScopedModel, ScopedQuerySet, TreeNode
from .entity_types import COVERAGE, ENTITY_TYPE_CHOICES


class OrganizationQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    def active(self):
        return self.filter(status=Organization.Status.ACTIVE)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(AuditedModel, MP_Node):
    """A party organization: committee, general branch, branch or party group."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", "党委"
        GENERAL_BRANCH = "general_branch", "党总支"
        BRANCH = "branch", "党支部"
        PARTY_GROUP = "party_group", "党小组"

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        DISSOLVED = "dissolved", "已撤销"

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    node_order_by = []
    scope = TreeNode()  # an organization is placed by its own tree path (maintained by the tree)
    scope_field = "path"
    audit_exclude = ("path", "depth", "numchild", "direct_people", "created_at", "updated_at")

    name = models.CharField("名称", max_length=100, db_index=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("组织代码", max_length=32, unique=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, db_index=True)
    is_joint = models.BooleanField("联合党支部", default=False)
    is_temporary = models.BooleanField("临时党支部", default=False)
    sector = models.CharField("领域", max_length=16, choices=SECTORS, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="所在单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    division_code = models.CharField("行政区划代码", max_length=12, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    term_started_on = models.DateField("本届任期开始", null=True, blank=True)
    term_years = models.PositiveSmallIntegerField("任期（年）", null=True, blank=True)
    term_ends_on = models.DateField("本届任期届满", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    direct_people = models.PositiveIntegerField("直属人数", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationManager()

    class Meta:
        verbose_name = verbose_name_plural = "党组织"
        indexes = [models.Index(fields=["depth"]), models.Index(fields=["division_code"])]

    def __str__(self):
        return self.name

    # The regulations' term lengths (regulations.md §3): committees 5 years, general branches and branches
    # 3 years, every level in villages and communities 5 years. Party groups have no elected committee.
    def default_term_years(self) -> int | None:
        if self.kind == self.Kind.PARTY_GROUP:
            return None
        if self.kind == self.Kind.COMMITTEE or self.sector in ("rural", "community"):
            return 5
        return 3

    def save(self, *args, **kwargs):
        if self.term_years is None:
            self.term_years = self.default_term_years()
        self.term_ends_on = (
            add_years(self.term_started_on, self.term_years) if self.term_started_on and self.term_years else None
        )
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Unit(ScopedModel, AuditedModel):
    """The employer or region an organization is attached to (单位)."""

    scope = Placed()

    name = models.CharField("单位名称", max_length=100)
    sector = models.CharField("领域", max_length=16, choices=SECTORS, blank=True)
    division_code = models.CharField("行政区划代码", max_length=12, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    # What the annual party statistics (tables 25–31) count a legal-entity unit by (`entity_types`).
    entity_type = models.CharField("法人单位类型", max_length=24, choices=ENTITY_TYPE_CHOICES, blank=True,
                                   db_index=True)
    coverage = models.CharField(
        "未建立党组织的情况", max_length=8, choices=COVERAGE, blank=True,
        help_text="本单位没有单独建立党组织、也未纳入联合党支部时填写",
    )
    joint_organization = models.ForeignKey(
        "Organization", verbose_name="所在联合党支部", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="covered_units", help_text="本单位党员编入的联合党支部",
    )
    employees = models.PositiveIntegerField("在岗职工（从业人员）数", null=True, blank=True)
    employee_members = models.PositiveIntegerField("在岗职工中党员数", null=True, blank=True)
    tech_staff = models.PositiveIntegerField("专业技术人员数", null=True, blank=True)
    large = models.BooleanField("大中型企业", default=False)
    legal_rep_member = models.BooleanField("法定代表人是党员", default=False)
    legal_rep_secretary = models.BooleanField("法定代表人兼任党组织书记", default=False)
    liaison = models.BooleanField("有党建工作指导员联系", default=False)
    full_time_worker = models.BooleanField("配备专职党务工作人员", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("org_path", "created_at", "updated_at")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        constraints = [models.UniqueConstraint(fields=["org_path", "name"], name="unit_name_unique_in_org")]

    def __str__(self):
        return self.name

"""Party membership of a Person (党员): branch, status, dates, category, dues base."""

from django.db import models

from zugong.core.audit import AuditedModel
from zugong.core.scope import ScopedManager


class Membership(AuditedModel):
    """The membership record of one Person: one branch at a time (never two, never none); history in transfers."""

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", "预备党员"
        FULL = "full", "正式党员"
        STOPPED = "stopped", "停止党籍"
        LEFT = "left", "已出党"

    class Category(models.TextChoices):
        EMPLOYED = "employed", "在职"
        RETIRED = "retired", "离退休"
        STUDENT = "student", "学生"
        FARMER = "farmer", "农民"
        MOBILE = "mobile", "流动"
        LOST = "lost", "失联"
        UNEMPLOYED = "unemployed", "无固定职业"
        OTHER = "other", "其他"

    scope_field = "org_path"
    scope_follows_org = True
    audit_exclude = ("org_path", "created_at", "updated_at")

    person = models.OneToOneField("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                                  related_name="membership")
    organization = models.ForeignKey("orgs.Organization", verbose_name="所在党支部", on_delete=models.PROTECT,
                                     related_name="memberships")
    org_path = models.CharField("所属组织路径", max_length=255)
    party_group = models.ForeignKey("orgs.Organization", verbose_name="所在党小组", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("党籍状态", max_length=16, choices=Status.choices, default=Status.FULL)
    joined_on = models.DateField("入党时间", help_text="支部大会通过接收为预备党员的日期")
    converted_on = models.DateField("转正时间", null=True, blank=True)
    category = models.CharField("党员类别", max_length=16, choices=Category.choices, default=Category.EMPLOYED)
    classification = models.CharField("分类管理类别", max_length=40, blank=True)
    occupation = models.CharField("工作岗位", max_length=40, blank=True)
    dues_base = models.DecimalField("党费计算基数（元/月）", max_digits=10, decimal_places=2, null=True, blank=True)
    inflow_organization = models.ForeignKey("orgs.Organization", verbose_name="流入地党组织", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    away_since = models.DateField("外出时间", null=True, blank=True)
    lost_contact_since = models.DateField("失去联系时间", null=True, blank=True)
    graduated_on = models.DateField("毕业时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        indexes = [
            models.Index(fields=["org_path", "status"], name="member_path_status"),
            models.Index(fields=["organization", "status"], name="member_org_status"),
        ]

    def __str__(self):
        return f"{self.person.name}（{self.get_status_display()}）"

    def save(self, *args, **kwargs):
        if self.organization_id:
            self.org_path = self.organization.path
        super().save(*args, **kwargs)

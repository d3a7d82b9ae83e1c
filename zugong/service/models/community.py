"""在职党员到社区报到: a member registers with the community where they live (the community's party
organization confirms), takes part in its activities and items, and their service hours are recorded. Both the
community and the member's own branch see the registration (`EitherSide`)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from zugong.core.audit import AuditedModel
from zugong.core.scope import EitherSide, Inherited, OwnSubtree, ScopedModel

__all__ = ["CommunityRegistration", "CommunityActivity", "ServiceHours"]


class CommunityRegistration(ScopedModel, AuditedModel):
    """One member registered with one community (报到), from the day registered to the day it ended."""

    class Status(models.TextChoices):
        PENDING = "pending", "待社区确认"
        CONFIRMED = "confirmed", "已报到"
        DECLINED = "declined", "社区退回"
        ENDED = "ended", "已结束"

    scope = EitherSide("community", "branch")

    community = models.ForeignKey("orgs.Organization", verbose_name="报到社区党组织", on_delete=models.PROTECT,
                                  related_name="+")
    branch = models.ForeignKey("orgs.Organization", verbose_name="所在党支部", on_delete=models.PROTECT,
                               related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    membership = models.ForeignKey("members.Membership", verbose_name="党员", on_delete=models.PROTECT,
                                   related_name="+")
    registered_on = models.DateField("报到日期")
    residence = models.CharField("居住小区（网格）", max_length=100, blank=True)
    skills = models.CharField("特长和服务意向", max_length=200, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    confirmed_by = models.CharField("确认人", max_length=60, blank=True)
    decline_reason = models.CharField("退回原因", max_length=200, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "在职党员到社区报到"
        ordering = ["-registered_on", "id"]
        constraints = [models.UniqueConstraint(fields=["membership"],
                                               condition=Q(status__in=("pending", "confirmed")),
                                               name="service_one_live_registration")]


class CommunityActivity(ScopedModel, AuditedModel):
    """An activity a community organizes for registered members (志愿服务、政策宣讲、环境整治 …)."""

    scope = OwnSubtree("organization")

    organization = models.ForeignKey("orgs.Organization", verbose_name="社区党组织", on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    held_on = models.DateField("活动日期")
    title = models.CharField("活动名称", max_length=100)
    kind = models.CharField("活动类型", max_length=40, blank=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1, default=Decimal("2.0"))
    task = models.ForeignKey("service.ServiceTask", verbose_name="关联事项", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("活动内容", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "社区活动"
        ordering = ["-held_on", "id"]


class ServiceHours(ScopedModel, AuditedModel):
    """Service hours of one registered member: for an activity, an item they took part in, or other service."""

    scope = Inherited("registration", stored=False)

    registration = models.ForeignKey(CommunityRegistration, verbose_name="报到记录", on_delete=models.CASCADE,
                                     related_name="service_hours")
    served_on = models.DateField("服务日期")
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1)
    activity = models.ForeignKey(CommunityActivity, verbose_name="社区活动", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="service_hours")
    task = models.ForeignKey("service.ServiceTask", verbose_name="办实事事项", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("服务内容", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "志愿服务时长"
        ordering = ["-served_on", "id"]
        constraints = [models.UniqueConstraint(fields=["registration", "activity"],
                                               condition=Q(activity__isnull=False), name="service_hours_once")]

"""Service API: the items (办实事事项).

`GET /api/service/tasks/` → the items the user sees: `number`, `title`, `organization` (the responsible
organization's code) and `organization_name`, `urgency` (its name), `received_on`, `deadline`, `paused_days`
(working days paused over the item's life), `extended_days`, `status` (code) and `status_label`, `completed_on`,
`on_time`, `closed_on`, `satisfaction` (the people's view: 满意/基本满意/部分解决/不满意, empty until asked) and
`reopened` (times reopened, 复办). Filters: `organization` (a code: its whole subtree), `status`, `overdue`.
Read-only."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import SubtreeFilter

from ..models import ServiceTask
from ..models.tasks import Status
from ..rules.tasks import RUNNING


class TaskSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True, label="责任组织代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="责任组织")
    urgency = serializers.CharField(source="urgency.name", read_only=True, label="紧急程度")
    paused_days = serializers.IntegerField(source="paused_workdays", read_only=True, label="暂停计时工作日数")
    extended_days = serializers.IntegerField(source="extended_workdays", read_only=True, label="经批准延期工作日数")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    satisfaction_label = serializers.CharField(source="get_satisfaction_display", read_only=True,
                                               label="满意度（中文）")
    reopened = serializers.IntegerField(source="reopened_count", read_only=True, label="复办次数")

    class Meta:
        model = ServiceTask
        fields = ["id", "number", "title", "organization", "organization_name", "urgency", "received_on",
                  "deadline", "paused_days", "extended_days", "status", "status_label", "completed_on", "on_time",
                  "closed_on", "satisfaction", "satisfaction_label", "reopened"]
        read_only_fields = fields


class TaskFilterSet(django_filters.FilterSet):
    organization = SubtreeFilter(label="责任组织代码（含下级组织）")
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices)
    overdue = django_filters.BooleanFilter(label="是否已超过办结期限（办理中、未暂停）", method="filter_overdue")

    class Meta:
        model = ServiceTask
        fields = []

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        late = {"status__in": RUNNING, "deadline__lt": timezone.localdate()}
        return qs.filter(**late) if value else qs.exclude(**late)


@extend_schema(tags=["我为群众办实事"])
@extend_schema_view(list=extend_schema(summary="办实事事项（按责任组织、状态、是否超期筛选）"),
                    retrieve=extend_schema(summary="一个办实事事项"))
class TaskViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ServiceTask.objects.select_related("organization", "urgency").order_by("-received_on", "-id")
    serializer_class = TaskSerializer
    filter_backends = [FilterBackend]
    filterset_class = TaskFilterSet


def register(router) -> None:
    router.register("service/tasks", TaskViewSet, basename="service-task")

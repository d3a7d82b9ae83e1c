"""REST API of organizational life: /api/branchlife/meetings/ (read-only) and /api/branchlife/compliance/
(the precomputed compliance table, read-only), scoped like every resource.

Filters: `organization` (a code: that organization's subtree), `kind`, `since`, `until`; for compliance also
`period_start`, `compliant`, `current`. Registered on the API router by `router_register(router)`.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from .models import Absence, ComplianceStat, Meeting


class AbsenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="membership.person.name", read_only=True, label="姓名")

    class Meta:
        model = Absence
        fields = ["membership", "name", "reason"]


class MeetingSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True, label="党组织代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="党组织")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label="会议类型名称")
    absences = AbsenceSerializer(many=True, read_only=True, label="缺席党员（其余应到党员出席）")

    class Meta:
        model = Meeting
        fields = ["id", "organization", "organization_name", "kind", "kind_display", "held_on", "place", "host",
                  "recorder", "topic", "expected", "present", "guests", "minutes", "credit_hours",
                  "absences_recorded", "absences"]
        read_only_fields = fields


class ComplianceSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True, label="党组织代码")

    class Meta:
        model = ComplianceStat
        fields = ["organization", "kind", "period", "period_start", "period_end", "required", "needed", "held",
                  "compliant", "current", "computed_at"]
        read_only_fields = fields


class OrgFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(label="组织代码：该组织及其全部下级组织", method="filter_organization")

    def filter_organization(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


class MeetingApiFilterSet(OrgFilter):
    kind = django_filters.ChoiceFilter(label="会议类型", choices=Meeting.Kind.choices)
    since = django_filters.DateFilter(label="起始日期", field_name="held_on", lookup_expr="gte")
    until = django_filters.DateFilter(label="截止日期", field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = []


class ComplianceApiFilterSet(OrgFilter):
    kind = django_filters.CharFilter(label="类型（会议类型代码、secretary_lecture、study）")
    period_start = django_filters.DateFilter(label="周期开始日期")
    compliant = django_filters.BooleanFilter(label="符合要求")
    current = django_filters.BooleanFilter(label="本期未结束")

    class Meta:
        model = ComplianceStat
        fields = []


@extend_schema(tags=["组织生活"])
@extend_schema_view(
    list=extend_schema(summary="组织生活记录列表",
                       description="列出您管辖范围内的会议记录（含缺席党员及理由）。可按组织子树、会议类型和日期筛选。"),
    retrieve=extend_schema(summary="组织生活记录详情",
                           responses={200: MeetingSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")}),
)
class MeetingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Meeting records in the user's subtrees (read-only: meetings are recorded through the pages or imports)."""

    queryset = Meeting.objects.select_related("organization").prefetch_related(
        Prefetch("absences", queryset=Absence.objects.select_related("membership__person")))
    serializer_class = MeetingSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = MeetingApiFilterSet
    ordering_map = {"held_on": ("held_on", "id"), "id": ("id",)}
    ordering_labels = {"held_on": "日期", "id": "编号"}
    ordering = ["-held_on"]


@extend_schema(tags=["组织生活"])
@extend_schema_view(
    list=extend_schema(summary="组织生活落实情况（预先计算）",
                       description="每个党组织、每项要求、每个周期一行：应召开、已召开、是否符合要求、本期是否未结束。"),
    retrieve=extend_schema(summary="组织生活落实情况（一行）"),
)
class ComplianceViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ComplianceStat.objects.select_related("organization")
    serializer_class = ComplianceSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = ComplianceApiFilterSet
    ordering_map = {"org": ("org_path", "kind", "period_start"), "id": ("id",)}
    ordering_labels = {"org": "按组织、类型、周期", "id": "编号"}
    ordering = ["org"]


def router_register(router) -> None:
    router.register("branchlife/meetings", MeetingViewSet, basename="branchlife-meeting")
    router.register("branchlife/compliance", ComplianceViewSet, basename="branchlife-compliance")

"""REST API of selection and appointment: /api/appointments/cases/ and /api/appointments/observations/
(read-only), scoped like every resource. Filters: `organization` (a code: that organization's subtree),
`stage`, `status`; observations by `organization`, `task_kind`, `cadre` (id)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.core.casework.api import case_filterset
from zugong.orgs.fields import SubtreeFilter, resolve_org_code

from . import services
from .models import Observation, SelectionCase, TaskKind
from .steps import WORKFLOW

CASE_FIELDS = [
    "unit_name", "title", "rank", "appointment_method", "probation_applies", "exceptional", "party_committee",
    "from_rank", "from_rank_since",
    "from_title", "is_promotion", "proposed_on", "proposal_reason", "recommended_on", "recommend_participants",
    "ballots_issued", "ballots_returned", "ballots_valid", "votes_received", "inspection_start", "inspection_end",
    "inspectors", "people_talked", "inspection_materials", "decided_on", "members_expected", "members_present",
    "votes_yes", "votes_no", "votes_abstain", "notice_start", "notice_workdays", "notice_end", "notice_result",
    "appointed_on", "document_no", "probation_until", "probation_concluded_on", "probation_result",
    "terminated_on", "termination_reason",
]


class CaseSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, label="姓名")
    organization = serializers.CharField(source="organization.code", read_only=True, label="办理党委代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="办理党委")
    stage_display = serializers.CharField(source="get_stage_display", read_only=True, label="阶段名称")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    observations = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label="附入考察的一线考察识别记录")
    # The JSON names integrations read, kept when the model fields became public_notice_* (公示).
    notice_start = serializers.DateField(source="public_notice_start", read_only=True, label="任前公示开始日期")
    notice_workdays = serializers.IntegerField(source="public_notice_workdays", read_only=True, label="公示工作日数")
    notice_end = serializers.DateField(source="public_notice_end", read_only=True, label="任前公示结束日期")
    notice_result = serializers.CharField(source="public_notice_result", read_only=True, label="公示结果")

    class Meta:
        model = SelectionCase
        fields = ["id", "cadre", "cadre_name", "organization", "organization_name", "stage", "stage_display",
                  "status", "status_display", *CASE_FIELDS, "observations"]
        read_only_fields = fields


class ObservationSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, label="姓名")
    task_kind_display = serializers.CharField(source="get_task_kind_display", read_only=True, label="任务类别名称")

    class Meta:
        model = Observation
        fields = ["id", "cadre", "cadre_name", "observed_on", "observed_until", "task_kind", "task_kind_display",
                  "task", "conduct", "rating", "observer", "observer_unit"]
        read_only_fields = fields


CaseApiFilterSet = case_filterset(WORKFLOW, organization=SubtreeFilter)


class ObservationApiFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(label="组织代码：该组织及其全部下级组织管理的干部",
                                             method="filter_organization")
    task_kind = django_filters.ChoiceFilter(label="任务类别", choices=TaskKind.choices)
    cadre = django_filters.NumberFilter(label="干部编号", field_name="cadre_id")

    class Meta:
        model = Observation
        fields = []

    def filter_organization(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


@extend_schema(tags=["选拔任用"])
@extend_schema_view(
    list=extend_schema(summary="选拔任用纪实列表",
                       description="列出您管辖范围内的选拔任用纪实（动议、民主推荐、考察、讨论决定、任前公示、任职、试用期）。"),
    retrieve=extend_schema(summary="选拔任用纪实详情",
                           responses={200: CaseSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")}),
)
class CaseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Selection cases in the user's subtrees (read-only: steps are recorded through the pages)."""

    queryset = SelectionCase.objects.select_related("cadre", "organization").prefetch_related(
        services.OBSERVATIONS)
    serializer_class = CaseSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = CaseApiFilterSet
    ordering_map = {"proposed_on": ("proposed_on", "id"), "stage": ("stage", "id"), "id": ("id",)}
    ordering_labels = {"proposed_on": "动议日期", "stage": "阶段", "id": "编号"}
    ordering = ["id"]


@extend_schema(tags=["选拔任用"])
@extend_schema_view(
    list=extend_schema(summary="一线考察识别记录列表", description="列出您管辖范围内干部的一线考察识别记录。"),
    retrieve=extend_schema(summary="一线考察识别记录详情",
                           responses={200: ObservationSerializer,
                                      404: OpenApiResponse(description="不存在或不在管辖范围内")}),
)
class ObservationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Observation.objects.select_related("cadre")
    serializer_class = ObservationSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = ObservationApiFilterSet
    ordering_map = {"observed_on": ("observed_on", "id"), "id": ("id",)}
    ordering_labels = {"observed_on": "考察日期", "id": "编号"}
    ordering = ["id"]


def router_register(router) -> None:
    router.register("appointments/cases", CaseViewSet, basename="appointments-case")
    router.register("appointments/observations", ObservationViewSet, basename="appointments-observation")

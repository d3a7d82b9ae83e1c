"""REST API of elections: /api/elections/ (read-only; elections are recorded through the pages), scoped.

Filters: `organization` (a code: that organization's subtree), `kind`, `year`.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from .models import Election, ElectionCandidate


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ElectionCandidate
        fields = ["name", "yes_votes", "elected", "order"]


class ElectionSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True, label="党组织代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="党组织")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label="选举类别名称")
    candidate_rows = CandidateSerializer(many=True, read_only=True, label="候选人及得票")

    class Meta:
        model = Election
        fields = ["id", "organization", "organization_name", "kind", "kind_display", "held_on", "seats",
                  "candidates", "expected_voters", "voters_present", "valid", "secretary_name",
                  "deputy_secretary_name", "approved_by_higher", "approved_on", "approval_document", "term_started",
                  "candidate_rows"]
        read_only_fields = fields


class ElectionApiFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(label="组织代码：该组织及其全部下级组织的选举记录",
                                             method="filter_organization")
    kind = django_filters.ChoiceFilter(label="选举类别", choices=Election.Kind.choices)
    year = django_filters.NumberFilter(label="选举年份", field_name="held_on", lookup_expr="year")

    class Meta:
        model = Election
        fields = []

    def filter_organization(self, qs, name, value):
        org = resolve_org_code(self.request, value, name)
        return qs.subtree(org.path)


@extend_schema(tags=["换届选举"])
@extend_schema_view(
    list=extend_schema(summary="选举记录列表",
                       description="列出您管辖范围内的选举记录（含候选人得票和当选结果）。可按组织子树、选举类别和年份筛选。"),
    retrieve=extend_schema(summary="选举记录详情",
                           responses={200: ElectionSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")}),
)
class ElectionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Election.objects.select_related("organization").prefetch_related(
        Prefetch("candidate_rows", queryset=ElectionCandidate.objects.all()))
    serializer_class = ElectionSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = ElectionApiFilterSet
    ordering_map = {"held_on": ("held_on", "id"), "org": ("org_path", "held_on", "id"), "id": ("id",)}
    ordering_labels = {"held_on": "选举日期", "org": "按所在组织", "id": "编号"}
    ordering = ["-held_on"]


def router_register(router) -> None:
    router.register("elections", ElectionViewSet, basename="election")

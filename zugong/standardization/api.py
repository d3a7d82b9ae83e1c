"""REST API: /api/standardization/scores/ (read-only branch scores, scoped). Filters: `organization` (a code:
its subtree), `year`, `grade`."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from .models import BranchScore


class ScoreSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True, label="党支部代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="党支部")
    checklist_name = serializers.CharField(source="checklist.__str__", read_only=True, label="评分标准")

    class Meta:
        model = BranchScore
        fields = ["id", "organization", "organization_name", "checklist", "checklist_name", "year", "total", "grade",
                  "data_points", "inspector_points", "inspector_pending", "innovation", "items", "computed_at"]
        read_only_fields = fields


class ScoreApiFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(label="组织代码：该组织及其全部下级党支部的得分", method="filter_org")
    year = django_filters.NumberFilter(label="年度")
    grade = django_filters.CharFilter(label="等次")

    class Meta:
        model = BranchScore
        fields = []

    def filter_org(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


@extend_schema(tags=["标准化建设"])
@extend_schema_view(list=extend_schema(summary="党支部标准化建设得分列表"),
                    retrieve=extend_schema(summary="党支部标准化建设得分详情"))
class ScoreViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = BranchScore.objects.select_related("organization", "checklist").order_by("-year", "org_path", "id")
    serializer_class = ScoreSerializer
    filter_backends = [FilterBackend]
    filterset_class = ScoreApiFilterSet


def router_register(router) -> None:
    router.register("standardization/scores", ScoreViewSet, basename="standardization-score")

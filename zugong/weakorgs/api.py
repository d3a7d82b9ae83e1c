"""REST API: /api/weakorgs/rectifications/ (read-only rectification cases with their list entry, scoped).
Filters: `organization` (a code: its subtree), `status`, `year` (of the identification list)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from .models import Rectification


class RectificationSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True, label="党组织代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="党组织")
    year = serializers.IntegerField(source="entry.identification_list.year", read_only=True, label="认定年度")
    reasons = serializers.JSONField(source="entry.reasons", read_only=True, label="认定情形")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")

    class Meta:
        model = Rectification
        fields = ["id", "organization", "organization_name", "year", "reasons", "status", "status_display",
                  "problems", "measures", "responsibilities", "targets", "responsible_leader", "county_leader",
                  "township_leader", "first_secretary", "paired_unit", "supervised", "started_on", "deadline",
                  "followup_until", "accepted_on", "accepted_score", "dissatisfied_percent"]
        read_only_fields = fields


class RectificationApiFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(label="组织代码：该组织及其下级的整顿台账", method="filter_org")
    status = django_filters.ChoiceFilter(label="状态", choices=Rectification.Status.choices)
    year = django_filters.NumberFilter(label="认定年度", field_name="entry__identification_list__year")

    class Meta:
        model = Rectification
        fields = []

    def filter_org(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


@extend_schema(tags=["软弱涣散整顿"])
@extend_schema_view(list=extend_schema(summary="整顿台账列表"), retrieve=extend_schema(summary="整顿台账详情"))
class RectificationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (Rectification.objects.select_related("organization", "entry__identification_list")
                .order_by("deadline", "id"))
    serializer_class = RectificationSerializer
    filter_backends = [FilterBackend]
    filterset_class = RectificationApiFilterSet


def router_register(router) -> None:
    router.register("weakorgs/rectifications", RectificationViewSet, basename="weakorgs-rectification")

"""Talent API: the pool (人才库).

`GET /api/talent/pool/` → the recognised talents the user sees: `person_name`, `program` (the programme's code)
and `program_name`, `tier`, `field`, `unit` (the unit's name), `organization` (its party organization's code),
`since`, `until`, `status` (code) and `status_label`, `tags` (a list). Filters: `program` (a programme code),
`tier` (the tier's name), `status`, `field` (contains). Read-only."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend

from ..models import Talent
from ..pool_services import split_tags


class TalentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    program = serializers.CharField(source="program.code", read_only=True, label="人才项目代码")
    program_name = serializers.CharField(source="program.name", read_only=True, label="人才项目")
    tier = serializers.CharField(source="tier_name", read_only=True, label="层次")
    unit = serializers.CharField(source="unit_name", read_only=True, label="工作单位")
    organization = serializers.CharField(source="organization.code", read_only=True, label="所在党组织代码")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    tags = serializers.SerializerMethodField(label="标签")

    class Meta:
        model = Talent
        fields = ["id", "person_name", "program", "program_name", "tier", "field", "unit", "organization", "since",
                  "until", "status", "status_label", "exited_on", "tags"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj) -> list[str]:
        return split_tags(obj.tags)


class TalentFilterSet(django_filters.FilterSet):
    program = django_filters.CharFilter(label="人才项目代码", field_name="program__code")
    tier = django_filters.CharFilter(label="层次", field_name="tier_name")
    status = django_filters.ChoiceFilter(label="状态", choices=Talent.Status.choices)
    field = django_filters.CharFilter(label="专业领域（包含）", field_name="field", lookup_expr="icontains")

    class Meta:
        model = Talent
        fields = []


@extend_schema(tags=["人才工程"])
@extend_schema_view(list=extend_schema(summary="人才库（按人才项目、层次、状态、专业领域筛选）"),
                    retrieve=extend_schema(summary="人才库中的一名人才"))
class TalentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Talent.objects.select_related("person", "program", "organization").order_by("-since", "id")
    serializer_class = TalentSerializer
    filter_backends = [FilterBackend]
    filterset_class = TalentFilterSet


def register(router) -> None:
    router.register("talent/pool", TalentViewSet, basename="talent-pool")

"""Talent API: applications.

`GET /api/talent/applications/` → the applications the user sees: `id`, `person` (the applicant's name),
`program` (the programme's code), `edition`, `tier`, `unit` (the work unit's name), `organization` (the
recommending organization's code), `status` and `status_label`, `precheck` (a list of {condition, met,
evidence}; met is null where the records say nothing). Filters: `program` (a code), `edition` (id), `status`,
`organization` (a code: its whole subtree). Read-only."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import SubtreeFilter

from ..models import Application
from ..models.applications import Status


class CheckSerializer(serializers.Serializer):
    condition = serializers.CharField(label="条件")
    met = serializers.BooleanField(label="是否符合（空为待人工审查）", allow_null=True)
    evidence = serializers.CharField(label="依据记录")


class ApplicationSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.name", read_only=True, label="申报人")
    program = serializers.CharField(source="edition.program.code", read_only=True, label="人才项目代码")
    edition = serializers.CharField(source="edition.title", read_only=True, label="批次")
    tier = serializers.CharField(source="tier.name", read_only=True, label="层次")
    unit = serializers.SerializerMethodField(label="工作单位")
    organization = serializers.CharField(source="organization.code", read_only=True, label="推荐单位代码")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    precheck = serializers.SerializerMethodField(label="资格预审")

    class Meta:
        model = Application
        fields = ["id", "person", "program", "edition", "tier", "unit", "organization", "field", "applied_on",
                  "status", "status_label", "precheck"]
        read_only_fields = fields

    def get_unit(self, obj) -> str:
        return obj.unit_name or (obj.unit.name if obj.unit_id else "")

    @extend_schema(responses=CheckSerializer(many=True))
    def get_precheck(self, obj) -> list:
        return [{"condition": c.get("condition", ""), "met": c.get("met"), "evidence": c.get("evidence", "")}
                for c in obj.precheck or []]


class ApplicationFilterSet(django_filters.FilterSet):
    program = django_filters.CharFilter(label="人才项目代码", field_name="edition__program__code")
    edition = django_filters.NumberFilter(label="批次", field_name="edition_id")
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices)
    organization = SubtreeFilter(label="推荐单位代码（含下级组织）")

    class Meta:
        model = Application
        fields = []


@extend_schema(tags=["人才工程"])
@extend_schema_view(list=extend_schema(summary="人才项目申报（按项目、批次、状态、推荐单位筛选）"),
                    retrieve=extend_schema(summary="一份人才项目申报"))
class ApplicationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Application.objects.select_related("person", "edition", "edition__program", "tier", "unit",
                                                  "organization").order_by("-applied_on", "-id")
    serializer_class = ApplicationSerializer
    filter_backends = [FilterBackend]
    filterset_class = ApplicationFilterSet


def register(router) -> None:
    router.register("talent/applications", ApplicationViewSet, basename="talent-application")

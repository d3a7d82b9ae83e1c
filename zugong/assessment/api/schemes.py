"""API of the classified assessment (分类考核), fixed contract (issue 14):

`GET /api/assessment/results/?scheme=CODE` → per unit `organization` (its code), `category`, `score`, `rank`,
`grade`, `vetoed`, `lines` (each: `indicator` code, `value`, `points`). Read-only, scoped like the pages: a unit's
result is seen by users whose subtree holds the unit (a city sees its counties', a county its own, another city
nothing). Also `organization` (a code: that unit and its subtree) and `category` filters.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from .. import scoring
from ..models import UnitResult


class LineSerializer(serializers.Serializer):
    indicator = serializers.CharField(label="指标代码")
    value = serializers.FloatField(label="数值", allow_null=True)
    points = serializers.FloatField(label="得分")


class ResultSerializer(serializers.ModelSerializer):
    scheme = serializers.CharField(source="scheme.code", read_only=True, label="方案代码")
    organization = serializers.CharField(source="organization.code", read_only=True, label="单位代码")
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="单位名称")
    category = serializers.CharField(source="category.name", read_only=True, label="类别")
    score = serializers.SerializerMethodField(label="得分")
    vetoed = serializers.BooleanField(read_only=True, label="是否被否决（一票否优或一票否决）")
    veto = serializers.CharField(source="get_veto_display", read_only=True, label="否决情况")
    lines = serializers.SerializerMethodField(label="得分明细")

    class Meta:
        model = UnitResult
        fields = ["id", "scheme", "organization", "organization_name", "category", "score", "rank", "grade", "vetoed",
                  "veto", "category_size", "top_limit", "missing", "lines", "computed_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_score(self, obj) -> float:
        return round(obj.score, 4)

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, obj):
        lines = (scoring.read_line(stored) for stored in obj.lines)
        return [{"indicator": ln["indicator"], "value": ln["value"], "points": round(float(ln["points"]), 4)}
                for ln in lines]


class ResultFilterSet(django_filters.FilterSet):
    scheme = django_filters.CharFilter(label="方案代码", field_name="scheme__code")
    category = django_filters.CharFilter(label="类别名称", field_name="category__name")
    organization = django_filters.CharFilter(label="单位代码：该单位及其下级的结果", method="filter_org")
    grade = django_filters.CharFilter(label="等次")

    class Meta:
        model = UnitResult
        fields = []

    def filter_org(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


@extend_schema(tags=["分类考核"])
@extend_schema_view(list=extend_schema(summary="分类考核结果（按方案、类别、名次）"),
                    retrieve=extend_schema(summary="一个单位的分类考核结果"))
class ResultViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (UnitResult.objects.select_related("scheme", "category", "organization")
                .order_by("-scheme__year", "scheme__code", "category__order", "rank", "org_path", "id"))
    serializer_class = ResultSerializer
    filter_backends = [FilterBackend]
    filterset_class = ResultFilterSet


def register(router) -> None:
    router.register("assessment/results", ResultViewSet, basename="assessment-result")

"""API of annual assessment (fixed contract): `/api/assessment/annual/?year=YYYY&organization=CODE` → per person
`person` (the ID number, masked as everywhere in the API), `pool`, `proposed`, `grade`, `status`, `reasons`;
scoped like the pages (the proposals of the organizations the user may see; `organization` is a subtree)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from zugong.core import pii
from zugong.core.api import MaskedField, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from ..models import AnnualGrade, AnnualProposal


class AnnualResultSerializer(serializers.ModelSerializer):
    person = MaskedField(mask=pii.mask_id, source="person.id_number", read_only=True, label="公民身份号码（脱敏）")
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    organization = serializers.CharField(source="organization.code", read_only=True, label="考核单位代码")
    pool = serializers.CharField(source="pool.name", read_only=True, label="考核组")
    proposed = serializers.CharField(source="get_proposed_display", read_only=True, label="拟定等次")
    grade = serializers.SerializerMethodField(label="确定等次")
    status = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    reasons = serializers.SerializerMethodField(label="检查结果（原因及依据）")
    exception = serializers.CharField(source="exception_reason", read_only=True, label="例外办理理由")

    class Meta:
        model = AnnualProposal
        fields = ["id", "person", "person_name", "year", "organization", "category", "pool", "proposed", "grade",
                  "status", "reasons", "exception", "confirmed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_grade(self, obj):
        return dict(AnnualGrade.choices).get(obj.grade) if obj.grade else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasons(self, obj):
        return [f"{r.get('text', '')}（{r.get('citation', '')}）" for r in obj.reasons or []]


class AnnualFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="考核年度", field_name="year")
    organization = django_filters.CharFilter(label="组织代码：该组织及其下级的考核单位", method="filter_org")
    status = django_filters.ChoiceFilter(label="状态", choices=AnnualProposal.Status.choices)

    class Meta:
        model = AnnualProposal
        fields = []

    def filter_org(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)


class AnnualResultViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """年度考核拟定等次和确定等次（每人一行）。"""

    queryset = AnnualProposal.objects.select_related("person", "organization", "pool").order_by("org_path", "pk")
    serializer_class = AnnualResultSerializer
    filter_backends = [FilterBackend]
    filterset_class = AnnualFilterSet


def register(router) -> None:
    router.register("assessment/annual", AnnualResultViewSet, basename="assessment-annual")

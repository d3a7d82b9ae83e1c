"""REST API of findings (问题预警): read-only, scoped like everything else."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from zugong.core import pii, rules
from zugong.core.api import MappedOrderingFilter, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.core.models import Finding
from zugong.orgs.fields import resolve_org_code


class FindingSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(label="规则名称")
    organization = serializers.CharField(source="organization.code", read_only=True, label="党组织代码")
    person = serializers.SerializerMethodField(label="人员公民身份号码")
    subject = serializers.SerializerMethodField(label="问题对象")

    class Meta:
        model = Finding
        fields = ["id", "rule", "title", "regulation", "edition", "article", "severity", "organization", "person",
                  "subject", "detail", "opened_at", "resolved_at", "excepted_at", "exception_reason",
                  "acknowledged_at", "acknowledgement"]

    def get_title(self, obj) -> str:
        rule = rules.RULES.get(obj.rule)
        return rule.title if rule else obj.rule

    def get_person(self, obj) -> str | None:
        return pii.mask_id(obj.person.id_number) if obj.person_id else None

    def get_subject(self, obj) -> dict:
        return {"type": obj.model, "id": obj.object_id}


class FindingFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(label="人员公民身份号码", method="filter_person")
    organization = django_filters.CharFilter(label="党组织代码（含下级）", method="filter_organization")
    rule = django_filters.CharFilter(label="规则代码")
    severity = django_filters.ChoiceFilter(label="严重程度", choices=Finding.Severity.choices)
    open = django_filters.BooleanFilter(label="仅未消除（true：未消除且未例外办理）或仅已消除、已例外办理（false）",
                                        method="filter_open")

    class Meta:
        model = Finding
        fields = []

    def filter_person(self, qs, name, value):
        return qs.filter(person__id_number=value.strip().upper())

    def filter_organization(self, qs, name, value):
        return qs.subtree(resolve_org_code(self.request, value, name).path)

    def filter_open(self, qs, name, value):
        return qs.open() if value else qs.closed()


@extend_schema(tags=["问题预警"])
@extend_schema_view(
    list=extend_schema(summary="问题预警列表",
                       description="规则检查发现的问题：违反哪条规则、依据哪个文件哪一条、实测值。按管辖范围过滤。"),
    retrieve=extend_schema(summary="问题预警详情"),
)
class FindingViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Finding.objects.select_related("organization", "person")
    serializer_class = FindingSerializer
    filter_backends = [FilterBackend, MappedOrderingFilter]
    filterset_class = FindingFilterSet
    ordering_map = {"org": ("org_path", "rule", "id"), "opened": ("opened_at", "id"), "id": ("id",)}
    ordering_labels = {"org": "按组织", "opened": "发现时间", "id": "编号"}
    ordering = ["org"]

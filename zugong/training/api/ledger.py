"""API of the hours ledger (read-only): `/api/training/credits/?person=<ID number>&year=YYYY&kind=online` → the
ledger lines the user may see (scoped like the pages: the lines of the people of their subtrees), each with the
person (ID number masked), day, year, type, hours credited and claimed, basis, source, provider and rule."""

from __future__ import annotations

import django_filters
from rest_framework import exceptions, serializers, viewsets

from zugong.core import pii
from zugong.core.api import MaskedField, ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import SubtreeFilter
from zugong.people import idnumber

from ..models import Credit, CreditKind


class CreditSerializer(serializers.ModelSerializer):
    person = MaskedField(mask=pii.mask_id, source="person.id_number", read_only=True, label="公民身份号码（脱敏）")
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    organization = serializers.CharField(source="person.organization.code", read_only=True, label="所在组织代码")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="学时类型名称")

    class Meta:
        model = Credit
        fields = ["id", "person", "person_name", "organization", "on", "year", "kind", "kind_label", "hours",
                  "claimed", "days", "basis", "source", "source_id", "source_label", "provider", "rule", "carried"]
        read_only_fields = fields


class CreditFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(label="公民身份号码", method="filter_person")
    year = django_filters.NumberFilter(label="计入年度", field_name="year")
    kind = django_filters.ChoiceFilter(label="学时类型", choices=CreditKind.choices)
    organization = SubtreeFilter(label="组织代码：该组织及其下级人员的学时")

    class Meta:
        model = Credit
        fields = []

    def filter_person(self, qs, name, value):
        try:
            number = idnumber.parse_id_number(value.strip()).number
        except idnumber.IdNumberError as exc:
            raise exceptions.ValidationError({name: [str(exc)]}) from None
        return qs.filter(person__id_number=number)


class CreditViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """学时台账：计入每人的学时记录。"""

    queryset = Credit.objects.select_related("person", "person__organization").order_by("-on", "-pk")
    serializer_class = CreditSerializer
    filter_backends = [FilterBackend]
    filterset_class = CreditFilterSet


def register(router) -> None:
    router.register("training/credits", CreditViewSet, basename="training-credits")

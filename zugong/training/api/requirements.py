"""Training API: requirements — `/api/training/hours/?person=<公民身份号码>&year=YYYY`: one person's credited hours
of a year (total and by type) and their standing by requirement."""

from __future__ import annotations

import django_filters
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.people import idnumber
from zugong.people.models import Person

from .. import requirements_selectors as selectors
from ..models import CreditKind


class HoursFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(label="公民身份号码", method="filter_person", required=True)
    year = django_filters.NumberFilter(label="年度", method="filter_year", required=True, min_value=2000,
                                       max_value=2999)

    class Meta:
        model = Person
        fields = []

    def filter_person(self, qs, name, value):
        try:
            number = idnumber.parse_id_number(value).number
        except idnumber.IdNumberError as exc:
            raise exceptions.ValidationError({name: [str(exc)]}) from None
        return qs.filter(id_number=number)

    def filter_year(self, qs, name, value):
        if value != int(value):
            raise exceptions.ValidationError({name: ["查询参数 year（年度）：应为整数"]})
        return qs


class RequirementStandingSerializer(serializers.Serializer):
    code = serializers.CharField(label="要求代码", help_text="如 training.cadre_year、branchlife.study_hours")
    required = serializers.FloatField(label="应达", help_text="学时；新任书记和预备党员的要求为次数")
    credited = serializers.FloatField(label="已计")
    shortfall = serializers.FloatField(label="差额", help_text="已达到的为 0")
    period = serializers.CharField(label="期间", help_text="如“2025年”“2021-03-17 至 2026-03-16”")


class HoursSerializer(serializers.Serializer):
    person = serializers.CharField(label="姓名")
    year = serializers.IntegerField(label="年度")
    credited = serializers.FloatField(label="全年计入学时")
    by_type = serializers.DictField(child=serializers.FloatField(), label="按学时类型",
                                    help_text="键为学时类型代码：" + "、".join(f"{k.value} {k.label}" for k in CreditKind))
    requirements = RequirementStandingSerializer(many=True, label="培训要求落实情况")


@extend_schema(tags=["培训"])
class HoursViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Person.objects.all()
    http_method_names = ["get", "head", "options"]
    filter_backends = [FilterBackend]
    filterset_class = HoursFilterSet
    pagination_class = None
    serializer_class = HoursSerializer

    @extend_schema(
        summary="个人培训学时",
        description=("按公民身份号码（`person`）和年度（`year`）查询一人的培训学时：全年计入学时（`credited`）、按学时类型"
                     "（`by_type`）和适用的每项培训要求（`requirements`：代码、应达、已计、差额、期间）。只能查询您管辖范围内的"
                     "人员；不在范围内或不存在的答 404。"),
        responses={200: HoursSerializer, 404: OpenApiResponse(description="不存在或不在管辖范围内")},
    )
    def list(self, request, *args, **kwargs):
        found = self.filter_queryset(self.get_queryset()).first()
        if found is None:
            raise Http404("不存在或不在管辖范围内")
        year = int(request.query_params["year"])
        total, by_type = selectors.by_type(found, year)
        from django.utils import timezone

        standing = selectors.standing(found, timezone.localdate(), year=year)
        return Response({"person": found.name, "year": year, "credited": float(total),
                         "by_type": {k: float(v) for k, v in by_type.items()},
                         "requirements": [s.as_api() for s in standing]})


def register(router) -> None:
    router.register("training/hours", HoursViewSet, basename="training-hours")

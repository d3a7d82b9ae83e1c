"""Training API: the course library.

`GET /api/training/courses/` → the courses the user sees (issued in their subtree, above it, or nationally):
`code`, `title`, `category`, `issuer` (the issuing organization's code, empty for a national course),
`minutes`, `hours` (stated 学时, null: by the online rule), `has_test`, `active`, `materials` (each: `title`,
`type`, `url` — the download page, which checks the scope again). Filters: `category` (name), `organization`
(a code: the courses that apply there), `active`, `q` (title, code or lecturer). Read-only.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zugong.core.api import ScopedViewSetMixin
from zugong.core.api_params import FilterBackend
from zugong.orgs.fields import resolve_org_code

from ..models import Course, CourseMaterial


class MaterialSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="type_label", read_only=True, label="类型")
    url = serializers.SerializerMethodField(label="下载或打开地址")

    class Meta:
        model = CourseMaterial
        fields = ["id", "title", "type", "size", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("training:course_material", args=[obj.pk])


class CourseSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True, label="课程类别")
    issuer = serializers.SerializerMethodField(label="发布单位代码（全国通用的为空）")
    issuer_name = serializers.CharField(source="issuer", read_only=True, label="发布单位")
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, allow_null=True,
                                     label="认定学时（为空则按学习时长折算）")
    materials = MaterialSerializer(many=True, read_only=True, label="课程资料")

    class Meta:
        model = Course
        fields = ["id", "code", "title", "category", "issuer", "issuer_name", "lecturer", "minutes", "hours",
                  "has_test", "active", "summary", "materials"]
        read_only_fields = fields

    def get_issuer(self, obj) -> str:
        return obj.organization.code if obj.organization_id else ""


class CourseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="课程名称、代码或主讲人", method="filter_q")
    category = django_filters.CharFilter(label="课程类别名称", field_name="category__name")
    organization = django_filters.CharFilter(label="组织代码：该组织适用的课程（本级、上级和全国通用的）",
                                             method="filter_org")
    active = django_filters.BooleanFilter(label="是否启用")

    class Meta:
        model = Course
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(code__icontains=value) | Q(lecturer__icontains=value))

    def filter_org(self, qs, name, value):
        return qs.applying_to(resolve_org_code(self.request, value, name).path)


@extend_schema(tags=["培训"])
@extend_schema_view(list=extend_schema(summary="课程库（按类别、适用组织、是否启用筛选）"),
                    retrieve=extend_schema(summary="一门课程及其资料"))
class CourseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (Course.objects.select_related("organization", "category")
                .prefetch_related(Prefetch("materials", queryset=CourseMaterial.objects.order_by("order", "pk"))).order_by("code", "id"))
    serializer_class = CourseSerializer
    filter_backends = [FilterBackend]
    filterset_class = CourseFilterSet


def register(router) -> None:
    router.register("training/courses", CourseViewSet, basename="training-course")

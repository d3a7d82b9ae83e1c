"""Training tables: the course library (filters: category, organization, search)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q

from zugong.core.filters import YesNoFilter
from zugong.orgs.models import Organization

from ..models import Course, CourseCategory

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class CourseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="课程名称 / 代码 / 主讲人", method="filter_q")
    category = django_filters.ModelChoiceFilter(label="课程类别", queryset=CourseCategory.objects.none())
    org = django_filters.CharFilter(label="适用组织代码", method="filter_org",
                                    help_text="该组织适用的课程：本级、上级发布和全国通用的")
    active = YesNoFilter(label="启用", yes="启用", no="停用")

    class Meta:
        model = Course
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["category"].queryset = CourseCategory.objects.visible_to(user).order_by("order", "pk")

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(code__icontains=value) | Q(lecturer__icontains=value))

    def filter_org(self, qs, name, value):
        path = (Organization.objects.visible_to(self.request.user).filter(code=value.strip())
                .values_list("path", flat=True).first())
        return qs.applying_to(path) if path else qs.none()


class CourseTable(tables.Table):
    code = tables.Column("课程代码")
    title = tables.Column("课程名称", linkify=("training:course_detail", {"pk": tables.A("pk")}))
    category = tables.Column("课程类别", accessor="category__name")
    issuer = tables.Column("发布单位", accessor="organization__name", default="全国通用")
    minutes = tables.Column("时长（分钟）")
    hours = tables.Column("认定学时", empty_values=())
    has_test = tables.BooleanColumn("课后测试", yesno="有,无")
    studied = tables.Column("学习人次", empty_values=(), orderable=False)
    active = tables.BooleanColumn("状态", yesno="启用,停用")

    class Meta:
        model = Course
        fields = ("code", "title", "category", "issuer", "minutes", "hours", "has_test", "studied", "active")
        orderable = False
        attrs = {**ATTRS, "id": "courses"}
        empty_text = "没有符合条件的课程"

    def render_hours(self, record):
        return f"{record.hours.normalize():f}" if record.hours else "按时长折算"

    value_hours = render_hours

    def render_studied(self, record):
        return getattr(record, "studied", 0) or 0

    value_studied = render_studied

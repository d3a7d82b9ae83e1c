"""Talent tables: the pool — the list of recognised talents and its filters (name or pinyin, programme, tier,
field, status, organization subtree, year recognised, tag, serving in a 乡村振兴重点帮扶县)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils import timezone

from zugong.core.filters import YesNoFilter
from zugong.orgs.models import Organization
from zugong.people import search

from ..models import Program, Talent
from ..pool_selectors import in_priority_county_q

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class TalentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    program = django_filters.ModelChoiceFilter(label="人才项目", queryset=Program.objects.none())
    tier = django_filters.CharFilter(label="层次", field_name="tier_name")
    field = django_filters.CharFilter(label="专业领域", field_name="field", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label="状态", choices=Talent.Status.choices)
    org = django_filters.CharFilter(label="组织代码（含下级）", method="filter_org")
    year = django_filters.NumberFilter(label="认定年度", field_name="since", lookup_expr="year", min_value=1949,
                                       max_value=9999)
    tag = django_filters.CharFilter(label="标签", field_name="tags", lookup_expr="icontains")
    priority = YesNoFilter(label="在重点帮扶县服务", method="filter_priority")

    class Meta:
        model = Talent
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["program"].queryset = Program.objects.visible_to(user)

    def filter_q(self, qs, name, value):
        return qs.filter(person__in=search.matching_ids(value)) if value.strip() else qs

    def filter_org(self, qs, name, value):
        path = Organization.objects.visible_to(self.request.user).filter(code=value.strip()).values_list(
            "path", flat=True).first()
        return qs.subtree(path) if path else qs.none()

    def filter_priority(self, qs, name, value):
        if value is None:
            return qs
        q = in_priority_county_q(timezone.localdate())
        return qs.filter(q) if value else qs.exclude(q)


class TalentTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name", linkify=("talent:talent", {"pk": tables.A("pk")}))
    program = tables.Column("人才项目", accessor="program__name")
    tier_name = tables.Column("层次")
    field = tables.Column("专业领域")
    unit = tables.Column("工作单位", accessor="unit_name", default="—")
    organization = tables.Column("所在党组织", accessor="organization__name")
    since = tables.DateColumn(format="Y-m-d", verbose_name="认定日期")
    until = tables.DateColumn(format="Y-m-d", verbose_name="支持期满日期")
    status = tables.Column("状态")
    tags = tables.Column("标签", default="")

    class Meta:
        model = Talent
        fields = ("name", "program", "tier_name", "field", "unit", "organization", "since", "until", "status", "tags")
        orderable = False
        attrs = {**ATTRS, "id": "pool"}
        empty_text = "没有符合条件的人才"

"""Training tables: ledger — the list of ledger lines and its filters (year, type, organization, person)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables

from zugong.core.filters import YesNoFilter
from zugong.orgs.models import Organization
from zugong.people import search

from ..models import Credit, CreditKind

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class CreditFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="组织代码", method="filter_org")
    year = django_filters.NumberFilter(label="年度", field_name="year", min_value=1949, max_value=9999)
    kind = django_filters.ChoiceFilter(label="学时类型", choices=CreditKind.choices)
    carried = YesNoFilter(label="结转学时")

    class Meta:
        model = Credit
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(person__in=search.matching_ids(value))

    def filter_org(self, qs, name, value):
        path = Organization.objects.visible_to(self.request.user).filter(code=value).values_list(
            "path", flat=True).first()
        return qs.subtree(path) if path else qs.none()


class CreditTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name",
                         linkify=("training:person", {"pk": tables.A("person_id")}))
    organization = tables.Column("所在组织", accessor="person__organization__name")
    on = tables.DateColumn(format="Y-m-d", verbose_name="日期")
    kind = tables.Column("学时类型")
    source_label = tables.Column("来源名称")
    provider = tables.Column("举办单位")
    basis = tables.Column("计算依据")
    hours = tables.Column("计入学时")
    rule = tables.Column("认定规则")

    class Meta:
        model = Credit
        fields = ("name", "organization", "on", "kind", "source_label", "provider", "basis", "hours", "rule")
        orderable = False
        attrs = {**ATTRS, "id": "credits"}
        empty_text = "没有符合条件的学时记录"

    def render_hours(self, value):
        return f"{value.normalize():f}"

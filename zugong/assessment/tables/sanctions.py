"""Tables and list filters of sanctions and investigations."""

from __future__ import annotations

import django_filters
import django_tables2 as tables

from zugong.orgs.models import Organization
from zugong.people import search

from ..models import Family, Investigation, Sanction, SanctionKind

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


def _subtree(request, qs, code: str):
    path = Organization.objects.visible_to(request.user).filter(code=code).values_list("path", flat=True).first()
    return qs.subtree(path) if path else qs.none()


class SanctionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="组织代码", method="filter_org")
    kind = django_filters.ChoiceFilter(label="处分类别", choices=SanctionKind.choices)
    family = django_filters.ChoiceFilter(label="处分性质", choices=Family.choices)
    year = django_filters.NumberFilter(label="决定年度", field_name="decided_on", lookup_expr="year",
                                       min_value=1949, max_value=9999)

    class Meta:
        model = Sanction
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(person__in=search.matching_ids(value))

    def filter_org(self, qs, name, value):
        return _subtree(self.request, qs, value)


class InvestigationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="组织代码", method="filter_org")
    state = django_filters.ChoiceFilter(label="状态", choices=[("open", "未结案"), ("closed", "已结案")],
                                        method="filter_state")
    year = django_filters.NumberFilter(label="立案年度", field_name="opened_on", lookup_expr="year",
                                       min_value=1949, max_value=9999)

    class Meta:
        model = Investigation
        fields = []

    filter_q = SanctionFilterSet.filter_q
    filter_org = SanctionFilterSet.filter_org

    def filter_state(self, qs, name, value):
        return qs.filter(closed_on__isnull=(value == "open"))


class SanctionTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name", linkify=("assessment:sanctions_detail", {"pk": tables.A("pk")}))
    organization = tables.Column("所在党组织", accessor="person__organization__name")
    kind = tables.Column("处分类别")
    family = tables.Column("处分性质")
    decided_on = tables.DateColumn(format="Y-m-d", verbose_name="决定日期")
    effective_until = tables.DateColumn(format="Y-m-d", verbose_name="影响期至")
    deciding_body = tables.Column("决定机关")
    document_no = tables.Column("文号")

    class Meta:
        model = Sanction
        fields = ("name", "organization", "kind", "family", "decided_on", "effective_until", "deciding_body",
                  "document_no")
        orderable = False
        attrs = {**ATTRS, "id": "sanctions"}
        empty_text = "没有符合条件的处分记录"


class InvestigationTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name",
                         linkify=("assessment:investigations_detail", {"pk": tables.A("pk")}))
    organization = tables.Column("所在党组织", accessor="person__organization__name")
    opened_on = tables.DateColumn(format="Y-m-d", verbose_name="立案日期")
    body = tables.Column("立案机关")
    closed_on = tables.DateColumn(format="Y-m-d", verbose_name="结案日期")
    outcome = tables.Column("结案结果", empty_values=())

    class Meta:
        model = Investigation
        fields = ("name", "organization", "opened_on", "body", "closed_on", "outcome")
        orderable = False
        attrs = {**ATTRS, "id": "investigations"}
        empty_text = "没有符合条件的立案审查记录"

    def render_outcome(self, record):
        return record.get_outcome_display() if record.closed_on else "未结案"

    value_outcome = render_outcome

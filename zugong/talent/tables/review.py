"""Tables of expert review: the expert pool (filters: field, unit, name)."""

from __future__ import annotations

from django import forms
import django_filters
import django_tables2 as tables

from ..models import Expert, ReviewRound

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class ExpertFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名", method="filter_q")
    field = django_filters.CharFilter(label="专业领域", method="filter_field")
    unit = django_filters.CharFilter(label="工作单位", method="filter_unit")
    active = django_filters.BooleanFilter(label="在库", widget=forms.Select(
        choices=[("", "全部"), ("true", "在库"), ("false", "已出库")]))

    class Meta:
        model = Expert
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(name__contains=value.strip())

    def filter_field(self, qs, name, value):
        return qs.filter(field__contains=value.strip())

    def filter_unit(self, qs, name, value):
        from django.db.models import Q

        v = value.strip()
        return qs.filter(Q(unit_name__contains=v) | Q(unit__name__contains=v))


class ExpertTable(tables.Table):
    name = tables.Column("姓名", linkify=("talent:expert", {"pk": tables.A("pk")}))
    unit_shown = tables.Column("工作单位", accessor="unit_name", orderable=False)
    field = tables.Column("专业领域")
    title = tables.Column("职称职务")
    active = tables.BooleanColumn(verbose_name="在库", yesno="是,否")
    reviewer = tables.Column("评审账号", accessor="user__username", default="—")

    class Meta:
        model = Expert
        fields = ("name", "unit_shown", "field", "title", "active", "reviewer")
        attrs = {**ATTRS, "id": "experts"}
        empty_text = "专家库中没有符合条件的专家"

    def render_unit_shown(self, value, record):
        return record.unit_name or (record.unit.name if record.unit_id else "—")

    def value_unit_shown(self, value, record):
        return self.render_unit_shown(value, record)


class RoundTable(tables.Table):
    name = tables.Column("评审轮次", linkify=("talent:round", {"pk": tables.A("pk")}))
    edition = tables.Column("批次", accessor="edition__title")
    tier = tables.Column("层次", default="全部层次")
    reviewers_per_application = tables.Column("每份专家人数")
    status = tables.Column("状态")
    published_on = tables.DateColumn(format="Y-m-d", verbose_name="发布日期")

    class Meta:
        model = ReviewRound
        fields = ("name", "edition", "tier", "reviewers_per_application", "status", "published_on")
        attrs = {**ATTRS, "id": "rounds"}
        empty_text = "还没有评审轮次"


class RoundFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ReviewRound.Status.choices)

    class Meta:
        model = ReviewRound
        fields = []

"""Training tables: classes — the list of classes with its filters, and the plans."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Count, Q

from zugong.orgs.models import Organization

from .. import classes_services as services
from ..models import Enrolment, TrainingClass

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class ClassFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="班次名称或代码", method="filter_q")
    org = django_filters.CharFilter(label="主办单位代码（含下级）", method="filter_org")
    year = django_filters.NumberFilter(label="年度", field_name="starts_on", lookup_expr="year", min_value=1949,
                                       max_value=9999)
    kind = django_filters.ChoiceFilter(label="培训类型", choices=[])
    status = django_filters.ChoiceFilter(label="状态", choices=TrainingClass.Status.choices)
    off_job = django_filters.ChoiceFilter(label="是否脱产", choices=[("1", "脱产"), ("0", "不脱产")],
                                          method="filter_off_job")

    class Meta:
        model = TrainingClass
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = [(t.code, t.name) for t in services.class_types()]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_org(self, qs, name, value):
        path = (Organization.objects.visible_to(self.request.user).filter(code=value)
                .values_list("path", flat=True).first())
        return qs.subtree(path) if path else qs.none()

    def filter_off_job(self, qs, name, value):
        return qs.filter(off_job=(value == "1"))


def with_counts(qs):
    active = ~Q(enrolments__status=Enrolment.Status.WITHDRAWN)
    return qs.annotate(enrolled=Count("enrolments", filter=active, distinct=True),
                       session_count=Count("sessions", distinct=True))


class ClassTable(tables.Table):
    code = tables.Column("班次代码")
    name = tables.Column("班次名称", linkify=("training:class_detail", {"pk": tables.A("pk")}))
    organization = tables.Column("主办单位", accessor="organization__name")
    kind = tables.Column("培训类型")
    off_job = tables.BooleanColumn(verbose_name="脱产", yesno="是,否")
    starts_on = tables.DateColumn(format="Y-m-d", verbose_name="开始日期")
    ends_on = tables.DateColumn(format="Y-m-d", verbose_name="结束日期")
    total_hours = tables.Column("总学时")
    enrolled = tables.Column("学员", empty_values=())
    capacity = tables.Column("计划人数")
    status = tables.Column("状态")

    class Meta:
        model = TrainingClass
        fields = ("code", "name", "organization", "kind", "off_job", "starts_on", "ends_on", "total_hours",
                  "enrolled", "capacity", "status")
        orderable = False
        attrs = {**ATTRS, "id": "training-classes"}
        empty_text = "没有符合条件的培训班次"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_names = {t.code: t.name for t in services.class_types()}

    def render_kind(self, value):
        return self.type_names.get(value, value)

    value_kind = render_kind

    def render_total_hours(self, value):
        return services.num(value)

    value_total_hours = render_total_hours

"""Tables of the programmes: the programmes a user can see (filters: level, name or code, active)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from zugong.core.filters import YesNoFilter

from ..models import Program

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class ProgramFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="项目名称或代码", method="filter_q")
    level = django_filters.ChoiceFilter(label="层级", choices=Program.Level.choices)
    active = YesNoFilter(label="启用")

    class Meta:
        model = Program
        fields = []

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__contains=value) | Q(code__icontains=value))


class ProgramTable(tables.Table):
    code = tables.Column("项目代码")
    name = tables.Column("项目名称", linkify=("talent:program", {"pk": tables.A("pk")}))
    level = tables.Column("层级")
    organization = tables.Column("主办单位", accessor="organization__name")
    document = tables.Column("设立依据")
    n_editions = tables.Column("批次数", orderable=False)
    latest = tables.Column("最近批次", orderable=False, empty_values=())
    active = tables.BooleanColumn("启用", yesno="是,否")

    class Meta:
        model = Program
        fields = ("code", "name", "level", "organization", "document", "n_editions", "latest", "active")
        orderable = False
        attrs = {**ATTRS, "id": "programs"}
        empty_text = "没有可查看的人才项目"

    def render_latest(self, record):
        if not record.latest_pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("talent:edition", args=[record.latest_pk]),
                           record.latest_title)

    def value_latest(self, record):
        return record.latest_title or ""

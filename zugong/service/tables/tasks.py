"""Service tables: tasks — the list of items and its filters (organization subtree, status, urgency, category,
source, overdue)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.utils import timezone

from zugong.core.filters import YesNoFilter
from zugong.orgs.models import Organization

from ..models import ServiceTask, Source, TaskCategory, UrgencyClass
from ..models.tasks import Status
from ..rules.tasks import RUNNING

ATTRS = {"class": "table table-vcenter card-table table-striped"}


def overdue_q(today) -> Q:
    """Running items (open, not paused) whose deadline has passed."""
    return Q(status__in=RUNNING, deadline__lt=today)


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="事项名称 / 编号", method="filter_q")
    org = django_filters.CharFilter(label="责任组织代码（含下级）", method="filter_org")
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices)
    urgency = django_filters.ModelChoiceFilter(label="紧急程度", queryset=UrgencyClass.objects.none())
    category = django_filters.ModelChoiceFilter(label="类别", queryset=TaskCategory.objects.none())
    source = django_filters.ChoiceFilter(label="来源", choices=Source.choices)
    overdue = YesNoFilter(label="已超期", method="filter_overdue")

    class Meta:
        model = ServiceTask
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["urgency"].queryset = UrgencyClass.objects.visible_to(user)
        self.filters["category"].queryset = TaskCategory.objects.visible_to(user)

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(number=value)) if value else qs

    def filter_org(self, qs, name, value):
        path = Organization.objects.visible_to(self.request.user).filter(code=value.strip()).values_list(
            "path", flat=True).first()
        return qs.subtree(path) if path else qs.none()

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        q = overdue_q(timezone.localdate())
        return qs.filter(q) if value else qs.exclude(q)


class TaskTable(tables.Table):
    number = tables.Column("编号", linkify=("service:detail", {"pk": tables.A("pk")}))
    title = tables.Column("事项名称", linkify=("service:detail", {"pk": tables.A("pk")}))
    organization = tables.Column("责任组织", accessor="organization__name")
    urgency = tables.Column("紧急程度", accessor="urgency__name")
    category = tables.Column("类别", accessor="category__name", default="—")
    source = tables.Column("来源")
    received_on = tables.DateColumn(format="Y-m-d", verbose_name="受理日期")
    deadline = tables.DateColumn(format="Y-m-d", verbose_name="办结期限")
    status = tables.Column("状态")
    completed_on = tables.DateColumn(format="Y-m-d", verbose_name="办结日期", default="")
    satisfaction = tables.Column("满意度", default="")

    class Meta:
        model = ServiceTask
        fields = ("number", "title", "organization", "urgency", "category", "source", "received_on", "deadline",
                  "status", "completed_on", "satisfaction")
        orderable = False
        attrs = {**ATTRS, "id": "tasks"}
        empty_text = "没有符合条件的办实事事项"

    def render_status(self, value, record):
        if record.status in RUNNING and record.deadline and record.deadline < timezone.localdate():
            return f"{value}（已超期）"
        return value

"""Tables of 在职党员到社区报到: the registrations (filters: status, community or branch code, name)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables

from zugong.orgs.models import Organization

from ..models import CommunityRegistration

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class RegistrationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名", method="filter_q")
    status = django_filters.ChoiceFilter(label="状态", choices=CommunityRegistration.Status.choices)
    community = django_filters.CharFilter(label="报到社区组织代码", method="filter_community")
    branch = django_filters.CharFilter(label="所在党组织代码", method="filter_branch",
                                       help_text="该组织及其下级党支部的党员")

    class Meta:
        model = CommunityRegistration
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(membership__person__name__contains=value.strip())

    def filter_community(self, qs, name, value):
        path = Organization.objects.visible_to(self.request.user).filter(code=value.strip()) \
            .values_list("path", flat=True).first()
        return qs.filter(org_path__subtree=path) if path else qs.none()

    def filter_branch(self, qs, name, value):
        path = Organization.objects.visible_to(self.request.user).filter(code=value.strip()) \
            .values_list("path", flat=True).first()
        return qs.filter(branch__path__subtree=path) if path else qs.none()


class RegistrationTable(tables.Table):
    name = tables.Column("姓名", accessor="membership__person__name",
                         linkify=("service:community_registration", {"pk": tables.A("pk")}))
    branch = tables.Column("所在党支部", accessor="branch__name")
    community = tables.Column("报到社区", accessor="community__name")
    residence = tables.Column("居住小区（网格）")
    registered_on = tables.DateColumn(format="Y-m-d", verbose_name="报到日期")
    status = tables.Column("状态")
    activity_count = tables.Column("本年参加活动（次）", orderable=False)
    period_hours = tables.Column("本年服务时长（小时）", orderable=False)

    class Meta:
        model = CommunityRegistration
        fields = ("name", "branch", "community", "residence", "registered_on", "status", "activity_count",
                  "period_hours")
        orderable = False
        attrs = {**ATTRS, "id": "registrations"}
        empty_text = "没有符合条件的报到记录"

    def render_period_hours(self, value):
        return f"{value:.1f}"

    def value_period_hours(self, value):
        return float(value)

"""Talent tables: applications — the list of applications and its filters (edition, tier, status, the
recommending organization's subtree)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q

from zugong.orgs.models import Organization

from ..models import Application, Edition, Tier
from ..models.applications import Status

ATTRS = {"class": "table table-vcenter card-table table-striped"}


class ApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 专业领域", method="filter_q")
    edition = django_filters.ModelChoiceFilter(label="批次", queryset=Edition.objects.none())
    tier = django_filters.ModelChoiceFilter(label="层次", queryset=Tier.objects.none())
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices)
    org = django_filters.CharFilter(label="推荐单位代码（含下级）", method="filter_org")

    class Meta:
        model = Application
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["edition"].queryset = Edition.objects.visible_to(user)
        self.filters["tier"].queryset = Tier.objects.visible_to(user).select_related("edition")
        self.filters["tier"].field.label_from_instance = lambda t: f"{t.edition.title}：{t.name}"

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(person__name__icontains=value) | Q(field__icontains=value)) if value else qs

    def filter_org(self, qs, name, value):
        path = Organization.objects.visible_to(self.request.user).filter(code=value.strip()).values_list(
            "path", flat=True).first()
        return qs.subtree(path) if path else qs.none()


class ApplicationTable(tables.Table):
    person = tables.Column("申报人", accessor="person__name", linkify=("talent:detail", {"pk": tables.A("pk")}))
    edition = tables.Column("批次", accessor="edition__title")
    tier = tables.Column("层次", accessor="tier__name")
    field = tables.Column("专业领域")
    unit_name = tables.Column("工作单位", default="—")
    organization = tables.Column("推荐单位", accessor="organization__name")
    applied_on = tables.DateColumn(format="Y-m-d", verbose_name="申报日期")
    # the pre-check runs at recommendation: before it 未预审; a condition the records cannot decide 待人工审查 (the
    # application page's word)
    precheck_passed = tables.Column(verbose_name="预审", empty_values=())
    status = tables.Column("状态")
    notice_end = tables.DateColumn(format="Y-m-d", verbose_name="公示截止", default="")

    def value_precheck_passed(self, record):
        if record.precheck_at is None:
            return "未预审"
        return {True: "符合", False: "不符合"}.get(record.precheck_passed, "待人工审查")

    def render_precheck_passed(self, record):
        return self.value_precheck_passed(record)

    class Meta:
        model = Application
        fields = ("person", "edition", "tier", "field", "unit_name", "organization", "applied_on",
                  "precheck_passed", "status", "notice_end")
        orderable = False
        attrs = {**ATTRS, "id": "applications"}
        empty_text = "没有符合条件的申报"

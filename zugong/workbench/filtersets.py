"""The findings list's filters: module, rule, severity, organization (a picker), state and date opened."""

from __future__ import annotations

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.http import QueryDict

from zugong.core import rules
from zugong.core.models import Finding
from zugong.core.rule_views import visible_rules
from zugong.orgs.fields import OrganizationPicker
from zugong.orgs.models import Organization

STATES = (
    ("pending", "待处理（未确认知悉）"),
    ("acknowledged", "已确认知悉"),
    ("excepted", "例外办理"),
    ("resolved", "已消除"),
    ("all", "全部"),
)


def module_of(code: str) -> str:
    """The app a rule belongs to (its code's first part: members.dues_arrears → members)."""
    return code.split(".", 1)[0]


def module_label(label: str) -> str:
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


class OrganizationFilter(django_filters.ModelChoiceFilter):
    """The organization picker (searched by name or code, among the user's organizations) as a filter."""

    field_class = OrganizationPicker


class FindingFilterSet(django_filters.FilterSet):
    module = django_filters.ChoiceFilter(label="业务模块", method="filter_module", empty_label="全部")
    rule = django_filters.ChoiceFilter(label="规则", empty_label="全部")
    severity = django_filters.ChoiceFilter(label="严重程度", choices=Finding.Severity.choices, empty_label="全部")
    organization = OrganizationFilter(label="党组织（含下级）", queryset=Organization.objects.none(),
                                      method="filter_organization")
    state = django_filters.ChoiceFilter(label="状态", choices=STATES, method="filter_state", empty_label="未消除")
    opened_from = django_filters.DateFilter(label="发现日期从", field_name="opened_at", lookup_expr="date__gte",
                                            widget=forms.DateInput(attrs={"type": "date"}))
    opened_to = django_filters.DateFilter(label="发现日期到", field_name="opened_at", lookup_expr="date__lte",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Finding
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        # Always bound: no parameters is a valid filter too (the default state, 未消除).
        super().__init__(QueryDict("") if data is None else data, *args, request=request, **kwargs)
        user = request.user
        self.rules = sorted(visible_rules(user), key=lambda r: r.code)
        modules = sorted({module_of(r.code) for r in self.rules})
        self.form.fields["module"].choices = [("", "全部"), *[(m, module_label(m)) for m in modules]]
        self.form.fields["rule"].choices = [("", "全部"), *[(r.code, r.title) for r in self.rules]]
        self.form.fields["organization"].bind(user)

    def filter_module(self, qs, name, value):
        return qs.filter(rule__startswith=f"{value}.")

    def filter_organization(self, qs, name, value):
        return qs.subtree(value.path)

    def filter_state(self, qs, name, value):
        if value == "pending":
            return qs.open().filter(acknowledged_at__isnull=True)
        if value == "acknowledged":
            return qs.open().filter(acknowledged_at__isnull=False)
        if value == "excepted":
            return qs.filter(excepted_at__isnull=False)
        if value == "resolved":
            return qs.filter(resolved_at__isnull=False)
        return qs

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("state"):
            qs = qs.open()  # the default: 未消除 (open: not resolved, not excepted; acknowledged ones included)
        return qs


def open_states_q() -> Q:
    return Q(resolved_at__isnull=True, excepted_at__isnull=True)


SEVERITIES = rules.SEVERITY_LABELS

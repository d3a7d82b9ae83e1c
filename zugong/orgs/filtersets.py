import django_filters
from django import forms

from zugong.core.refdata import SECTORS

from .models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或代码", method="filter_q")
    kind = django_filters.ChoiceFilter(label="类别", choices=Organization.Kind.choices, empty_label="全部类别")
    sector = django_filters.ChoiceFilter(label="领域", choices=SECTORS, empty_label="全部领域")
    status = django_filters.ChoiceFilter(label="状态", choices=Organization.Status.choices, empty_label="全部状态")
    within = django_filters.CharFilter(label="所属组织代码", method="filter_within")
    term_due_before = django_filters.DateFilter(
        label="任期届满早于", field_name="term_ends_on", lookup_expr="lt",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Organization
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(code__startswith=value) if value.isdigit() else qs.filter(name__contains=value)

    def filter_within(self, qs, name, value):
        root = qs.filter(code=value).values_list("path", flat=True).first()
        return qs.subtree(root) if root else qs.none()

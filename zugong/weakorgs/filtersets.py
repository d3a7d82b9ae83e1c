import django_filters
from django import forms
from django.utils import timezone

from zugong.core.filters import YesNoFilter
from zugong.orgs.fields import subtree_filter

from .models import Flag, IdentificationList, Rectification


class OrgFilterMixin:
    def filter_org(self, qs, name, value):
        return subtree_filter(self.request, qs, value)


class ListFilterSet(OrgFilterMixin, django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(label="状态", choices=IdentificationList.Status.choices, empty_label="全部")

    class Meta:
        model = IdentificationList
        fields = []


class CaseFilterSet(OrgFilterMixin, django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    year = django_filters.NumberFilter(label="认定年度", field_name="entry__identification_list__year")
    status = django_filters.ChoiceFilter(label="状态", choices=Rectification.Status.choices, empty_label="全部")
    overdue = django_filters.BooleanFilter(label="仅超期未销号", method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = Rectification
        fields = []

    def filter_overdue(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(status__in=Rectification.OPEN_STATUSES, deadline__lt=timezone.localdate())


class FlagFilterSet(OrgFilterMixin, django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    year = django_filters.NumberFilter(label="年度")
    withdrawn = YesNoFilter(label="已撤销")

    class Meta:
        model = Flag
        fields = []

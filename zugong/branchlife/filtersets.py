import django_filters
from django import forms

from zugong.orgs.models import Organization

from .models import Meeting


def subtree(request, qs, code: str):
    path = Organization.objects.visible_to(request.user).filter(code=code).values_list("path", flat=True).first()
    return qs.subtree(path) if path else qs.none()


class MeetingFilterSet(django_filters.FilterSet):
    org = django_filters.CharFilter(label="党组织代码", method="filter_org")
    kind = django_filters.ChoiceFilter(label="会议类型", choices=Meeting.Kind.choices, empty_label="全部类型")
    since = django_filters.DateFilter(label="起始日期", field_name="held_on", lookup_expr="gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label="截止日期", field_name="held_on", lookup_expr="lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    topic = django_filters.CharFilter(label="主题包含", field_name="topic", lookup_expr="contains")

    class Meta:
        model = Meeting
        fields = []

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)

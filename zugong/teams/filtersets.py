import django_filters
from django import forms
from django.db.models import Q

from zugong.orgs.models import Organization

from .models import TEAM_LEVELS, LeadershipTeam


class TeamFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="班子或单位名称", method="filter_q")
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    level = django_filters.ChoiceFilter(label="班子层级", choices=TEAM_LEVELS, empty_label="全部层级")
    kind = django_filters.ChoiceFilter(label="班子类别", choices=LeadershipTeam.Kind.choices, empty_label="全部类别")
    vacant = django_filters.BooleanFilter(label="只看有空缺的", method="filter_vacant", widget=forms.CheckboxInput)

    class Meta:
        model = LeadershipTeam
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(unit__name__contains=value))

    def filter_org(self, qs, name, value):
        path = Organization.objects.visible_to(self.request.user).filter(code=value).values_list("path", flat=True)
        path = path.first()
        return qs.subtree(path) if path else qs.none()

    def filter_vacant(self, qs, name, value):
        return qs.filter(vacancies_total__gt=0) if value else qs

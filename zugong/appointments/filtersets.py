import django_filters

from zugong.orgs.fields import subtree_filter as subtree
from zugong.people import search

from . import ranking
from .models import Observation, SelectionCase, TaskKind
from .steps import STAGES


def by_name(qs, value, field="cadre__person__in"):
    people = search.matching_ids(value)
    return qs.filter(**{field: people})


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    stage = django_filters.ChoiceFilter(label="阶段", choices=list(STAGES.items()), empty_label="全部阶段")
    status = django_filters.ChoiceFilter(label="状态", choices=SelectionCase.Status.choices, empty_label="全部状态")
    rank = django_filters.ChoiceFilter(label="拟任职务层次", choices=ranking.post_rank_choices(), empty_label="全部")
    year = django_filters.NumberFilter(label="动议年份", field_name="proposed_on", lookup_expr="year")

    class Meta:
        model = SelectionCase
        fields = []

    def filter_q(self, qs, name, value):
        return by_name(qs, value)

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)


class PublicNoticeFilterSet(django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")

    class Meta:
        model = SelectionCase
        fields = []

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)


class ObservationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    task_kind = django_filters.ChoiceFilter(label="任务类别", choices=TaskKind.choices, empty_label="全部")
    rating = django_filters.ChoiceFilter(label="表现评价", choices=Observation.Rating.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年份", field_name="observed_on", lookup_expr="year")

    class Meta:
        model = Observation
        fields = []

    def filter_q(self, qs, name, value):
        return by_name(qs, value, "person__in")

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)

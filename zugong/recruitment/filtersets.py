import django_filters
from django import forms

from zugong.orgs.models import Organization
from zugong.people import search

from .models import Case, TargetGroup
from .steps import STAGES


def subtree(request, qs, code: str):
    """Cases of the subtree of the organization with `code`, looked up among those the user may see."""
    path = Organization.objects.visible_to(request.user).filter(code=code).values_list("path", flat=True).first()
    return qs.subtree(path) if path else qs.none()


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    stage = django_filters.ChoiceFilter(label="阶段", choices=list(STAGES.items()), empty_label="全部阶段")
    status = django_filters.ChoiceFilter(label="状态", choices=Case.Status.choices, empty_label="全部状态")
    target_group = django_filters.ChoiceFilter(label="重点群体", choices=TargetGroup.choices, empty_label="全部")
    admitted_year = django_filters.NumberFilter(label="入党年份", field_name="branch_meeting_on", lookup_expr="year")

    class Meta:
        model = Case
        fields = []

    def filter_q(self, qs, name, value):
        people = search.matching_ids(value)
        return qs.filter(person__in=people)

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)


class DeadlineFilterSet(django_filters.FilterSet):
    """The organization filter of the deadline list; the window (days, overdue) is read by the view."""

    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    days = django_filters.ChoiceFilter(label="期限", method="keep", empty_label="30 天内",
                                       choices=[("7", "7 天内"), ("60", "60 天内"), ("90", "90 天内")])
    overdue = django_filters.BooleanFilter(label="含已逾期", method="keep", widget=forms.CheckboxInput)

    class Meta:
        model = Case
        fields = []

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)

    def keep(self, qs, name, value):
        return qs

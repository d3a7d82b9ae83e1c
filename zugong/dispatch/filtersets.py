import django_filters
from django import forms

from zugong.orgs.models import Organization
from zugong.people import search

from .models import Dispatch, DispatchReport, Evaluation, Level, Program, Rotation, TargetGroup, WorkTeam


def subtree(request, qs, code: str):
    """Rows with either side in the subtree of the organization with `code` (among those the user may see)."""
    path = Organization.objects.visible_to(request.user).filter(code=code).values_list("path", flat=True).first()
    return qs.subtree(path) if path else qs.none()


def people_matching(value):
    return search.matching_ids(value)


DATE = forms.DateInput(attrs={"type": "date"})


class DispatchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="组织代码（派出或驻在）", method="filter_org")
    kind = django_filters.ChoiceFilter(label="类别", field_name="program__kind", choices=Program.Kind.choices,
                                       empty_label="全部类别")
    program = django_filters.ModelChoiceFilter(label="选派项目", queryset=Program.objects.none(),
                                               empty_label="全部项目")
    target_group = django_filters.ChoiceFilter(label="对象类别", choices=TargetGroup.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=Dispatch.Status.choices, empty_label="全部状态")
    on_duty = django_filters.DateFilter(label="某日在岗", method="filter_on_duty", widget=DATE)
    ending_by = django_filters.DateFilter(label="期满不晚于", field_name="end_on", lookup_expr="lte", widget=DATE)

    class Meta:
        model = Dispatch
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        from .services import programs_for

        self.filters["program"].queryset = (programs_for(request.user) if request is not None
                                            else Program.objects.none())

    def filter_q(self, qs, name, value):
        return qs.filter(person__in=people_matching(value))

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)

    def filter_on_duty(self, qs, name, value):
        return qs.filter(start_on__lte=value, end_on__gte=value).exclude(ended_on__lt=value)


class ReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音", method="filter_q")
    org = django_filters.CharFilter(label="组织代码（派出或驻在）", method="filter_org")
    kind = django_filters.ChoiceFilter(label="类别", field_name="dispatch__program__kind",
                                       choices=Program.Kind.choices, empty_label="全部类别")
    month = django_filters.DateFilter(label="报告期（月份）", field_name="period_start",
                                      widget=forms.DateInput(attrs={"type": "month"}),
                                      input_formats=["%Y-%m", "%Y-%m-%d"])
    year = django_filters.NumberFilter(label="年度", field_name="period_start", lookup_expr="year")

    class Meta:
        model = DispatchReport
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(dispatch__person__in=people_matching(value))

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)


class EvaluationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音", method="filter_q")
    org = django_filters.CharFilter(label="组织代码（派出或驻在）", method="filter_org")
    kind = django_filters.ChoiceFilter(label="考核类别", choices=Evaluation.Kind.choices, empty_label="全部")
    grade = django_filters.ChoiceFilter(label="考核等次", choices=Evaluation.Grade.choices, empty_label="全部")
    program_kind = django_filters.ChoiceFilter(label="选派类别", field_name="dispatch__program__kind",
                                               choices=Program.Kind.choices, empty_label="全部类别")
    year = django_filters.NumberFilter(label="考核日期年份", field_name="evaluated_on", lookup_expr="year")

    class Meta:
        model = Evaluation
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(dispatch__person__in=people_matching(value))

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)


class TeamFilterSet(django_filters.FilterSet):
    org = django_filters.CharFilter(label="组织代码（派驻或驻在）", method="filter_org")
    status = django_filters.ChoiceFilter(label="状态", choices=WorkTeam.Status.choices, empty_label="全部状态")

    class Meta:
        model = WorkTeam
        fields = []

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)


class RotationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="组织代码（原单位或交流单位）", method="filter_org")
    kind = django_filters.ChoiceFilter(label="交流类型", choices=Rotation.Kind.choices, empty_label="全部类型")
    reason = django_filters.ChoiceFilter(label="交流原因", choices=Rotation.Reason.choices, empty_label="全部")
    from_level = django_filters.ChoiceFilter(label="原单位层级", choices=Level.choices, empty_label="全部")
    to_level = django_filters.ChoiceFilter(label="交流后层级", choices=Level.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="交流年份", field_name="on", lookup_expr="year")
    open = django_filters.BooleanFilter(label="尚未返回或结束", method="filter_open", widget=forms.CheckboxInput)

    class Meta:
        model = Rotation
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(person__in=people_matching(value))

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)

    def filter_open(self, qs, name, value):
        return qs.filter(returned_on__isnull=True) if value else qs

import django_filters

from zugong.orgs.models import Organization
from zugong.core.filters import YesNoFilter
from zugong.core.refdata import SECTORS

from .models import Election, TermAdjustment


def subtree(request, qs, code: str):
    """Rows of the subtree of the organization with `code`, looked up among those the user may see."""
    path = Organization.objects.visible_to(request.user).filter(code=code).values_list("path", flat=True).first()
    return qs.subtree(path) if path else qs.none()


class TermFilterSet(django_filters.FilterSet):
    """The terms list; `state` (due, overdue, all) is applied by the view with the reminder window."""

    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    state = django_filters.ChoiceFilter(label="换届状态", method="keep", empty_label="需换届（到期和逾期）",
                                        choices=[("overdue", "已逾期"), ("due", "即将届满"), ("all", "全部")])
    kind = django_filters.ChoiceFilter(label="类别", empty_label="全部",
                                       choices=[c for c in Organization.Kind.choices if c[0] != "party_group"])
    sector = django_filters.ChoiceFilter(label="领域", choices=SECTORS, empty_label="全部")
    year = django_filters.NumberFilter(label="届满年份", field_name="term_ends_on", lookup_expr="year")

    class Meta:
        model = Organization
        fields = []

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)

    def keep(self, qs, name, value):
        return qs


class ElectionFilterSet(django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    kind = django_filters.ChoiceFilter(label="选举类别", choices=Election.Kind.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="选举年份", field_name="held_on", lookup_expr="year")
    approved = YesNoFilter(label="上级已批准", field_name="approved_by_higher", yes="已批准", no="未批准")

    class Meta:
        model = Election
        fields = []

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)


class AdjustmentFilterSet(django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    kind = django_filters.ChoiceFilter(label="类别", choices=TermAdjustment.Kind.choices, empty_label="全部")

    class Meta:
        model = TermAdjustment
        fields = []

    def filter_org(self, qs, name, value):
        return subtree(self.request, qs, value)

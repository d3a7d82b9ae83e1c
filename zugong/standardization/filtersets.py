import django_filters

from zugong.core.filters import YesNoFilter
from zugong.orgs.fields import subtree_filter

from .models import BranchScore, Checklist


class ScoreFilterSet(django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    year = django_filters.NumberFilter(label="年度")
    grade = django_filters.CharFilter(label="等次")
    checklist = django_filters.ModelChoiceFilter(label="评分标准", queryset=Checklist.objects.none(),
                                                 empty_label="全部")
    pending = YesNoFilter(label="有待考评项", method="filter_pending")

    class Meta:
        model = BranchScore
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["checklist"].queryset = Checklist.objects.visible_to(request.user)

    def filter_org(self, qs, name, value):
        return subtree_filter(self.request, qs, value)

    def filter_pending(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(inspector_pending__gt=0) if value else qs.filter(inspector_pending=0)

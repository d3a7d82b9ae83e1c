"""Filters of the cadre roster (干部名册): rank, level, age band, sex, party, ethnicity, education, post, unit.

Every filter reads columns of the Cadre row itself (copied from the Person where needed), so the roster
query never joins: with the (org_path, …) indexes three filters over a province answer in milliseconds.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q

from zugong.core.dates import add_years
from zugong.orgs.models import Organization
from zugong.core.refdata import ETHNICITIES, POLITICAL_STATUS, SEXES

from . import ranks
from .models import Cadre

AGE_BANDS = (
    ("-35", "35岁及以下"), ("36-40", "36—40岁"), ("41-45", "41—45岁"), ("46-50", "46—50岁"),
    ("51-55", "51—55岁"), ("56-", "56岁及以上"),
)
EDUCATION_BANDS = (
    ("graduate", "研究生"), ("bachelor", "大学本科"), ("college", "大学专科"), ("lower", "中专及以下"),
)
EDUCATION_CODES = {"graduate": ("10", "11", "14"), "bachelor": ("20",), "college": ("30",),
                   "lower": ("40", "60", "70", "80", "90")}
PARTY_CHOICES = (("cpc", "中共党员（含预备党员）"), ("non_cpc", "非中共党员"), *POLITICAL_STATUS)
ETHNICITY_CHOICES = (("minority", "少数民族"), *ETHNICITIES)
SORTS = (("stroke", "按姓氏笔画"), ("post", "按职务排序"))
RANK_KIND_CHOICES = (("post", "领导职务"), ("grade", "职级"))


def age_range(band: str, today: dt.date | None = None) -> Q:
    """Birth dates of people whose age today lies in the band (e.g. "41-45": 41 ≤ age ≤ 45)."""
    today = today or dt.date.today()
    low, _, high = band.partition("-")
    q = Q()
    if low:  # age ≥ low  ⇔  born on or before today − low years
        q &= Q(birth_date__lte=add_years(today, -int(low)))
    if high:  # age ≤ high ⇔  born after today − (high + 1) years
        q &= Q(birth_date__gt=add_years(today, -int(high) - 1))
    return q


def subtree_of(request, code: str) -> str | None:
    return (
        Organization.objects.visible_to(request.user).filter(code=code.strip()).values_list("path", flat=True).first()
    )


class RosterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名", method="filter_q")
    org = django_filters.CharFilter(label="管理单位组织代码", method="filter_org")
    unit = django_filters.CharFilter(label="工作单位", method="filter_unit")
    post = django_filters.CharFilter(label="现任职务包含", method="filter_post")
    level = django_filters.ChoiceFilter(label="层级", field_name="rank_level", choices=ranks.LEVEL_CHOICES,
                                        empty_label="全部")
    rank = django_filters.ChoiceFilter(label="职级/级别", choices=ranks.RANK_CHOICES, empty_label="全部")
    rank_kind = django_filters.ChoiceFilter(label="职务/职级", choices=RANK_KIND_CHOICES, method="filter_rank_kind",
                                            empty_label="全部")
    age = django_filters.ChoiceFilter(label="年龄段", choices=AGE_BANDS, method="filter_age", empty_label="全部")
    sex = django_filters.ChoiceFilter(label="性别", choices=SEXES, empty_label="全部")
    party = django_filters.ChoiceFilter(label="政治面貌", choices=PARTY_CHOICES, method="filter_party",
                                        empty_label="全部")
    ethnicity = django_filters.ChoiceFilter(label="民族", choices=ETHNICITY_CHOICES, method="filter_ethnicity",
                                            empty_label="全部")
    education = django_filters.ChoiceFilter(label="学历", choices=EDUCATION_BANDS, method="filter_education",
                                            empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=Cadre.Status.choices, empty_label="在职",
                                         method="filter_status")
    sort = django_filters.ChoiceFilter(label="排序", choices=SORTS, method="filter_sort", empty_label="按姓氏笔画")

    class Meta:
        model = Cadre
        fields = []

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=Cadre.Status.ACTIVE)
        return super().filter_queryset(queryset)

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(name__startswith=value) if value else qs

    def filter_org(self, qs, name, value):
        path = subtree_of(self.request, value)
        return qs.subtree(path) if path else qs.none()

    def filter_unit(self, qs, name, value):
        value = value.strip()
        if value.isdigit():
            return qs.filter(unit_id=int(value))
        return qs.filter(Q(unit__name__contains=value) | Q(unit_name__contains=value)) if value else qs

    def filter_post(self, qs, name, value):
        value = value.strip()
        return qs.filter(current_title__contains=value) if value else qs

    def filter_rank_kind(self, qs, name, value):
        return qs.filter(rank__in=ranks.POST_RANKS if value == "post" else ranks.GRADE_RANKS)

    def filter_age(self, qs, name, value):
        return qs.filter(age_range(value))

    def filter_party(self, qs, name, value):
        if value == "cpc":
            return qs.filter(party_status__in=("01", "02"))
        if value == "non_cpc":
            return qs.exclude(party_status__in=("01", "02"))
        return qs.filter(party_status=value)

    def filter_ethnicity(self, qs, name, value):
        return qs.exclude(ethnicity="01") if value == "minority" else qs.filter(ethnicity=value)

    def filter_education(self, qs, name, value):
        return qs.filter(education__in=EDUCATION_CODES[value])

    def filter_status(self, qs, name, value):
        return qs.filter(status=value)

    def filter_sort(self, qs, name, value):
        return qs  # applied by the view (ordering must come after every filter)


def ordering(sort: str) -> tuple[str, ...]:
    if sort == "post":
        return ("org_path", "post_order", "rank_order", "stroke_key", "pk")
    return ("org_path", "stroke_key", "pk")

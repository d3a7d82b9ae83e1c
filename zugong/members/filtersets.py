"""Filters of the member pages: the roster (党员花名册), transfers and arrears."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q

from zugong.core import scope
from zugong.core.dates import add_years
from zugong.orgs.models import Organization
from zugong.people import search
from zugong.core.refdata import EDUCATION, SEXES

from .models import Membership, TransferRequest
from .selectors import awaiting

TRANSFERRED = "transferred"
ROSTER_STATUSES = (*Membership.Status.choices, (TRANSFERRED, "已转出省外"))


def subtree_of(request, code: str) -> str | None:
    """The path of an organization the user may see, by code (an outside or unknown code finds nothing)."""
    return (
        Organization.objects.visible_to(request.user)
        .filter(code=code.strip())
        .values_list("path", flat=True)
        .first()
    )


class OrgCodeFilterMixin:
    def filter_org(self, qs, name, value):
        path = subtree_of(self.request, value)
        return qs.filter(org_path__subtree=path) if path else qs.none()


class RosterFilterSet(OrgCodeFilterMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    status = django_filters.ChoiceFilter(
        label="党籍状态", choices=ROSTER_STATUSES, method="filter_status", empty_label="预备和正式党员"
    )
    category = django_filters.ChoiceFilter(
        label="党员类别", choices=Membership.Category.choices, empty_label="全部"
    )
    sex = django_filters.ChoiceFilter(
        label="性别", field_name="person__sex", choices=SEXES, empty_label="全部"
    )
    education = django_filters.ChoiceFilter(
        label="学历", field_name="person__education", choices=EDUCATION, empty_label="全部"
    )
    age_min = django_filters.NumberFilter(label="年龄从", method="filter_age_min", min_value=0, max_value=150)
    age_max = django_filters.NumberFilter(label="年龄到", method="filter_age_max", min_value=0, max_value=150)
    joined_from = django_filters.NumberFilter(
        label="入党年份从", method="filter_joined_from", min_value=1921, max_value=2999
    )
    joined_to = django_filters.NumberFilter(
        label="入党年份到", method="filter_joined_to", min_value=1921, max_value=2999
    )
    on = django_filters.DateFilter(
        label="截至日期（历史名册）",
        method="filter_on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="列出该日在册的党员及其当日的党籍状态；留空为今天的名册",
    )

    class Meta:
        model = Membership
        fields = []

    @classmethod
    def on_of(cls, request) -> dt.date | None:
        """The date of a past roster asked for (`?on=2025-06-30`), if valid and not after today: the view
        starts from `selectors.roster_on` then."""
        if not request.GET.get("on"):
            return None
        form = cls(request.GET, queryset=Membership.objects.none(), request=request).form
        value = form.cleaned_data.get("on") if form.is_valid() else None
        return value if value and value <= dt.date.today() else None

    def filter_org(self, qs, name, value):
        if "branch_path_then" in qs.query.annotations:  # a past roster: where the member was that day
            path = subtree_of(self.request, value)
            return qs.filter(branch_path_then__startswith=path) if path else qs.none()
        return super().filter_org(qs, name, value)

    def filter_on(self, qs, name, value):
        return qs  # the view starts from the roster of that day (on_of)

    def filter_q(self, qs, name, value):
        return qs.filter(person__in=search.matching_ids(value))

    def filter_status(self, qs, name, value):
        if "status_then" in qs.query.annotations:  # a past roster: the status on that day
            return qs.filter(status_then=value)
        if value == TRANSFERRED:
            return qs.filter(transferred_out_on__isnull=False)
        return qs.present().filter(status=value)

    def filter_age_min(self, qs, name, value):
        return qs.filter(person__birth_date__lte=add_years(dt.date.today(), -int(value)))

    def filter_age_max(self, qs, name, value):
        return qs.filter(person__birth_date__gt=add_years(dt.date.today(), -int(value) - 1))

    def filter_joined_from(self, qs, name, value):
        return qs.filter(joined_on__gte=dt.date(int(value), 1, 1))

    def filter_joined_to(self, qs, name, value):
        return qs.filter(joined_on__lte=dt.date(int(value), 12, 31))


class TransferFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名或介绍信编号", method="filter_q")
    direction = django_filters.ChoiceFilter(
        label="方向",
        method="filter_direction",
        empty_label="全部",
        choices=(("out", "本方转出"), ("in", "本方接收"), ("todo", "待本方确认")),
    )
    kind = django_filters.ChoiceFilter(
        label="转接类型", choices=TransferRequest.Kind.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=TransferRequest.Status.choices, empty_label="全部"
    )
    since = django_filters.DateFilter(
        label="申请日期从",
        field_name="requested_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label="申请日期到",
        field_name="requested_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = TransferRequest
        fields = []

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__startswith=value) | Q(letter_no=value)) if value else qs

    def filter_direction(self, qs, name, value):
        user = self.request.user
        if value == "out":
            return qs.issued_within(scope.scope_paths(user))
        if value == "in":
            return qs.received_within(scope.scope_paths(user))
        return awaiting(qs, user)


class ArrearsFilterSet(OrgCodeFilterMixin, django_filters.FilterSet):
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    months = django_filters.NumberFilter(label="连续未交至少（月）", method="filter_months", min_value=1)
    category = django_filters.ChoiceFilter(
        label="党员类别", choices=Membership.Category.choices, empty_label="全部"
    )

    class Meta:
        model = Membership
        fields = []

    @classmethod
    def months_of(cls, request) -> int:
        """The months filter of a request (1 when absent or invalid): the view passes it to `dues.ArrearsRows`,
        which reads it against the settled months stored on each member."""
        form = cls(request.GET or None, queryset=Membership.objects.none(), request=request).form
        value = form.cleaned_data.get("months") if form.is_bound and form.is_valid() else None
        return int(value) if value else 1

    def filter_months(self, qs, name, value):
        return qs  # applied by the view through dues.ArrearsRows (months_of)

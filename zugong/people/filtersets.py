import datetime as dt

import django_filters

from zugong.core.dates import add_years
from zugong.orgs.models import Organization

from . import search
from .models import Person
from zugong.core.refdata import EDUCATION, ETHNICITIES, SEXES

ORDERS = {"stroke": ("stroke_key",), "pinyin": ("pinyin_key",), "org": ("org_path", "stroke_key")}


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名 / 拼音 / 身份证号后几位", method="filter_q")
    org = django_filters.CharFilter(label="所属组织代码", method="filter_org")
    sex = django_filters.ChoiceFilter(label="性别", choices=SEXES, empty_label="全部")
    ethnicity = django_filters.ChoiceFilter(label="民族", choices=ETHNICITIES, empty_label="全部")
    education = django_filters.ChoiceFilter(label="学历", choices=EDUCATION, empty_label="全部")
    age_min = django_filters.NumberFilter(label="年龄从", method="filter_age_min")
    age_max = django_filters.NumberFilter(label="年龄到", method="filter_age_max")
    order = django_filters.ChoiceFilter(
        label="排序", method="filter_order", empty_label="按组织、姓氏笔画",
        choices=(("stroke", "姓氏笔画"), ("pinyin", "拼音"), ("org", "所在组织")),
    )

    class Meta:
        model = Person
        fields = []

    def filter_q(self, qs, name, value):
        return search.search(qs, value)

    def filter_org(self, qs, name, value):
        # The organization is looked up among those the user may see; an outside code matches nothing.
        path = (
            Organization.objects.visible_to(self.request.user).filter(code=value).values_list("path", flat=True).first()
        )
        return qs.subtree(path) if path else qs.none()

    def filter_age_min(self, qs, name, value):
        return qs.filter(birth_date__lte=add_years(dt.date.today(), -int(value)))

    def filter_age_max(self, qs, name, value):
        return qs.filter(birth_date__gt=add_years(dt.date.today(), -int(value) - 1))

    def filter_order(self, qs, name, value):
        return qs.order_by(*ORDERS.get(value, ORDERS["org"]))

"""Training forms: requirements (the filters of the shortfalls list)."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from zugong.people.models import Person


def requirement_choices():
    from ..requirements_eval import requirements

    return [(r.code, r.title) for r in requirements()]


class ShortfallFilterSet(django_filters.FilterSet):
    """The filters of 培训学时不足; applied by the view (`requirements_selectors.shortfalls`), not to the queryset."""

    requirement = django_filters.ChoiceFilter(label="培训要求", choices=requirement_choices, method="keep",
                                              empty_label="全部")
    org = django_filters.CharFilter(label="所属组织代码", method="keep")
    year = django_filters.NumberFilter(label="年度", method="keep", min_value=2000, max_value=2999)

    class Meta:
        model = Person
        fields = []

    def keep(self, qs, name, value):
        return qs

    def values(self) -> dict:
        form = self.form
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        year = data.get("year")
        return {"requirement": data.get("requirement") or "", "org": (data.get("org") or "").strip(),
                "year": int(year) if year else timezone.localdate().year}

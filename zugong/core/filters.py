"""Filters shared by the list pages' filtersets.

django-filter's `BooleanFilter` renders a select whose empty choice reads 未知 ("Unknown"): a user reads it as
"the value is unknown", not "any". `YesNoFilter` offers 全部 / 是 / 否 (or the filter's own words for yes and no).
"""

import django_filters
from django_filters.widgets import BooleanWidget


class YesNoSelect(BooleanWidget):
    """全部 / 是 / 否; accepts true/false/1/0 in the query string."""

    def __init__(self, attrs=None, yes: str = "是", no: str = "否"):
        super().__init__(attrs)
        self.choices = [("", "全部"), ("true", yes), ("false", no)]


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice is 全部."""

    def __init__(self, *args, yes: str = "是", no: str = "否", **kwargs):
        kwargs.setdefault("widget", YesNoSelect(yes=yes, no=no))
        super().__init__(*args, **kwargs)

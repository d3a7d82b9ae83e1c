"""The league area's forms: the period of a league table (年度 / 季度 / 月度 / 自定义) and a public board."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from zugong.orgs.fields import OrganizationPicker

from .. import league

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label="统计周期", choices=list(league.PERIOD_KINDS.items()), required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False,
                              error_messages={"invalid": "年度：应为四位数字", "min_value": "年度：不能早于 2000 年",
                                              "max_value": "年度：不能晚于 2100 年"})
    quarter = forms.TypedChoiceField(label="季度", coerce=int, required=False, empty_value=None,
                                     choices=[("", "本季度"), *[(i, f"第{i}季度") for i in range(1, 5)]])
    month = forms.TypedChoiceField(label="月份", coerce=int, required=False, empty_value=None,
                                   choices=[("", "本月"), *[(i, f"{i}月") for i in range(1, 13)]])
    start = forms.DateField(label="开始日期", required=False, widget=DATE,
                            error_messages={"invalid": "开始日期：请按 2026-03-05 的格式填写"})
    end = forms.DateField(label="结束日期", required=False, widget=DATE,
                          error_messages={"invalid": "结束日期：请按 2026-03-05 的格式填写"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
        self.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        kind = data.get("period") or "year"
        year = data.get("year") or today.year
        number = data.get("quarter") if kind == "quarter" else data.get("month") if kind == "month" else None
        if kind == "quarter" and number is None:
            number = (today.month - 1) // 3 + 1
        if kind == "month" and number is None:
            number = today.month
        try:
            self.result = league.period(kind, year, number, data.get("start"), data.get("end"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def get_period(self) -> league.Period:
        if self.is_valid():
            return self.result
        today = timezone.localdate()
        return league.period("year", today.year)


def default_period(today: dt.date | None = None) -> league.Period:
    today = today or timezone.localdate()
    return league.period("year", today.year)


class BoardForm(forms.Form):
    organization = OrganizationPicker(label="展示组织（含全部下级）", action="manage")
    title = forms.CharField(label="标题", max_length=100,
                            error_messages={"required": "标题：请填写公示屏标题", "max_length": "标题：不超过 100 字"},
                            help_text="如：某某街道“我为群众办实事”公示")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)

"""Forms of 在职党员到社区报到: register a member, decide (confirm / decline / end), an activity, hours."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from zugong.orgs import services as org_services
from zugong.people.fields import PersonPicker

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}


class RegisterForm(forms.Form):
    person = PersonPicker(label="党员", action="change", help_text="按姓名、拼音或身份证号后几位查找本支部党员")
    community_code = forms.CharField(label="报到社区组织代码", max_length=32,
                                     widget=forms.TextInput(attrs=TEXT),
                                     help_text="党员居住地所在社区党委（党总支、党支部）的组织代码")
    registered_on = forms.DateField(label="报到日期", widget=DATE)
    residence = forms.CharField(label="居住小区（网格）", max_length=100, required=False,
                                widget=forms.TextInput(attrs=TEXT))
    skills = forms.CharField(label="特长和服务意向", max_length=200, required=False,
                             widget=forms.TextInput(attrs=TEXT), help_text="如法律咨询、医疗保健、政策宣讲、志愿服务")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].bind(user)

    def clean_community_code(self):
        code = self.cleaned_data["community_code"].strip()
        org = org_services.by_code(code)
        if org is None:
            raise forms.ValidationError(f"没有组织代码为“{code}”的党组织")
        self.community = org
        return code

    def membership(self):
        person = self.cleaned_data["person"]
        return getattr(person, "membership", None)


class DecisionForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE)
    reason = forms.CharField(label="原因", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))


class ActivityForm(forms.Form):
    held_on = forms.DateField(label="活动日期", widget=DATE)
    title = forms.CharField(label="活动名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    kind = forms.CharField(label="活动类型", max_length=40, required=False, widget=forms.TextInput(attrs=TEXT),
                           help_text="如志愿服务、政策宣讲、环境整治、邻里互助")
    hours = forms.DecimalField(label="服务时长（小时）", max_digits=5, decimal_places=1, initial=Decimal("2.0"),
                               widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}))
    note = forms.CharField(label="活动内容", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))


class HoursForm(forms.Form):
    served_on = forms.DateField(label="服务日期", widget=DATE)
    hours = forms.DecimalField(label="服务时长（小时）", max_digits=5, decimal_places=1,
                               widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}))
    note = forms.CharField(label="服务内容", max_length=200, widget=forms.TextInput(attrs=TEXT))


def today():
    return timezone.localdate()

"""Talent forms: the support period's steps (津贴发放, 年度/期满考核, 续支, 退出; the step page of the application,
or the talent page for an imported talent), the tags, the pool's priority counties."""

from __future__ import annotations

from django import forms

from zugong.core.casework.forms import DATE, StepForm
from zugong.orgs.fields import OrganizationPicker

from ..models import AllowanceInstalment, PeriodicReview, Talent

__all__ = ["AllowanceForm", "PeriodicReviewForm", "RenewForm", "ExitForm", "TagsForm", "PriorityCountyForm",
           "EndCountyForm"]

TEXT = {"class": "form-control"}


def _talent(case):
    if isinstance(case, Talent):
        return case
    return getattr(case, "talent", None) if case is not None else None


class AllowanceForm(StepForm):
    date_label = "发放日期"
    document_examples = "如：津贴拨付文件、发放花名册"

    number = forms.TypedChoiceField(label="期次", coerce=int, choices=[])
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2, required=False,
                                help_text="不填则按发放计划的金额")
    document_no = forms.CharField(label="拨付文号", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        talent = _talent(self.case)
        rows = AllowanceInstalment.objects.visible_to(self.user).filter(tier_id=talent.tier_id).order_by("number") \
            if talent is not None and talent.tier_id else []
        choices = [(r.number, f"第{r.number}期（{r.amount}元{'，' + r.condition if r.condition else ''}）")
                   for r in rows]
        self.fields["number"].choices = choices or [(n, f"第{n}期") for n in range(1, 11)]


class PeriodicReviewForm(StepForm):
    date_label = "考核日期"
    document_examples = "如：考核登记表、考核结果通知"

    kind = forms.ChoiceField(label="考核类别", choices=PeriodicReview.Kind.choices)
    year = forms.IntegerField(label="考核年度", min_value=1990, max_value=2100)
    grade = forms.ChoiceField(label="考核结果", choices=PeriodicReview.Grade.choices)


class RenewForm(StepForm):
    date_label = "续支决定日期"
    document_examples = "如：续支决定文件"

    until = forms.DateField(label="新的支持期满日期", widget=DATE)


class ExitForm(StepForm):
    date_label = "退出日期"
    document_examples = "如：退出决定文件"

    reason = forms.CharField(label="退出原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：调离本省、考核不合格、本人申请、违纪违法")


class TagsForm(forms.Form):
    tags = forms.CharField(label="标签", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT),
                           help_text="以顿号或逗号分隔，如“乡村振兴、数字经济”")


class PriorityCountyForm(forms.Form):
    organization = OrganizationPicker(label="县（区）党组织", action="admin")
    name = forms.CharField(label="县（区）名称", max_length=50, required=False, widget=forms.TextInput(attrs=TEXT),
                           help_text="不填则用党组织名称")
    since = forms.DateField(label="认定日期", required=False, widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}))
    document = forms.CharField(label="依据", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT),
                               help_text="文件名称及文号")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)


class EndCountyForm(forms.Form):
    until = forms.DateField(label="退出日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

"""Forms of routine (平时) and annual (年度) assessment of individuals."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zugong.orgs.fields import OrganizationPicker


class OpenRoundForm(forms.Form):
    organization = OrganizationPicker(label="考核机关", action="manage")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    period = forms.IntegerField(label="期次（平时考核）", min_value=1, max_value=12, required=False,
                                help_text="季度考核填 1 至 4；年度考核不填")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["year"].initial = timezone.localdate().year


class ExceptionForm(forms.Form):
    exception_reason = forms.CharField(label="例外办理理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class ApprovalForm(forms.Form):
    share = forms.DecimalField(label="批准比例", min_value=0, max_value=1, decimal_places=3,
                               help_text="如 0.25 表示 25%，不超过比例设定的上限")
    approved_by = forms.CharField(label="批准机关", max_length=100)
    document_no = forms.CharField(label="批准文号", max_length=60)
    approved_on = forms.DateField(label="批准日期", widget=forms.DateInput(attrs={"type": "date"}))


class UploadForm(forms.Form):
    file = forms.FileField(label="年度考核拟定等次（.xlsx）")

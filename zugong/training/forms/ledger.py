"""Training forms: ledger — a recognised activity entered with its evidence, the removal of a line, a crediting
rule."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from zugong.core.forms import VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker
from zugong.people.fields import PersonPicker

from ..ledger_services import MANUAL_KINDS
from ..models import CreditKind, CreditRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(forms.Form):
    person = PersonPicker(label="人员", action="change")
    on = forms.DateField(label="日期", widget=DATE, help_text="活动结束的日期")
    kind = forms.ChoiceField(label="学时类型", choices=[(k, CreditKind(k).label) for k in MANUAL_KINDS])
    title = forms.CharField(label="活动名称", max_length=200)
    hours = forms.DecimalField(label="学时", max_digits=6, decimal_places=2, min_value=Decimal("0.25"))
    provider = forms.CharField(label="举办单位", max_length=100, required=False)
    evidence = forms.FileField(label="证明材料", help_text="通知、签到表、结业证书等的扫描件或照片")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].bind(user)


class RemoveForm(forms.Form):
    reason = forms.CharField(label="删除原因", max_length=200)


class CreditRuleForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = CreditRule
        fields = ("title", "day_rate", "year_cap", "provider_cap", "carry_over", "long_minutes", "long_hours",
                  "short_minutes", "short_hours", "least_hours", "test_bonus", "document", "active")

    def clean(self):
        data = super().clean()
        long_, short = data.get("long_minutes"), data.get("short_minutes")
        if long_ is not None and short is not None and short > long_:
            self.add_error("short_minutes", "应不超过满时长课程的分钟数")
        for name in ("year_cap", "provider_cap"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "上限不能为负数")
        return data


class IssueForm(forms.Form):
    organization = OrganizationPicker(label="适用范围（本单位）", action="admin")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)

"""Forms of the standardization pages: checklist and item configuration, inspector scores, scoring runs."""

import json

from django import forms

from zugong.core.forms import OrganizationPicker

from . import measures
from .models import Checklist, ChecklistItem

DATE = {"type": "date"}


class JSONText(forms.JSONField):
    """A JSON value edited as text, with a Chinese message when it does not parse."""

    default_error_messages = {"invalid": "格式有误，应为 JSON，例如 {\"months\": 12}"}

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)


class ChecklistForm(forms.ModelForm):
    grade_bands = JSONText(label="等次划分", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=Checklist._meta.get_field("grade_bands").help_text)

    class Meta:
        model = Checklist
        fields = ["name", "edition", "issuing_body", "document", "sector", "effective_from", "effective_to",
                  "grade_bands", "source_status", "active"]
        widgets = {"effective_from": forms.DateInput(DATE, format="%Y-%m-%d"),
                   "effective_to": forms.DateInput(DATE, format="%Y-%m-%d")}


class ChecklistItemForm(forms.ModelForm):
    params = JSONText(label="参数", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                      help_text=ChecklistItem._meta.get_field("params").help_text)
    measure = forms.ChoiceField(label="数据指标", required=False, choices=[("", "（考评人员评分）")])

    class Meta:
        model = ChecklistItem
        fields = ["area", "order", "title", "max_points", "source", "measure", "method", "params",
                  "deduction_rule", "evidence_required", "is_bonus"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "（考评人员评分）")] + measures.choices()

    def clean_params(self):
        return self.cleaned_data.get("params") or {}


class InspectorScoreForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label="得分", max_digits=6, decimal_places=2, min_value=0)
    note = forms.CharField(label="评分说明", required=False, max_length=300)


class ComputeForm(forms.Form):
    checklist = forms.ModelChoiceField(label="评分标准", queryset=Checklist.objects.none(),
                                       error_messages={"invalid_choice": "所选评分标准不存在或不适用"})
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    organization = OrganizationPicker(label="计算范围", required=False, action="manage",
                                      help_text="留空为评分标准的全部适用范围")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = Checklist.objects.visible_to(user).filter(active=True)
        self.fields["organization"].bind(user)

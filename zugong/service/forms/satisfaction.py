"""Forms of the satisfaction check: the phone page (a code, an answer), issuing codes, the staff callback, 复办,
销号 and the policy row. `CallbackForm`, `ReopenForm` and `CloseForm` are step forms (the casework step page of
the tasks area may use them too)."""

from __future__ import annotations

from django import forms

from zugong.core.casework.forms import StepForm
from zugong.core.forms import VersionedFormMixin

from ..models import Feedback, SatisfactionPolicy
from ..models.tasks import Satisfaction


class CodeForm(forms.Form):
    code = forms.CharField(label="评价码", max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "placeholder": "如 ABCD-EFGH"}))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label="评价", choices=Satisfaction.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择您的评价"})
    comment = forms.CharField(label="意见建议", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3, "placeholder": "可不填"}))


class IssueForm(forms.Form):
    count = forms.IntegerField(label="评价码数量", min_value=1, max_value=500,
                               help_text="默认为尚未评价的抽样户数；重新生成将作废本轮未使用的评价码")


class CallbackForm(StepForm):
    date_label = "回访日期"
    answer = forms.ChoiceField(label="群众评价", choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="群众意见", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label="回访方式", choices=[(Feedback.Method.CALL, "电话回访"),
                                                       (Feedback.Method.VISIT, "上门回访")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("note", "document", "document_title"):
            self.fields.pop(name, None)
        self.order_fields(["on", "method", "answer", "comment", "done_by"])


class ReopenForm(StepForm):
    date_label = "复办日期"
    reason = forms.CharField(label="复办原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("note", "document", "document_title"):
            self.fields.pop(name, None)


class CloseForm(StepForm):
    date_label = "销号日期"
    waiver_reason = forms.CharField(
        label="未经评价销号的原因", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="群众评价未通过前，只有党组织管理员或组织部门管理员可填写无法回访的原因后销号（记入操作日志）")

    def __init__(self, *args, may_waive=False, needs_waiver=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("document", "document_title"):
            self.fields.pop(name, None)
        if not (may_waive and needs_waiver):
            self.fields.pop("waiver_reason")


class PolicyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SatisfactionPolicy
        fields = ["sample_share", "sample_minimum", "code_valid_days", "reopen_share", "pass_share",
                  "reopen_limit_workdays", "regulation", "article"]

    def clean(self):
        data = super().clean()
        for name, label in (("sample_share", "抽样比例"), ("reopen_share", "复办阈值"), ("pass_share", "通过所需评价比例")):
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, f"{label}：应在 0 至 1 之间")
        if data.get("sample_share") is not None and data["sample_share"] <= 0:
            self.add_error("sample_share", "抽样比例：应大于 0")
        if data.get("code_valid_days") is not None and data["code_valid_days"] < 1:
            self.add_error("code_valid_days", "评价码有效期：至少 1 天")
        return data

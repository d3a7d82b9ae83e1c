"""The common part of every step form, and the form that attaches a document to a recorded step."""

from __future__ import annotations

from django import forms

from zugong.core.forms import VersionedFormMixin

from .services import StepRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StepForm(VersionedFormMixin, forms.Form):
    """The common part of every step form: the date, who did it, a note and a document; when a rule
    refused the step, an authorized administrator also sees the exception reason field. A step on an existing
    case carries the case's version (`VersionedFormMixin`): a step recorded or corrected by another user since
    the page was opened refuses this one, naming what changed."""

    on = forms.DateField(label="日期", widget=DATE)
    done_by = forms.CharField(label="经办人（单位、职务或姓名）", required=False, max_length=100)
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(label="上传材料", required=False)
    document_title = forms.CharField(label="材料名称", required=False, max_length=100)
    exception_reason = forms.CharField(
        label="例外办理理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="规则不允许办理时，组织部门或党组织管理员可填写理由作为例外办理（记入操作日志）",
    )

    date_label = ""  # the date's label; by default "<step>日期"
    document_examples = ""  # 如：入党申请书、谈话记录

    def __init__(self, *args, user=None, step=None, case=None, allow_exception=False, **kwargs):
        super().__init__(*args, record=case, **kwargs)
        self.user, self.case = user, case
        if step is not None:
            self.fields["on"].label = self.date_label or f"{step.label}日期"
        examples = f"{self.document_examples}；" if self.document_examples else ""
        self.fields["document_title"].help_text = f"{examples}不填则用文件名"
        if not allow_exception:
            del self.fields["exception_reason"]

    def record(self) -> StepRecord:
        data = self.cleaned_data
        return StepRecord(on=data["on"], done_by=data.get("done_by", ""), done_by_person=data.get("done_by_person"),
                          note=data.get("note", ""), document=data.get("document"),
                          document_title=data.get("document_title", ""),
                          exception_reason=data.get("exception_reason", ""))


class DocumentForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=100, required=False)
    file = forms.FileField(label="文件")

"""The forms of the items' steps (named by `steps.STEPS`): taking an item in, assigning, claiming, the progress
report with photos (a phone-friendly form), pausing, extensions, completion and termination."""

from __future__ import annotations

import datetime as dt

from django import forms

from zugong.core.casework.forms import StepForm as BaseStepForm
from zugong.orgs.fields import OrganizationPicker
from zugong.people.fields import PersonPicker

from ..models import Extension, ListKind, Phase, Source, TaskCategory, UrgencyClass


class StepForm(BaseStepForm):
    document_examples = "现场照片、办结材料、群众签字确认单"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d] or []
        return [f] if (f := super().clean(data, initial)) else []


def parse_phases(text: str) -> list[tuple[str, dt.date]]:
    """“内容，计划完成日期” lines (a comma, a Chinese comma or a tab between) → [(title, day)]; a wrong line is
    named."""
    phases, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        for sep in ("，", ",", "\t", " "):
            if sep in line:
                title, _, day = line.rpartition(sep)
                break
        else:
            errors.append(f"第 {number} 行：应为“阶段内容，计划完成日期”")
            continue
        try:
            phases.append((title.strip(" ，,"), dt.date.fromisoformat(day.strip())))
        except ValueError:
            errors.append(f"第 {number} 行：计划完成日期“{day.strip()}”应写作 2026-03-31")
    if errors:
        raise forms.ValidationError(errors)
    return phases


class OpenTaskForm(StepForm):
    title = forms.CharField(label="事项名称", max_length=200)
    organization = OrganizationPicker(label="责任组织", action="change")
    urgency = forms.ModelChoiceField(label="紧急程度", queryset=UrgencyClass.objects.none(),
                                     error_messages={"invalid_choice": "所选紧急程度不存在或不适用"})
    limit_workdays = forms.IntegerField(label="办结时限（工作日）", required=False, min_value=1, max_value=3650,
                                        help_text="留空则按紧急程度的默认时限；受理当日不计入，节假日不计，调休上班日计入")
    category = forms.ModelChoiceField(label="类别", queryset=TaskCategory.objects.none(), required=False)
    source = forms.ChoiceField(label="来源", choices=Source.choices, initial=Source.VISIT)
    source_ref = forms.CharField(label="来源编号", max_length=60, required=False, help_text="如12345热线工单号、交办文号")
    list_kind = forms.ChoiceField(label="清单类别", choices=ListKind.choices, initial=ListKind.PROJECT)
    supervisor = OrganizationPicker(label="督办单位", required=False)
    leader = PersonPicker(label="责任领导", required=False)
    owner = PersonPicker(label="责任人", required=False)
    area = forms.CharField(label="服务区域", max_length=100, required=False, help_text="村（社区）、小区、网格")
    beneficiaries = forms.IntegerField(label="受益群众（人）", min_value=0, initial=1)
    households = forms.IntegerField(label="受益户数", min_value=0, initial=1)
    requester_name = forms.CharField(label="诉求人", max_length=40, required=False)
    requester_phone = forms.CharField(label="诉求人联系电话", max_length=20, required=False)
    description = forms.CharField(label="事项内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phases = forms.CharField(label="分期计划", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="分期办事项每行一期：阶段内容，计划完成日期（如：完成设计，2026-03-31）")
    date_label = "受理日期"
    field_order = ["title", "organization", "urgency", "limit_workdays", "on", "category", "source", "source_ref",
                   "list_kind", "description", "area", "beneficiaries", "households", "requester_name",
                   "requester_phone", "leader", "owner", "supervisor", "phases"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("organization", "supervisor", "leader", "owner"):
            self.fields[name].bind(user)
        self.fields["urgency"].queryset = UrgencyClass.objects.visible_to(user).filter(active=True)
        self.fields["category"].queryset = TaskCategory.objects.visible_to(user).filter(active=True)
        self.fields["on"].label = self.date_label
        for name in ("done_by", "document", "document_title"):
            self.fields.pop(name, None)

    def clean_phases(self):
        return parse_phases(self.cleaned_data.get("phases", ""))


class AssignForm(StepForm):
    organization = OrganizationPicker(label="承办组织", action="change", required=False,
                                      help_text="交给另一组织承办时选择（事项随之移交）")
    owner = PersonPicker(label="责任人", required=False)
    leader = PersonPicker(label="责任领导", required=False)
    field_order = ["on", "organization", "owner", "leader"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("organization", "owner", "leader"):
            self.fields[name].bind(user)


class ClaimForm(StepForm):
    person = PersonPicker(label="认领党员", url_name="service:member_picker", help_text="管辖范围内的党员")
    field_order = ["on", "person"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].bind(user)
        from ..tasks_services import members

        self.fields["person"].queryset = members(self.fields["person"].queryset)


class ReportForm(StepForm):
    """The progress report: on a phone, the note and photos first."""

    photos = MultiplePhotoField(label="现场照片", required=False,
                                widget=MultiplePhotoInput(attrs={"multiple": True, "accept": "image/*"}),
                                help_text="可多选；手机上可直接拍照")
    phase = forms.ModelChoiceField(label="所属阶段", queryset=Phase.objects.none(), required=False)
    phase_done = forms.BooleanField(label="该阶段已完成", required=False)
    date_label = "进展日期"
    field_order = ["on", "note", "photos", "phase", "phase_done", "document", "document_title", "done_by"]

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, user=user, case=case, **kwargs)
        self.fields["note"].label = "进展情况"
        self.fields["note"].required = True
        self.fields["document"].label = "其他材料"
        phases = Phase.objects.visible_to(user).filter(task=case) if case is not None else Phase.objects.none()
        if case is None or not phases.exists():
            del self.fields["phase"], self.fields["phase_done"]
        else:
            self.fields["phase"].queryset = phases


class PauseForm(StepForm):
    reason = forms.CharField(label="暂停原因", max_length=200, help_text="如：等待诉求人提供材料、等待上级答复")
    date_label = "暂停日期"
    field_order = ["on", "reason"]


class ResumeForm(StepForm):
    date_label = "恢复日期"


class ExtensionRequestForm(StepForm):
    workdays = forms.IntegerField(label="申请延期（工作日）", min_value=1, max_value=365)
    reason = forms.CharField(label="延期理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    date_label = "申请日期"
    field_order = ["on", "workdays", "reason"]


class ExtensionDecisionForm(StepForm):
    approved = forms.TypedChoiceField(label="审批结果", choices=[("1", "同意"), ("0", "不同意")], coerce=lambda v: v == "1",
                                      widget=forms.RadioSelect)
    workdays = forms.IntegerField(label="同意延期（工作日）", min_value=1, max_value=365, required=False,
                                  help_text="留空则按申请的天数")
    decision_note = forms.CharField(label="审批意见", max_length=300, required=False)
    date_label = "审批日期"
    field_order = ["on", "approved", "workdays", "decision_note"]

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, user=user, case=case, **kwargs)
        self.extension = (Extension.objects.visible_to(user).filter(task=case, decision=Extension.Decision.PENDING)
                          .first() if case is not None else None)
        if self.extension is not None:
            e = self.extension
            self.fields["approved"].help_text = (f"{e.requested_on:%Y-%m-%d} 申请延期 {e.workdays} 个工作日："
                                                 f"{e.reason}")


class CompleteForm(StepForm):
    date_label = "办结日期"


class TerminationForm(StepForm):
    reason = forms.CharField(label="终止原因", max_length=300)
    date_label = "终止日期"
    field_order = ["on", "reason"]


SignForm = UrgeForm = StepForm

"""Forms of the recruitment steps, on `zugong.core.casework.forms.StepForm` (the date, who did it, a note, a
document and, when a rule refused the step, the exception reason for an authorized administrator)."""

from __future__ import annotations

from django import forms

from zugong.core.casework import forms as casework
from zugong.core.casework.forms import DATE
from zugong.orgs.fields import OrganizationPicker
from zugong.orgs.models import Organization
from zugong.people.fields import PersonPicker
from zugong.people.models import Person

from .models import TargetGroup


class StepForm(casework.StepForm):
    """The common part of every step, with who did it chosen among the people the user may see."""

    done_by_person = PersonPicker(label="经办人", required=False, help_text="谈话人、考察人等，可不选")
    document_examples = "如：入党申请书、谈话记录、公示材料"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["done_by_person"].bind(user)
        fields = list(self.fields.items())  # the picker goes before the free text of who did it
        picker = fields.pop(next(i for i, (name, _) in enumerate(fields) if name == "done_by_person"))
        fields.insert(next(i for i, (name, _) in enumerate(fields) if name == "done_by"), picker)
        self.fields = dict(fields)


class OpenCaseForm(StepForm):
    person = PersonPicker(label="入党申请人", help_text="须先在“人员”中登记")
    organization = OrganizationPicker(label="接收申请的党支部", action="change")
    target_group = forms.ChoiceField(label="重点群体", choices=TargetGroup.choices, initial=TargetGroup.OTHER)
    date_label = "递交入党申请书日期"

    field_order = ["person", "organization", "target_group", "on"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].bind(user)
        self.fields["organization"].bind(user)
        self.fields["on"].label = self.date_label


class ContactsForm(StepForm):
    """Sponsors (1–2) or introducers (2); introducers may be under 留党察看 until a date."""

    first = PersonPicker(label="第一人", url_name="recruitment:member_picker")
    second = PersonPicker(label="第二人", url_name="recruitment:member_picker", required=False)
    first_discipline_until = forms.DateField(label="留党察看期至", required=False, widget=DATE,
                                             help_text="受留党察看处分、尚未恢复党员权利的才填写")
    second_discipline_until = forms.DateField(label="留党察看期至", required=False, widget=DATE)

    field_order = ["on", "first", "first_discipline_until", "second", "second_discipline_until"]

    def __init__(self, *args, user=None, step=None, **kwargs):
        super().__init__(*args, user=user, step=step, **kwargs)
        role = "培养联系人" if step and step.kind == "sponsors" else "入党介绍人"
        self.fields["on"].label = f"确定{role}日期"
        for number, name in enumerate(("first", "second"), start=1):
            self.fields[name].label = f"{role}{number}"
            self.fields[name].bind(user)
        if step and step.kind == "sponsors":
            del self.fields["first_discipline_until"], self.fields["second_discipline_until"]
        else:
            self.fields["second"].required = True
            self.fields["first_discipline_until"].label = "入党介绍人1留党察看期至"
            self.fields["second_discipline_until"].label = "入党介绍人2留党察看期至"

    def people(self) -> list[tuple[Person, object]]:
        data = self.cleaned_data
        return [(data[name], data.get(f"{name}_discipline_until")) for name in ("first", "second") if data.get(name)]


class PublicNoticeForm(StepForm):
    """Naming a candidate (发展对象公示 before it) or the pre-review (拟接收预备党员公示 after it)."""

    public_notice_start = forms.DateField(label="公示开始日期", required=False, widget=DATE)
    public_notice_end = forms.DateField(label="公示结束日期", required=False, widget=DATE,
                                    help_text="按工作日计算（法定节假日不计，调休上班日计入）")

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, step=step, **kwargs)
        notice = "拟接收预备党员公示" if step and step.kind == "prereview" else "发展对象公示"
        self.fields["public_notice_start"].label = f"{notice}开始日期"
        self.fields["public_notice_end"].label = f"{notice}结束日期"

    def clean(self):
        data = super().clean()
        start, end = data.get("public_notice_start"), data.get("public_notice_end")
        if bool(start) != bool(end):
            self.add_error("public_notice_end" if start else "public_notice_start", "公示开始和结束日期应同时填写")
        elif start and end < start:
            self.add_error("public_notice_end", "公示结束日期不能早于开始日期")
        return data


class ReviewForm(StepForm):
    passed = forms.TypedChoiceField(label="政治审查结论", choices=[("1", "合格"), ("0", "不合格")],
                                    coerce=lambda v: v == "1")
    date_label = "政治审查结论日期"


class TrainingForm(StepForm):
    end = forms.DateField(label="集中培训结束日期", widget=DATE)
    hours = forms.DecimalField(label="集中培训学时", required=False, min_value=0, max_digits=5, decimal_places=1)
    date_label = "集中培训开始日期"
    field_order = ["on", "end", "hours"]

    def clean(self):
        data = super().clean()
        if data.get("on") and data.get("end") and data["end"] < data["on"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data


class MeetingForm(StepForm):
    expected = forms.IntegerField(label="应到会有表决权正式党员数", min_value=0)
    present = forms.IntegerField(label="实到会有表决权正式党员数", min_value=0,
                                 help_text="因故不能到会、会前正式提出书面意见的，统计在票数内")
    yes = forms.IntegerField(label="赞成票数", min_value=0)
    no = forms.IntegerField(label="反对票数", min_value=0, required=False)
    abstain = forms.IntegerField(label="弃权票数", min_value=0, required=False)
    field_order = ["on", "expected", "present", "yes", "no", "abstain"]

    def votes(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("expected", "present", "yes", "no", "abstain")}


class ApprovalForm(StepForm):
    approving_organization = forms.ModelChoiceField(
        label="审批的上级党委", queryset=Organization.objects.none(), required=False,
        help_text="具有审批权的基层党委；党总支不能审批预备党员。不选则为本支部的上级党委")
    special_reason = forms.CharField(label="超过三个月审批的特殊情况", required=False, max_length=300,
                                     help_text="遇有特殊情况超过三个月审批的须填写，最长不超过六个月")
    field_order = ["on", "approving_organization", "special_reason"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        if case is not None:  # the organizations above the branch (a choice of a 党总支 is judged by the rules)
            from .services import approving_organizations

            self.fields["approving_organization"].queryset = approving_organizations(case.organization)


class ExtensionForm(StepForm):
    months = forms.IntegerField(label="延长预备期（月）", min_value=1, max_value=24,
                                help_text="只能延长一次，不少于半年、最长不超过一年")
    date_label = "支部大会决定延长日期"
    field_order = ["on", "months"]


class TerminationForm(StepForm):
    reason = forms.CharField(label="终止原因", max_length=300,
                             help_text="如：本人撤回申请、不再列为入党积极分子、取消预备党员资格")
    date_label = "终止日期"
    field_order = ["on", "reason"]


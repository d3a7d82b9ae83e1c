"""Talent forms: applications — the chain's step forms (named by `steps.STEPS`): 申报, 单位推荐, 资格审查, 审定,
公示, 公示异议, 认定, 终止. `forms/steps.py` star-imports them (`WORKFLOW.forms_module`)."""

from __future__ import annotations

from django import forms

from zugong.core.casework.forms import DATE
from zugong.core.casework.forms import StepForm as BaseStepForm
from zugong.orgs.fields import OrganizationPicker
from zugong.orgs.models import Unit
from zugong.people.fields import PersonPicker

from ..models import Application, Edition, Objection, Tier

__all__ = ["StepForm", "OpenApplicationForm", "RecommendForm", "QualifyForm", "ApproveForm", "PublicNoticeForm",
           "ObjectionForm", "RecognitionForm", "TerminationForm"]

DECISIONS = Application.Decision.choices


class StepForm(BaseStepForm):
    document_examples = "申报书、推荐意见、资格审查表、公示材料"


class OpenApplicationForm(StepForm):
    edition = forms.ModelChoiceField(label="申报批次", queryset=Edition.objects.none(),
                                     error_messages={"invalid_choice": "所选批次不存在或不在申报期"})
    tier = forms.ModelChoiceField(label="申报层次", queryset=Tier.objects.none(),
                                  error_messages={"invalid_choice": "所选层次不存在"})
    person = PersonPicker(label="申报人")
    organization = OrganizationPicker(label="推荐单位（党组织）", action="change",
                                      help_text="其推荐名额及上级组织的名额计入本申报")
    unit = forms.ModelChoiceField(label="工作单位", queryset=Unit.objects.none(), required=False)
    unit_name = forms.CharField(label="工作单位名称", max_length=100, required=False, help_text="不在系统内的单位填写名称")
    field = forms.CharField(label="专业领域", max_length=60)
    title = forms.CharField(label="申报方向（项目名称）", max_length=200, required=False)
    summary = forms.CharField(label="主要业绩与成果", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    co_applicants = forms.CharField(label="合作申报人", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="每行一人：姓名，工作单位（评审时回避）")
    supervisor = PersonPicker(label="导师或直接上级", required=False, help_text="评审时回避")
    supervisor_name = forms.CharField(label="导师或直接上级（系统外人员姓名）", max_length=50, required=False,
                                      help_text="不在系统内的填写姓名（评审时按姓名回避）")
    date_label = "申报日期"
    field_order = ["edition", "tier", "person", "organization", "unit", "unit_name", "field", "title", "on",
                   "summary", "co_applicants", "supervisor", "supervisor_name", "document", "document_title", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("person", "organization", "supervisor"):
            self.fields[name].bind(user)
        self.fields["edition"].queryset = Edition.objects.visible_to(user).filter(
            status=Edition.Status.OPEN).select_related("program")
        self.fields["tier"].queryset = Tier.objects.visible_to(user).filter(
            edition__status=Edition.Status.OPEN).select_related("edition")
        self.fields["tier"].label_from_instance = lambda t: f"{t.edition.title}：{t.name}"
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
        self.fields.pop("done_by", None)

    def clean_co_applicants(self):
        rows = []
        for line in (self.cleaned_data.get("co_applicants") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            for sep in ("，", ",", "\t"):
                if sep in line:
                    name, _, unit = line.partition(sep)
                    break
            else:
                name, unit = line, ""
            rows.append({"name": name.strip(), "unit_name": unit.strip()})
        return rows

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("edition", "tier", "person", "organization", "unit")} | {
            "unit_name": data.get("unit_name", ""), "field": data.get("field", ""), "title": data.get("title", ""),
            "summary": data.get("summary", ""), "co_applicants": data.get("co_applicants") or [],
            "supervisor": data.get("supervisor"), "supervisor_name": data.get("supervisor_name", ""),
            "applied_on": data["on"]}


class RecommendForm(StepForm):
    opinion = forms.CharField(label="推荐意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    date_label = "推荐日期"
    field_order = ["on", "opinion"]


class QualifyForm(StepForm):
    decision = forms.ChoiceField(label="审查结论", choices=DECISIONS, widget=forms.RadioSelect,
                                 help_text="参照资格预审结果（每项条件、是否符合及依据）作出")
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="不通过的须填写")
    date_label = "资格审查日期"
    field_order = ["on", "decision", "reason"]


class ApproveForm(StepForm):
    decision = forms.ChoiceField(label="审定结论", choices=DECISIONS, widget=forms.RadioSelect,
                                 help_text="人才工作领导小组审定")
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="不通过的须填写")
    date_label = "审定日期"
    field_order = ["on", "decision", "reason"]


class PublicNoticeForm(StepForm):
    end = forms.DateField(label="公示结束日期", widget=DATE,
                          help_text="公示开始之日计入，法定节假日和周末不计，调休上班日计入")
    date_label = "公示开始日期"
    field_order = ["on", "end"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        if case is not None:
            self.fields["end"].help_text = (f"本批次公示期不少于 {case.edition.notice_workdays} 个工作日；"
                                            + self.fields["end"].help_text)


class ObjectionForm(StepForm):
    objection = forms.ModelChoiceField(label="答复的异议", queryset=Objection.objects.none(), required=False,
                                       help_text="答复已收到的异议时选择；登记新的异议时留空")
    content = forms.CharField(label="反映内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label="核查情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label="核查结论", required=False,
                                choices=[("", "—")] + [c for c in Objection.Outcome.choices if c[0] != "pending"])
    date_label = "日期（收到或核查）"
    field_order = ["on", "objection", "content", "answer", "outcome"]

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, user=user, case=case, **kwargs)
        if case is not None:
            self.fields["objection"].queryset = Objection.objects.visible_to(user).filter(
                application=case, outcome=Objection.Outcome.PENDING)
            self.fields["objection"].label_from_instance = lambda o: f"{o.received_on:%Y-%m-%d} {o.content[:30]}"


class RecognitionForm(StepForm):
    date_label = "认定日期"
    field_order = ["on"]


class TerminationForm(StepForm):
    reason = forms.CharField(label="终止原因", max_length=300, help_text="如：本人撤回申报、不符合申报条件")
    date_label = "终止日期"
    field_order = ["on", "reason"]

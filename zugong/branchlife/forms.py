"""Forms: record a meeting (narrow-screen first), a study record, a democratic appraisal and its results."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from zugong.core.forms import VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker

from zugong.training.models import CreditKind

from .models import Appraisal, AppraisalResult, Grade, Meeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# 学时 a meeting of each kind credits to those present, unless the recorder says otherwise.
DEFAULT_HOURS = {Meeting.Kind.THEMED_DAY: Decimal("3"), Meeting.Kind.LECTURE: Decimal("2")}
KIND_HINTS = {
    Meeting.Kind.LECTURE: "讲课人",
    Meeting.Kind.TALK: "谈话人",
}


class MeetingForm(VersionedFormMixin, forms.Form):
    organization = OrganizationPicker(label="党组织", action="change",
                                      help_text="党小组会请选择党小组；其他会议选择党支部")
    kind = forms.ChoiceField(label="会议类型", choices=Meeting.Kind.choices)
    held_on = forms.DateField(label="日期", widget=DATE)
    topic = forms.CharField(label="主题", max_length=200)
    place = forms.CharField(label="地点", max_length=100, required=False)
    host_person = forms.TypedChoiceField(label="主持人（讲课人）", required=False, coerce=int, empty_value=None)
    host = forms.CharField(label="主持人姓名（非本支部党员时填写）", max_length=50, required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)
    credit_hours = forms.DecimalField(label="计入学时", min_value=0, max_value=99, decimal_places=1, required=False,
                                     help_text="到会党员每人计入的集中学习学时")
    expected = forms.IntegerField(label="应到人数", min_value=0, required=False,
                                  help_text="没有应到党员名单时（如谈心谈话）填写")
    present = forms.IntegerField(label="实到人数", min_value=0, required=False)
    guests = forms.CharField(label="列席人员", max_length=200, required=False)
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label="附件（签到表、照片等）", required=False)
    exception_reason = forms.CharField(label="例外办理理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text="违反规定的会议记录，只有管理员填写理由后才能作为例外办理")

    def __init__(self, *args, user, roster=(), allow_exception=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["host_person"].choices = [("", "（请选择）")] + [(m.person_id, m.person.name) for m in roster]
        self.roster = list(roster)
        from django.urls import reverse

        reload = {"hx-get": reverse("branchlife:roster"), "hx-target": "#roster", "hx-swap": "outerHTML",
                  "hx-trigger": "change", "hx-include": "[name=organization],[name=kind],[name=held_on]"}
        if not editing:
            self.fields["kind"].widget.attrs.update(reload)
            self.fields["held_on"].widget.attrs.update(reload)
        if not allow_exception:
            del self.fields["exception_reason"]
        if editing:
            del self.fields["organization"]
            self.fields["kind"].disabled = True
            del self.fields["attachment"]

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("会议日期不能晚于今天（尚未召开的会议不能登记）")
        return day

    def absences(self) -> dict[int, str]:
        """The members marked absent, with the reasons typed (from the roster rows of the form)."""
        out = {}
        for m in self.roster:
            if self.data.get(f"absent_{m.pk}"):
                out[m.pk] = self.data.get(f"reason_{m.pk}", "").strip()[:100]
        return out

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        host_person = next((m.person for m in self.roster if m.person_id == data.get("host_person")), None)
        kind = data.get("kind")
        hours = data.get("credit_hours")
        return {
            "kind": kind, "held_on": data["held_on"], "topic": data["topic"], "place": data.get("place", ""),
            "host": (host_person.name if host_person else data.get("host", "")),
            "host_person": host_person, "recorder": data.get("recorder", ""),
            "credit_hours": hours if hours is not None else DEFAULT_HOURS.get(kind, Decimal(0)),
            "guests": data.get("guests", ""), "minutes": data.get("minutes", ""),
        }


STUDY_KINDS = [(k, CreditKind(k).label) for k in (CreditKind.CLASS, CreditKind.OFF_JOB, CreditKind.ONLINE,
                                                     CreditKind.STUDY, CreditKind.OTHER)]


class StudyRecordForm(forms.Form):
    """Study hours of one member, written to the training ledger (`services.record_study`)."""

    on = forms.DateField(label="日期", widget=DATE, help_text="培训结束日期")
    kind = forms.ChoiceField(label="方式", choices=STUDY_KINDS, initial=CreditKind.CLASS)
    title = forms.CharField(label="培训或学习内容", max_length=100)
    provider = forms.CharField(label="举办单位", max_length=100, required=False)
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=Decimal("0.1"))


class AppraisalForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = ["year", "meeting", "self_on", "mutual_on", "vote_on", "decided_on", "voters_expected",
                  "voters_present", "note"]
        widgets = {"self_on": DATE, "mutual_on": DATE, "vote_on": DATE, "decided_on": DATE,
                   "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings if meetings is not None else Meeting.objects.none()
        self.fields["meeting"].empty_label = "（未关联会议）"


class AppraisalResultForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AppraisalResult
        fields = ["self_grade", "mutual_note", "votes_excellent", "votes_qualified", "votes_basic",
                  "votes_unqualified", "grade", "followup", "followup_until", "followup_note"]
        widgets = {"followup_until": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("self_grade", "grade", "followup"):
            self.fields[name].choices = [("", "（未填）")] + list(self.fields[name].choices)[1:]


GRADES = Grade

"""Forms of the cadre pages: the record's basic data, each sub-record, appointment and removal."""

from __future__ import annotations

from django import forms

from zugong.core.forms import PickerSelect, VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker
from zugong.orgs.models import Unit

from . import ranks
from .models import (
    AnnualAssessment,
    Cadre,
    CadrePost,
    Education,
    FamilyMember,
    RankRecord,
    ResumeEntry,
    RewardPunishment,
    TrainingRecord,
)


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CadreForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["unit_name", "work_started_on", "party_status", "party_joined_on", "party_joined_text",
                  "health", "professional_title", "specialty", "rewards_text", "assessment_text", "post_order",
                  "status", "note"]
        widgets = {"work_started_on": _date(), "party_joined_on": _date(),
                   "rewards_text": forms.Textarea(attrs={"rows": 2}),
                   "assessment_text": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}


class CreateCadreForm(CadreForm):
    organization = OrganizationPicker(label="管理单位（党组织）", action="change",
                                      help_text="干部管理权限所在的党委，如县委、市委")
    rank = forms.ChoiceField(label="职级/级别", choices=[("", "—")] + ranks.RANK_CHOICES, required=False)
    rank_since = forms.DateField(label="任现职级时间", required=False, widget=_date())

    class Meta(CadreForm.Meta):
        fields = ["organization", "rank", "rank_since", "work_started_on", "party_status", "party_joined_on",
                  "party_joined_text", "health", "professional_title", "specialty", "post_order"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)


class UnitChoice(forms.ModelChoiceField):
    """A unit among those the user may see, searched by name as the user types."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget = PickerSelect("")
        self.widget.choices = self.choices

    def label_from_instance(self, obj):
        return obj.name


def bind_unit(field, user):
    from django.urls import reverse

    field.queryset = Unit.objects.visible_to(user)
    field.widget.choices = field.choices
    field.widget.attrs["data-picker-url"] = reverse("cadres:unit_picker")


class AppointForm(forms.Form):
    unit = UnitChoice(label="任职单位", queryset=Unit.objects.none(), required=False,
                      error_messages={"invalid_choice": "所选单位不存在或不在您的管辖范围内"})
    unit_name = forms.CharField(label="任职单位名称", max_length=100, required=False,
                                help_text="单位不在系统中时填写")
    title = forms.CharField(label="职务名称", max_length=100, help_text="如“书记”“副局长”")
    rank = forms.ChoiceField(label="职务层次/职级", choices=[("", "不变")] + ranks.RANK_CHOICES, required=False)
    start_on = forms.DateField(label="任职时间", widget=_date())
    appointment_method = forms.ChoiceField(label="任职方式", choices=CadrePost.Method.choices,
                                           initial=CadrePost.Method.APPOINTED)
    document_no = forms.CharField(label="任职文号", max_length=60, required=False)
    is_main = forms.BooleanField(label="主要职务（取消勾选为兼任）", required=False, initial=True)
    replaces = forms.ModelMultipleChoiceField(label="同时免去", queryset=CadrePost.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user=None, cadre=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind_unit(self.fields["unit"], user)
        self.fields["replaces"].queryset = CadrePost.objects.visible_to(user).filter(cadre=cadre, end_on__isnull=True)
        self.fields["replaces"].label_from_instance = lambda p: p.full_title

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not (data.get("unit_name") or "").strip():
            self.add_error("unit_name", "请选择任职单位或填写单位名称")
        return data


class EndPostForm(forms.Form):
    end_on = forms.DateField(label="免职时间", widget=_date())
    document_no = forms.CharField(label="免职文号", max_length=60, required=False)


class PostForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = CadrePost
        fields = ["unit_name", "title", "rank", "start_on", "end_on", "appointment_method", "document_no",
                  "end_document_no", "is_main", "order"]
        widgets = {"start_on": _date(), "end_on": _date()}


class RankRecordForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = RankRecord
        fields = ["rank", "start_on", "end_on", "document_no"]
        widgets = {"start_on": _date(), "end_on": _date()}


class ResumeForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ResumeEntry
        fields = ["start_on", "end_on", "text", "during", "grassroots", "order"]
        widgets = {"start_on": _date(), "end_on": _date()}
        help_texts = {"start_on": "按月记录，日期取当月1日", "end_on": "留空表示至今"}


class EducationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Education
        fields = ["mode", "education", "education_text", "degree_text", "institution", "degree_institution",
                  "start_on", "end_on"]
        widgets = {"start_on": _date(), "end_on": _date()}


class RewardForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = RewardPunishment
        fields = ["on", "kind", "text", "authority"]
        widgets = {"on": _date()}


class AssessmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualAssessment
        fields = ["year", "grade", "note"]


class FamilyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_text", "political_status", "work", "is_deceased", "order"]


class TrainingForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["name", "kind", "organizer", "start_on", "end_on", "hours", "days"]
        widgets = {"start_on": _date(), "end_on": _date()}


CHILD_FORMS = {
    "post": PostForm, "rank": RankRecordForm, "resume": ResumeForm, "education": EducationForm,
    "reward": RewardForm, "assessment": AssessmentForm, "family": FamilyForm, "training": TrainingForm,
}

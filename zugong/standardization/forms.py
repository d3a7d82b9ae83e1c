"""Forms of the standardization pages: checklist and item configuration, inspector scores, scoring runs."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy

from zugong.core.config import measures
from zugong.core.config.forms import ParamsField, measure_params_help
from zugong.core.forms import VersionedFormMixin
from zugong.orgs.editions import NewEditionMixin, copy_from_field, issuer_field
from zugong.orgs.fields import OrganizationPicker

from .models import Checklist, ChecklistItem

DATE = {"type": "date"}

INNOVATION = "须有创新项目"
BAND_LINE = re.compile(r"^(?P<grade>[^\s≥>=]+)\s*(?:≥|>=|不低于)?\s*(?P<min>\d+(?:\.\d+)?)\s*分?\s*(?P<innovation>须有创新项目)?$")


class GradeBandsField(forms.Field):
    """等次划分 typed as officials write it, one band a line from the highest: “五星 90 须有创新项目”,
    “四星 80” … (stored as [{"grade", "min", "requires_innovation"}]); each wrong line named in the error."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        lines = []
        for band in value or []:
            minimum = band.get("min")
            if isinstance(minimum, float) and minimum.is_integer():
                minimum = int(minimum)
            lines.append(f"{band.get('grade')} {minimum}" + (f" {INNOVATION}" if band.get("requires_innovation") else ""))
        return "\n".join(lines)

    def to_python(self, value):
        if (value or "").lstrip().startswith("["):  # the stored form, pasted as is
            try:
                return json.loads(value)
            except ValueError:
                raise ValidationError("格式有误：请每行写一档，如“四星 80”") from None
        bands = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            line = line.strip().replace("　", " ")
            if not line:
                continue
            match = BAND_LINE.match(line)
            if not match:
                raise ValidationError(f"第 {number} 行“{line}”格式有误：应为“等次 最低分”，如“四星 80”或“五星 90 {INNOVATION}”")
            minimum = float(match["min"])
            band = {"grade": match["grade"], "min": int(minimum) if minimum.is_integer() else minimum}
            if match["innovation"]:
                band["requires_innovation"] = True
            bands.append(band)
        return bands


class ChecklistForm(VersionedFormMixin, forms.ModelForm):
    grade_bands = GradeBandsField(
        label="等次划分",
        help_text=f"每行一档，从高到低写“等次 最低分”，须有创新项目的在后面加“{INNOVATION}”；低于最后一档的为最后一档")

    class Meta:
        model = Checklist
        fields = ["name", "edition", "issuing_body", "document", "sector", "effective_from", "effective_to",
                  "grade_bands", "source_status", "active"]
        widgets = {"effective_from": forms.DateInput(DATE, format="%Y-%m-%d"),
                   "effective_to": forms.DateInput(DATE, format="%Y-%m-%d")}


class ChecklistCreateForm(NewEditionMixin, ChecklistForm):
    """新建评分标准: empty (with the example star bands) or a copy of a visible checklist."""

    noun = "评分标准"
    reload_url = "standardization:checklist_create"
    copied_fields = ("name", "issuing_body", "document", "sector", "grade_bands", "source_status")
    copy_from = copy_from_field(noun)
    organization = issuer_field(noun)
    field_order = ["copy_from", "organization", *ChecklistForm.Meta.fields]

    class Meta(ChecklistForm.Meta):
        fields = ["organization", *ChecklistForm.Meta.fields]

    def __init__(self, *args, user=None, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(user, source)
        if not self.is_bound and source is None:
            from .defaults import STAR_BANDS

            self.initial["grade_bands"] = STAR_BANDS


class ChecklistItemForm(VersionedFormMixin, forms.ModelForm):
    params = ParamsField(label="参数", required=False, help_text=lazy(measure_params_help, str)())
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

    def clean(self):
        from .scoring import not_in_force_message

        data = super().clean()
        if data.get("checklist") and data.get("year"):
            refused = not_in_force_message(data["checklist"], data["year"])
            if refused:
                self.add_error("checklist", refused)
        return data

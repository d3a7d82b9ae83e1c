"""Forms of sanctions (处分、问责、组织处理) and investigations: pickers scoped to the user, dates as 2026-03-05."""

from __future__ import annotations

from django import forms

from zugong.core.forms import VersionedFormMixin
from zugong.people.fields import PersonPicker

from ..models import EFFECT_CHOICES, Family, Investigation, Sanction, SanctionEffect

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})


class SanctionForm(VersionedFormMixin, forms.ModelForm):
    person = PersonPicker(label="人员")
    family = forms.ChoiceField(label="处分性质", required=False, choices=[("", "按处分类别"), *Family.choices],
                               help_text="作为问责方式作出的选“问责”；不选则按处分类别（党纪处分、政务处分或组织处理）")

    class Meta:
        model = Sanction
        fields = ("person", "kind", "family", "decided_on", "effective_until", "deciding_body", "document_no", "note")
        widgets = {"decided_on": DATE, "effective_until": DATE, "note": TEXT}
        help_texts = {"kind": "留党察看、开除党籍同时记入该党员的党员信息（留党察看记录、党籍状态）"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["person"]
        else:
            self.fields["person"].bind(user)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "person"}


class RestoreForm(forms.Form):
    on = forms.DateField(label="恢复党员权利日期", widget=DATE)


class InvestigationForm(forms.Form):
    person = PersonPicker(label="人员")
    opened_on = forms.DateField(label="立案日期", widget=DATE)
    body = forms.CharField(label="立案机关", max_length=100, required=False)
    document_no = forms.CharField(label="文号", max_length=60, required=False)
    note = forms.CharField(label="说明", required=False, widget=TEXT)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].bind(user)


class SanctionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.decided_on:%Y-%m-%d} {obj.get_kind_display()}（{obj.get_family_display()}）"


class CloseForm(VersionedFormMixin, forms.Form):
    closed_on = forms.DateField(label="结案日期", widget=DATE)
    outcome = forms.ChoiceField(label="结案结果", choices=Investigation.Outcome.choices)
    sanction = SanctionChoice(label="结案处分", queryset=Sanction.objects.none(), required=False,
                              help_text="给予处分或处理的，先登记处分，再在此选择")
    note = forms.CharField(label="说明", required=False, widget=TEXT)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        record = self.version_record
        self.fields["sanction"].queryset = (Sanction.objects.visible_to(user).filter(person_id=record.person_id)
                                            .order_by("-decided_on"))


class SanctionEffectForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SanctionEffect
        fields = ("year_effect", "later_years", "later_effect", "period_months", "period_effect", "regulation",
                  "article", "note", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("year_effect", "later_effect", "period_effect"):
            self.fields[name].choices = EFFECT_CHOICES

from django import forms

from zugong.core.forms import VersionedFormMixin

from .models import CHANNELS, LeadTime
from .services import kinds


class PreferencesForm(forms.Form):
    """A check box per kind × channel (`<kind>__<channel>`) and the SMS number."""

    sms_number = forms.CharField(label="接收短信的手机号", max_length=20, required=False)

    def __init__(self, *args, current: dict, sms_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds()
        for kind, label in self.kinds.items():
            for channel, channel_label in CHANNELS:
                self.fields[f"{kind}__{channel}"] = forms.BooleanField(
                    label=f"{label}：{channel_label}", required=False, initial=current[kind][channel])
        self.fields["sms_number"].initial = sms_number

    def rows(self):
        """(label, [bound field per channel]) for the table."""
        return [(label, [self[f"{kind}__{c}"] for c, _l in CHANNELS]) for kind, label in self.kinds.items()]

    def chosen(self) -> dict[str, set[str]]:
        data = self.cleaned_data
        return {kind: {c for c, _l in CHANNELS if data.get(f"{kind}__{c}")} for kind in self.kinds}


class LeadTimeForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = LeadTime
        fields = ["kind", "days", "overdue", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "所有类型")] + [(k, v) for k, v in kinds().items() if k != "findings"]
        self.fields["kind"] = forms.ChoiceField(label="提醒类型", choices=choices, required=False)

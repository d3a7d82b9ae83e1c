"""The workbench's forms: a scheduled task's time of day and switch."""

from django import forms

from zugong.core.forms import VersionedFormMixin
from zugong.core.models import ScheduledTask


class ScheduledTaskForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ScheduledTask
        fields = ["at", "enabled"]
        widgets = {"at": forms.TimeInput(attrs={"placeholder": "02:00", "inputmode": "numeric"}, format="%H:%M")}
        help_texts = {"at": "24 小时制，如 02:00、23:30；每天这个时间（北京时间）运行，关机错过的，开机后补运行一次",
                      "enabled": "停用后不再按时运行，仍可在列表中“立即运行”"}

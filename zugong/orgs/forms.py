import datetime as dt

from django import forms

from zugong.core.forms import VersionedFormMixin

from .fields import OrganizationPicker
from .models import Organization, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganizationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name", "short_name", "code", "kind", "is_joint", "is_temporary", "sector", "division_code",
            "founded_on", "term_started_on", "term_years",
        ]
        widgets = {"founded_on": DATE, "term_started_on": DATE}
        help_texts = {"term_years": "留空则按规定自动确定：党委、村和社区组织5年，党总支和党支部3年"}

    def clean_division_code(self):
        code = self.cleaned_data["division_code"]
        if code and not (code.isdigit() and len(code) in (6, 9, 12)):
            raise forms.ValidationError("行政区划代码应为6、9或12位数字")
        return code


class MoveForm(forms.Form):
    new_parent = OrganizationPicker(label="新的上级组织", action="manage")
    note = forms.CharField(label="说明（文号或理由）", required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].bind(user)


class MergeForm(forms.Form):
    target = OrganizationPicker(label="并入的组织", action="manage")
    on = forms.DateField(label="合并日期", initial=dt.date.today, widget=DATE)
    note = forms.CharField(label="说明（文号或理由）", required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].bind(user)


class DissolveForm(forms.Form):
    receiver = OrganizationPicker(label="接收人员的组织", action="manage", required=False,
                                  help_text="该组织的人员将转入此组织；没有人员时可不选")
    on = forms.DateField(label="撤销日期", initial=dt.date.today, widget=DATE)
    note = forms.CharField(label="说明（文号或理由）", required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].bind(user)


class UnitForm(VersionedFormMixin, forms.ModelForm):
    """A unit's details the annual statistics count (法人单位类型, coverage, joint branch, staff)."""

    joint_organization = OrganizationPicker(label="所在联合党支部", action="view", required=False,
                                            help_text="本单位党员编入的联合党支部（须为联合党支部）")

    class Meta:
        model = Unit
        fields = [
            "name", "credit_code", "entity_type", "coverage", "joint_organization", "employees", "employee_members",
            "tech_staff", "large", "legal_rep_member", "legal_rep_secretary", "liaison", "full_time_worker",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joint_organization"].bind(user)

    def clean_joint_organization(self):
        joint = self.cleaned_data.get("joint_organization")
        if joint is not None and not joint.is_joint:
            raise forms.ValidationError(f"“{joint.name}”不是联合党支部")
        return joint

    def validate_unique(self):
        """The service checks what must be checked."""

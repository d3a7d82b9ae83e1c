"""Forms of routine (平时) and annual (年度) assessment of individuals."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zugong.core.forms import VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker

from ..models import AssessmentPolicy, Category, Pool, QuotaRule, RoutineGradeValue


class OpenRoundForm(forms.Form):
    organization = OrganizationPicker(label="考核机关", action="manage")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    period = forms.IntegerField(label="期次（平时考核）", min_value=1, max_value=12, required=False,
                                help_text="季度考核填 1 至 4；年度考核不填")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["year"].initial = timezone.localdate().year


class ExceptionForm(forms.Form):
    exception_reason = forms.CharField(label="例外办理理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class ApprovalForm(forms.Form):
    share = forms.DecimalField(label="批准比例", min_value=0, max_value=1, decimal_places=3,
                               help_text="如 0.25 表示 25%，不超过比例设定的上限")
    approved_by = forms.CharField(label="批准机关", max_length=100)
    document_no = forms.CharField(label="批准文号", max_length=60)
    approved_on = forms.DateField(label="批准日期", widget=forms.DateInput(attrs={"type": "date"}))


class UploadForm(forms.Form):
    file = forms.FileField(label="年度考核拟定等次（.xlsx）")


class QuotaRuleForm(VersionedFormMixin, forms.ModelForm):
    """等次比例: a share, its rounding, a minimum and a ceiling that needs an approval record."""

    class Meta:
        model = QuotaRule
        fields = ["title", "pool_kind", "share", "rounding", "minimum", "ceiling_share", "document", "active"]

    def clean(self):
        data = super().clean()
        share, ceiling = data.get("share"), data.get("ceiling_share")
        if share is not None and not 0 < share <= 1:
            self.add_error("share", "比例上限应大于 0、不超过 1（如 0.2 表示 20%）")
        if ceiling is not None and share is not None and ceiling < share:
            self.add_error("ceiling_share", "经批准可提高到的比例不能低于比例上限")
        if ceiling is not None and ceiling > 1:
            self.add_error("ceiling_share", "比例不能超过 1")
        return data


class PolicyForm(VersionedFormMixin, forms.ModelForm):
    """个人考核设置: the routine cycle, the 平时 → 年度 prerequisite, the probation length."""

    forbidden = forms.MultipleChoiceField(label="不得有的平时考核等次", required=False,
                                          choices=RoutineGradeValue.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AssessmentPolicy
        fields = ["title", "routine_periods", "prerequisite", "good_share", "forbidden", "probation_months",
                  "document", "active"]

    def clean_good_share(self):
        value = self.cleaned_data["good_share"]
        if not 0 <= value < 1:
            raise forms.ValidationError("应不小于 0、小于 1（0.5 表示超过一半）")
        return value


class PoolForm(forms.Form):
    organization = OrganizationPicker(label="考核机关", action="manage")
    name = forms.CharField(label="考核组名称", max_length=100, help_text="如：办公室、机关党委合并组；分管副县长联系部门领导干部组")
    kind = forms.ChoiceField(label="类型", choices=[c for c in Pool.Kind.choices if c[0] != Pool.Kind.DEPARTMENT])
    leaders = forms.BooleanField(label="领导干部考核组", required=False,
                                 help_text="领导干部与其他人员分别设考核组、分别计算比例")
    category = forms.ChoiceField(label="人员类别", required=False, choices=[("", "不限"), *Category.choices])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)


class PoolPeopleForm(forms.Form):
    id_numbers = forms.CharField(label="公民身份号码", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="每行一个")
    unit = OrganizationPicker(label="或：某部门（单位）的全部人员", action="manage", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].bind(user)

    def clean(self):
        from zugong.people.models import Person

        data = super().clean()
        numbers = [line.strip().upper() for line in (data.get("id_numbers") or "").splitlines() if line.strip()]
        unit = data.get("unit")
        if not numbers and unit is None:
            raise forms.ValidationError("请填写公民身份号码，或选择一个部门（单位）")
        found = {p.id_number: p for p in Person.objects.visible_to(self.user, "change").filter(id_number__in=numbers)}
        missing = [f"第 {i} 行“{n}”" for i, n in enumerate(numbers, start=1) if n not in found]
        if missing:
            self.add_error("id_numbers", "、".join(missing) + "：没有该人员或不在您的管辖范围内")
        people = list(found.values())
        if unit is not None:
            people += list(Person.objects.visible_to(self.user, "change").filter(organization=unit))
        data["people"] = list({p.pk: p for p in people}.values())
        return data

"""Talent forms: programmes — a programme, an edition and its rows (tiers, conditions with typed parameters,
unit quotas, allowance instalments, rubric criteria). A condition's parameters are one field each (a number of
years, check boxes of grades …), turned into `params` per kind and checked by
`programmes_services.condition_problems` (errors next to the field)."""

from __future__ import annotations

from django import forms

from zugong.core.forms import VersionedFormMixin
from zugong.core.refdata import EDUCATION
from zugong.orgs.fields import OrganizationPicker

from .. import programmes_services as services
from ..models import AllowanceInstalment, Condition, ConditionKind, Criterion, Edition, Program, Tier, UnitQuota

__all__ = ["ProgramForm", "EditionForm", "TierForm", "ConditionForm", "UnitQuotaForm", "InstalmentForm",
           "CriterionForm"]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
K = ConditionKind


class ProgramForm(VersionedFormMixin, forms.ModelForm):
    organization = OrganizationPicker(label="主办单位", action="admin",
                                      help_text="由主办单位的组织部门管理员管理；其下级可以看到并申报")

    class Meta:
        model = Program
        fields = ("organization", "code", "name", "level", "document", "description", "active")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)


class EditionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Edition
        fields = ("year", "title", "opens_on", "closes_on", "notice_workdays", "reviewers_per_application",
                  "trim_high", "trim_low", "support_years", "document")
        widgets = {"opens_on": DATE, "closes_on": DATE}


def _tier_field(form, edition: Edition, help_text: str = "空为各层次通用") -> None:
    form.fields["tier"].queryset = services.tiers_of(edition)
    form.fields["tier"].empty_label = "各层次通用"
    form.fields["tier"].help_text = help_text


class TierForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Tier
        fields = ("code", "name", "quota", "allowance_total", "order")


class ConditionForm(VersionedFormMixin, forms.ModelForm):
    """The condition's parameters as fields; only those of the chosen kind are used."""

    years = forms.IntegerField(label="年数", required=False, min_value=1, max_value=50,
                               help_text="近年年度考核等次：考核年数（申报年度之前的完整年度，如 3）；无处分记录：近几年内"
                                         "（截至申报截止日）；任现职年限：任现职满几年")
    grades = forms.MultipleChoiceField(label="符合的考核等次", required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="近年年度考核等次：每一年的等次须为所选之一")
    sanction_kinds = forms.MultipleChoiceField(label="处分类别", required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text="无处分记录：不选为任何处分、问责和组织处理")
    age = forms.IntegerField(label="周岁", required=False, min_value=1, max_value=100,
                             help_text="年龄上限、下限：按申报截止日计算的周岁（当日生日的已满该周岁）")
    codes = forms.MultipleChoiceField(label="学历", required=False, choices=EDUCATION,
                                      widget=forms.CheckboxSelectMultiple, help_text="学历：人员学历为所选之一")
    titles = forms.CharField(label="专业技术职务", required=False, max_length=200,
                             help_text="专业技术职务：包含其一即符合，用顿号分隔，如 正高级、副高级")

    PARAM_FIELDS = {"years": "years", "grades": "grades", "kinds": "sanction_kinds", "age": "age",
                    "codes": "codes", "titles": "titles"}
    KIND_PARAMS = {K.ANNUAL_GRADES: ("years", "grades"), K.NO_SANCTION: ("years", "kinds"),
                   K.YEARS_IN_POST: ("years",), K.MAX_AGE: ("age",), K.MIN_AGE: ("age",), K.EDUCATION: ("codes",),
                   K.TITLE: ("titles",), K.MANUAL: ()}

    class Meta:
        model = Condition
        fields = ("tier", "kind", "label", "years", "grades", "sanction_kinds", "age", "codes", "titles", "source",
                  "order")

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        _tier_field(self, edition)
        self.fields["grades"].choices = services.grade_choices()
        self.fields["sanction_kinds"].choices = services.sanction_kind_choices()
        params = self.instance.params or {}
        for key, name in self.PARAM_FIELDS.items():
            if key in params:
                value = params[key]
                self.initial[name] = "、".join(value) if key == "titles" else value

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind not in self.KIND_PARAMS:
            return data
        params = {}
        for key in self.KIND_PARAMS[kind]:
            value = data.get(self.PARAM_FIELDS[key])
            if key == "titles":
                value = [t.strip() for t in (value or "").replace(",", "、").replace("，", "、").split("、")
                         if t.strip()]
            elif key == "kinds" and not value:
                continue
            elif isinstance(value, list):
                value = list(value)
            params[key] = value
        for key, reason in services.condition_problems(kind, params).items():
            self.add_error(self.PARAM_FIELDS.get(key, None) if key != "kind" else "kind", reason)
        self.instance.params = params
        return data


class UnitQuotaForm(VersionedFormMixin, forms.ModelForm):
    organization = OrganizationPicker(label="推荐单位", help_text="其下级组织的申报计入本单位名额")

    class Meta:
        model = UnitQuota
        fields = ("organization", "tier", "quota")

    def __init__(self, *args, edition: Edition, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        _tier_field(self, edition, "空为各层次合计")
        self.fields["tier"].empty_label = "各层次合计"


class InstalmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AllowanceInstalment
        fields = ("number", "amount", "due_months", "condition", "requires_review")


class CriterionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ("tier", "name", "description", "weight", "max_score", "order")

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        _tier_field(self, edition)
        self.fields["weight"].help_text = "0 到 1 之间；同一层次适用的各指标（含各层次通用的）权重合计应为 1，发布时检查"

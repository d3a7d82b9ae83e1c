"""Forms of the weak-organization pages."""

from django import forms
from django.utils.functional import lazy

from zugong.core.config import measures
from zugong.core.config.forms import ParamsField, measure_params_help
from zugong.core.forms import VersionedFormMixin
from zugong.orgs.editions import NewEditionMixin, copy_from_field, issuer_field
from zugong.orgs.fields import OrganizationPicker

from .models import Indicator, IndicatorSet, Rectification

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListCreateForm(forms.Form):
    organization = OrganizationPicker(label="审定党组织", action="change",
                                      help_text="负责审定名单的党委，名单排查其下属全部党支部")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    as_of = forms.DateField(label="排查基准日", widget=DATE, required=False, help_text="留空为今天")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)


class EntryAddForm(forms.Form):
    organization = OrganizationPicker(label="党组织")
    codes = forms.MultipleChoiceField(label="认定情形", widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="研判意见", max_length=500)

    def __init__(self, *args, user=None, indicator_set=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["codes"].choices = [(i.code, f"{i.code} {i.text}") for i in
                                        indicator_set.indicators.visible_to(user).filter(active=True)]


class FlagForm(forms.Form):
    organization = OrganizationPicker(label="党组织", action="change")
    indicator = forms.ModelChoiceField(label="情形", queryset=Indicator.objects.none(),
                                       error_messages={"invalid_choice": "所选情形不存在"})
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    reported_on = forms.DateField(label="发现日期", widget=DATE, required=False)
    note = forms.CharField(label="具体情况", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["indicator"].queryset = Indicator.objects.visible_to(user).filter(
            source=Indicator.Source.MANUAL, active=True, indicator_set__active=True)
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} {i.text}（{i.indicator_set.name}）"


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Rectification
        fields = ["problems", "measures", "responsibilities", "targets", "responsible_leader", "county_leader",
                  "township_leader", "first_secretary", "paired_unit", "supervised", "started_on", "deadline"]
        widgets = {"started_on": DATE, "deadline": DATE, "problems": forms.Textarea(attrs={"rows": 3}),
                   "measures": forms.Textarea(attrs={"rows": 3}), "responsibilities": forms.Textarea(attrs={"rows": 3}),
                   "targets": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"deadline": "留空按认定标准的整顿期限（一般一年）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("problems", "measures", "responsibilities", "responsible_leader", "started_on", "deadline"):
            self.fields[name].required = False


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label="报告日期", widget=DATE, required=False)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    problems_solved = forms.IntegerField(label="解决问题数", min_value=0, initial=0)


class AcceptanceForm(forms.Form):
    held_on = forms.DateField(label="验收日期", widget=DATE)
    score = forms.DecimalField(label="验收得分", max_digits=5, decimal_places=2, min_value=0, max_value=100)
    satisfied = forms.IntegerField(label="满意票", min_value=0, initial=0)
    basically_satisfied = forms.IntegerField(label="基本满意票", min_value=0, initial=0)
    dissatisfied = forms.IntegerField(label="不满意票", min_value=0, initial=0)
    new_deadline = forms.DateField(label="不合格时的重新整顿期限", widget=DATE, required=False)
    note = forms.CharField(label="验收情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    close_anyway = forms.BooleanField(label="不合格仍予销号（须填写例外理由）", required=False)
    exception_reason = forms.CharField(label="例外理由", required=False)


class IndicatorSetForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorSet
        fields = ["name", "edition", "issuing_body", "document", "effective_from", "effective_to",
                  "comprehensive_min", "ratio_mode", "ratio_percent", "pass_mark", "veto_dissatisfied_percent",
                  "rectification_months", "followup_months", "source_status", "active"]
        widgets = {"effective_from": DATE, "effective_to": DATE}


class IndicatorSetCreateForm(NewEditionMixin, IndicatorSetForm):
    """新建认定标准: empty, or a copy of a visible standard with all its situations."""

    noun = "认定标准"
    reload_url = "weakorgs:standard_create"
    copied_fields = ("name", "issuing_body", "document", "comprehensive_min", "ratio_mode", "ratio_percent",
                     "pass_mark", "veto_dissatisfied_percent", "rectification_months", "followup_months",
                     "source_status")
    copy_from = copy_from_field(noun)
    organization = issuer_field(noun)
    field_order = ["copy_from", "organization", *IndicatorSetForm.Meta.fields]

    class Meta(IndicatorSetForm.Meta):
        fields = ["organization", *IndicatorSetForm.Meta.fields]

    def __init__(self, *args, user=None, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(user, source)


class IndicatorForm(VersionedFormMixin, forms.ModelForm):
    params = ParamsField(label="参数", required=False, help_text=lazy(measure_params_help, str)())
    measure = forms.ChoiceField(label="数据指标", required=False)

    class Meta:
        model = Indicator
        fields = ["code", "order", "text", "source", "measure", "params", "direct_trigger", "sector", "citation",
                  "local", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "（人工标记）")] + measures.choices()

    def clean_params(self):
        return self.cleaned_data.get("params") or {}

    def clean(self):
        data = super().clean()
        if data.get("source") == Indicator.Source.DATA and not data.get("measure"):
            self.add_error("measure", "按数据识别的情形应选择数据指标")
        if data.get("source") == Indicator.Source.MANUAL:
            data["measure"] = ""
        return data

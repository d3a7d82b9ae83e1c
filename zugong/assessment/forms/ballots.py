"""Forms of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes."""

from django import forms
from django.utils import timezone

from zugong.core.forms import VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker
from zugong.teams.models import LeadershipTeam

from .. import ballots_services as services
from ..models import BallotRules, BallotSubject, ExcellenceBar, LeaderGrade, Mode, TeamGrade

DATE = {"type": "date"}


def _year_initial() -> int:
    return timezone.localdate().year - 1


class _GradeForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=_year_initial)
    mode = forms.ChoiceField(label="考核方式", choices=Mode.choices, initial=Mode.ANNUAL)
    period = forms.CharField(label="期间", max_length=40, required=False,
                             help_text="平时考核写季度，专项、任期考核写名称或起止年份")
    assessed_on = forms.DateField(label="评定日期", widget=forms.DateInput(DATE), initial=timezone.localdate)
    bars = forms.MultipleChoiceField(label="不得评为优秀的情形", required=False, widget=forms.CheckboxSelectMultiple,
                                     help_text="勾选适用的情形；勾选后不能评为最高等次")
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exception_reason = forms.CharField(label="例外办理理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text="确有特殊情况的，由有权限的管理员填写理由后作为例外办理")

    kind = "team"

    def set_bars(self, path: str):
        self.fields["bars"].choices = [(b.code, b.text) for b in services.bars_applying(path, self.kind)]


class TeamGradeForm(_GradeForm):
    team = forms.ModelChoiceField(label="领导班子", queryset=LeadershipTeam.objects.none(),
                                  error_messages={"invalid_choice": "所选领导班子不存在或不在您的管辖范围内"})
    grade = forms.ChoiceField(label="等次", choices=TeamGrade.choices)
    field_order = ["team", "year", "mode", "period", "grade", "assessed_on", "bars", "note", "exception_reason"]

    def __init__(self, *args, user=None, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = LeadershipTeam.objects.visible_to(user, "change").order_by("org_path", "order")
        if team is not None:
            self.fields["team"].initial = team.pk
        # every situation the user sees; the service checks that those ticked apply to the chosen team
        self.fields["bars"].choices = [(b.code, b.text) for b in ExcellenceBar.objects.visible_to(user)
                                       .filter(active=True).exclude(applies_to="leader").order_by("order", "pk")]


class LeaderGradeForm(_GradeForm):
    cadre = forms.TypedChoiceField(label="领导干部", coerce=int)
    grade = forms.ChoiceField(label="等次", choices=LeaderGrade.choices)
    field_order = ["cadre", "year", "mode", "period", "grade", "assessed_on", "bars", "note", "exception_reason"]
    kind = "leader"

    def __init__(self, *args, team=None, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [(c.pk, f"{c.name}（{title}）") for c, title in members]
        self.set_bars(team.org_path)


class RoundForm(forms.Form):
    organization = OrganizationPicker(label="组织单位", action="change")
    title = forms.CharField(label="测评名称", max_length=100, help_text="如“2025年度××县委领导班子和领导干部民主测评”")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=_year_initial)
    mode = forms.ChoiceField(label="考核方式", choices=Mode.choices, initial=Mode.ANNUAL)
    team = forms.ModelChoiceField(label="测评班子", queryset=LeadershipTeam.objects.none(), required=False,
                                  help_text="测评对象为该班子及其现任成员（可不选，稍后添加）",
                                  error_messages={"invalid_choice": "所选领导班子不存在或不在您的管辖范围内"})
    rules = forms.ModelChoiceField(label="测评规则", queryset=BallotRules.objects.none())
    opens_on = forms.DateField(label="开始日期", widget=forms.DateInput(DATE))
    closes_on = forms.DateField(label="截止日期", widget=forms.DateInput(DATE))
    classes = forms.CharField(label="投票人类别和权重", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="每行一个类别：名称和权重，如“中层干部 30”。统计时只在实际投票的类别之间按权重折算")
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["team"].queryset = LeadershipTeam.objects.visible_to(user).order_by("org_path", "order")
        self.fields["rules"].queryset = BallotRules.objects.visible_to(user).filter(active=True).order_by("org_path")
        first = self.fields["rules"].queryset.first()
        if first is not None:
            self.fields["rules"].initial = first.pk
        classes = (first.classes if first is not None else None) or services.DEFAULT_CLASSES
        self.fields["classes"].initial = "\n".join(f"{c['name']} {c['weight']}" for c in classes)

    def clean_classes(self):
        from django.core.exceptions import ValidationError

        try:
            return services.parse_classes(self.cleaned_data["classes"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["classes"]) from None


class ClassesForm(forms.Form):
    classes = forms.CharField(label="投票人类别和权重", widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                              help_text="每行一个类别：名称和权重。已发放投票码的类别不能删除")

    clean_classes = RoundForm.clean_classes


class IssueForm(forms.Form):
    voter_class = forms.TypedChoiceField(label="投票人类别", coerce=int,
                                         widget=forms.Select(attrs={"class": "form-select"}))
    count = forms.IntegerField(label="数量", min_value=1, max_value=services.MAX_BATCH,
                               widget=forms.NumberInput(attrs={"class": "form-control"}))

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voter_class"].choices = [(c.pk, c.name) for c in classes]


class FollowUpForm(forms.Form):
    follow_up = forms.ChoiceField(label="处理情况", choices=BallotSubject.FollowUp.choices)
    on = forms.DateField(label="处理日期", widget=forms.DateInput(DATE), initial=timezone.localdate)
    note = forms.CharField(label="处理说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RulesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = BallotRules
        fields = ["name", "top_cap", "uniform_void", "uniform_min", "trim_over", "trim_each", "points", "fail_share",
                  "pass_share", "follow_up_days", "regulation", "active"]


class BarForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ExcellenceBar
        fields = ["order", "text", "applies_to", "regulation", "article", "note", "active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}


class CodeForm(forms.Form):
    code = forms.CharField(label="投票码", max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "placeholder": "如 ABCDE-FGHJK"}))


def ballot_levels(data, subjects) -> dict[int, int]:
    """The marks a ballot form posted: subject id → level (missing or wrong values left out)."""
    out = {}
    for s in subjects:
        raw = data.get(f"s{s.pk}", "")
        if raw in ("1", "2", "3", "4"):
            out[s.pk] = int(raw)
    return out


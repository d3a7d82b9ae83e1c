from django import forms

from zugong.cadres import ranks
from zugong.cadres.models import Cadre, CadrePost
from zugong.core.config.forms import ParamFieldsForm
from zugong.core.forms import ScopedPicker, VersionedFormMixin
from zugong.core.models import LocalRule
from zugong.orgs.fields import OrganizationPicker
from zugong.orgs.models import Unit

from .models import LeadershipTeam, TeamPost

DATE = {"type": "date"}


class CadrePicker(ScopedPicker):
    """Choose a cadre among those the user may see, searched by name."""

    model, url_name = Cadre, "teams:cadre_picker"
    invalid_choice = "所选干部不存在或不在您的管辖范围内"

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.current_title or '无现任职务'}）"


class TeamForm(forms.Form):
    organization = OrganizationPicker(label="所属党组织", action="manage",
                                      help_text="班子所在单位的党组织，决定谁能看到和管理这个班子")
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(),
                                  error_messages={"invalid_choice": "所选单位不存在或不在您的管辖范围内"})
    name = forms.CharField(label="班子名称", max_length=100, help_text="如“中共××县委领导班子”")
    level = forms.TypedChoiceField(label="班子层级", coerce=int,
                                   choices=[(k, v) for k, v in ranks.LEVELS.items() if k <= 4])
    kind = forms.ChoiceField(label="班子类别", choices=LeadershipTeam.Kind.choices)
    term_started_on = forms.DateField(label="本届任期开始", required=False, widget=forms.DateInput(DATE))
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("org_path", "name")


class PostForm(VersionedFormMixin, forms.Form):
    title = forms.CharField(label="职务名称", max_length=100, help_text="如 书记、副书记、县长、副县长、常委")
    rank = forms.ChoiceField(label="职务层次", required=False,
                             choices=[("", "—")] + [(r.code, r.name) for r in ranks.RANKS if r.kind == "post"])
    quota = forms.IntegerField(label="职数", min_value=1, initial=1)
    vacant_since = forms.DateField(label="空缺起始日", required=False, widget=forms.DateInput(DATE),
                                   help_text="设立岗位时无人任职的，从哪天起空缺（默认今天）")


class AssignForm(forms.Form):
    team_post = forms.ModelChoiceField(label="职位", queryset=TeamPost.objects.none())
    cadre = CadrePicker(label="干部")
    start_on = forms.DateField(label="任职时间", widget=forms.DateInput(DATE))
    document_no = forms.CharField(label="任职文号", max_length=60, required=False)
    appointment_method = forms.ChoiceField(label="任职方式", choices=CadrePost.Method.choices,
                                           initial=CadrePost.Method.APPOINTED)
    exception_reason = forms.CharField(label="例外办理理由", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text="违反规定的任命须由有权限的管理员填写理由后作为例外办理")

    def __init__(self, *args, user=None, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_post"].queryset = TeamPost.objects.visible_to(user).filter(team=team)
        self.fields["team_post"].label_from_instance = lambda p: f"{p.title}（职数 {p.quota}）"
        self.fields["cadre"].bind(user)


class ReleaseForm(forms.Form):
    end_on = forms.DateField(label="免职时间", widget=forms.DateInput(DATE))
    document_no = forms.CharField(label="免职文号", max_length=60, required=False)


class CompositionForm(ParamFieldsForm):
    """A team level's composition standard (a `team_composition` local rule) in plain fields."""

    level = forms.TypedChoiceField(label="班子层级", coerce=int,
                                   choices=[(k, v) for k, v in ranks.LEVELS.items() if k <= 4])
    young_age = forms.IntegerField(label="年轻干部年龄上限（岁，含）", min_value=20, max_value=70)
    women = forms.IntegerField(label="至少配备女干部（名）", min_value=0, max_value=20)
    young = forms.IntegerField(label="至少配备年轻干部（名）", min_value=0, max_value=20)
    kinds = forms.MultipleChoiceField(label="适用的班子类别", choices=LeadershipTeam.Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)

    PARAMS = ("level", "young_age", "women", "young", "kinds")

    class Meta:
        model = LocalRule
        fields = ["title", "level", "young_age", "women", "young", "kinds", "regulation", "article",
                  "effective_from", "effective_to", "active"]
        widgets = {"effective_from": forms.DateInput(DATE), "effective_to": forms.DateInput(DATE)}
        labels = {"regulation": "依据文件"}
        help_texts = {"regulation": "本地文件名称，如《××省县级领导班子配备要求》"}


class VacancyForm(ParamFieldsForm):
    """The vacancy limit (a `team_vacancy` local rule) in plain fields."""

    months = forms.IntegerField(label="职位空缺不超过（个月）", min_value=1, max_value=60)

    PARAMS = ("months",)

    class Meta:
        model = LocalRule
        fields = ["title", "months", "regulation", "article", "effective_from", "effective_to", "active"]
        widgets = {"effective_from": forms.DateInput(DATE), "effective_to": forms.DateInput(DATE)}
        labels = {"regulation": "依据文件"}
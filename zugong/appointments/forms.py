"""Forms of the selection steps and of the frontline observation records. Every step form asks for the date,
who did it, a note and a document; when a rule refused the step, an authorized administrator also sees the
exception reason field."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from zugong.cadres.models import Cadre, CadrePost
from zugong.core.casework import forms as casework
from zugong.core.casework.forms import DATE
from zugong.core.forms import PickerSelect, VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker

from . import ranking
from .models import Observation, PartyCommittee, SelectionCase, TaskKind
from .rules import PUBLIC_NOTICE_DAYS


class CadrePicker(forms.ModelChoiceField):
    """Choose a cadre among those the user may see, searched by name, pinyin or the ID number's end."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Cadre.objects.none())
        kwargs.setdefault("error_messages", {"invalid_choice": "所选干部不存在或不在您的管辖范围内"})
        super().__init__(*args, **kwargs)
        self.widget = PickerSelect("")
        self.widget.choices = self.choices

    def bind(self, user):
        self.queryset = Cadre.objects.visible_to(user)
        self.widget.choices = self.choices
        self.widget.attrs["data-picker-url"] = reverse("appointments:cadre_picker")

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.current_title or obj.rank_name or '干部'}）"


EXCEPTIONAL_HELP = ("突破任职资格（任职年限等）或越级提拔的为破格提拔：试用期未满或提拔任职不满一年的不得破格提拔，"
                    "不得越两级提拔，不得在任职年限上连续破格")


class StepForm(casework.StepForm):
    document_examples = "如：动议材料、推荐票统计表、考察材料、会议纪要、任职通知"


class OpenCaseForm(StepForm):
    cadre = CadrePicker(label="干部", help_text="须先建立干部信息")
    organization = OrganizationPicker(label="办理党委（组织部门）", action="change")
    unit_name = forms.CharField(label="拟任职单位", max_length=100)
    title = forms.CharField(label="拟任职务", max_length=100, help_text="如：县委组织部副部长")
    rank = forms.ChoiceField(label="拟任职务层次", choices=())
    appointment_method = forms.ChoiceField(label="任用方式", choices=CadrePost.Method.choices,
                                           initial=CadrePost.Method.APPOINTED)
    probation_applies = forms.BooleanField(
        label="实行试用期（一年）", required=False,
        help_text="提拔担任厅局级以下非选举产生的领导职务（工作部门副职、内设机构领导职务等）实行试用期")
    ends_current_posts = forms.BooleanField(label="任职时免去现任职务", required=False, initial=True)
    exceptional = forms.BooleanField(label="破格提拔", required=False, help_text=EXCEPTIONAL_HELP)
    party_committee = forms.ChoiceField(label="拟任党委委员", required=False,
                                        choices=[("", "否")] + list(PartyCommittee.choices),
                                        help_text="拟任职务为地方党委委员（含常委、书记、副书记）的，选择党委层级；"
                                                  "党章规定了党委委员的党龄")
    reason = forms.CharField(label="动议理由", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="职位空缺情况、分析研判意见、初步人选")
    date_label = "动议日期"
    field_order = ["cadre", "organization", "unit_name", "title", "rank", "appointment_method", "probation_applies",
                   "exceptional", "party_committee", "ends_current_posts", "on", "reason"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["cadre"].bind(user)
        self.fields["organization"].bind(user)
        self.fields["rank"].choices = [("", "请选择")] + ranking.post_rank_choices()


class RecommendationForm(StepForm):
    participants = forms.IntegerField(label="参加推荐人数", min_value=0)
    issued = forms.IntegerField(label="发出推荐票", min_value=0)
    returned = forms.IntegerField(label="收回推荐票", min_value=0)
    valid = forms.IntegerField(label="有效票", min_value=0)
    received = forms.IntegerField(label="该同志得票", min_value=0)
    date_label = "民主推荐日期"
    field_order = ["on", "participants", "issued", "returned", "valid", "received"]

    def counts(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("participants", "issued", "returned", "valid", "received")}


class InspectionForm(StepForm):
    end = forms.DateField(label="考察结束日期", widget=DATE)
    people_talked = forms.IntegerField(label="个别谈话人数", min_value=0)
    inspectors = forms.CharField(label="考察组成员", required=False, max_length=200)
    materials = forms.CharField(label="考察材料", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="德、能、勤、绩、廉等方面的考察情况，或材料目录")
    observations = forms.ModelMultipleChoiceField(
        label="附一线考察识别记录", required=False, queryset=Observation.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    date_label = "考察开始日期"
    field_order = ["on", "end", "people_talked", "inspectors", "materials", "observations"]

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        field = self.fields["observations"]
        if case is not None:
            field.queryset = Observation.objects.visible_to(user).filter(cadre=case.cadre_id)
        if not field.queryset.exists():
            field.help_text = "该干部尚无一线考察识别记录"

    def clean(self):
        data = super().clean()
        if data.get("on") and data.get("end") and data["end"] < data["on"]:
            self.add_error("end", "考察结束日期不能早于开始日期")
        return data


class DecisionForm(StepForm):
    expected = forms.IntegerField(label="应到会成员数", min_value=1, help_text="党委（党组）全体成员中应当到会的人数")
    present = forms.IntegerField(label="实到会成员数", min_value=0)
    yes = forms.IntegerField(label="同意票数", min_value=0)
    no = forms.IntegerField(label="不同意票数", min_value=0, required=False)
    abstain = forms.IntegerField(label="缓议票数", min_value=0, required=False)
    exceptional = forms.BooleanField(label="破格提拔", required=False, help_text=EXCEPTIONAL_HELP)
    date_label = "讨论决定日期"
    field_order = ["on", "expected", "present", "yes", "no", "abstain", "exceptional"]

    def votes(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("expected", "present", "yes", "no", "abstain", "exceptional")}


class PublicNoticeForm(StepForm):
    days = forms.IntegerField(label="公示工作日数", min_value=1, max_value=30, initial=PUBLIC_NOTICE_DAYS,
                              help_text="按工作日计算（法定节假日不计，调休上班日计入），不少于 5 个工作日；结束日期自动计算")
    result = forms.CharField(label="公示结果", required=False, max_length=300,
                             help_text="公示期满后填写，如：公示期间未收到反映")
    date_label = "任前公示开始日期"
    field_order = ["on", "days", "result"]


class AppointmentForm(StepForm):
    document_no = forms.CharField(label="任职文号", max_length=60, help_text="如：×组干字〔2026〕12号")
    date_label = "任职日期"
    field_order = ["on", "document_no"]


class ProbationForm(StepForm):
    result = forms.ChoiceField(label="试用期满考核结果", choices=SelectionCase.ProbationResult.choices,
                               widget=forms.RadioSelect)
    date_label = "试用期满考核日期"
    field_order = ["on", "result"]


class TerminationForm(StepForm):
    reason = forms.CharField(label="终止原因", max_length=300, help_text="如：民主推荐未通过、考察发现问题、公示反映问题经查属实")
    date_label = "终止日期"
    field_order = ["on", "reason"]


class ObservationForm(VersionedFormMixin, forms.ModelForm):
    cadre = CadrePicker(label="干部")

    class Meta:
        model = Observation
        fields = ["cadre", "observed_on", "observed_until", "task_kind", "task", "conduct", "rating", "observer",
                  "observer_unit"]
        widgets = {"observed_on": DATE, "observed_until": DATE, "conduct": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, fixed_cadre=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].bind(user)
        self.fields["task_kind"].choices = [("", "请选择")] + list(TaskKind.choices)
        if fixed_cadre:
            del self.fields["cadre"]

"""Forms of dispatch and rotation: pickers scoped to the user, dates as 2025-03-01."""

from __future__ import annotations

from django import forms

from zugong.core.forms import VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker
from zugong.people.fields import PersonPicker

from . import services
from .models import Dispatch, Evaluation, Level, Program, Rotation, TargetGroup, WorkTeam

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class ProgramChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_kind_display()}）"


class DispatchForm(forms.Form):
    program = ProgramChoice(label="选派项目", queryset=Program.objects.none())
    person = PersonPicker(label="选派人员", help_text="须先在“人员”中登记；驻村工作队队员可以不是干部")
    target_group = forms.ChoiceField(label="对象类别", choices=TargetGroup.choices, initial=TargetGroup.OTHER)
    organization = OrganizationPicker(label="派出单位党组织", action="change",
                                      help_text="选派记录归派出方管理；驻在（接收）方同样可以查看和记录")
    sending_unit_name = forms.CharField(label="派出单位", max_length=100, required=False)
    original_title = forms.CharField(label="原单位职务", max_length=100, required=False)
    host_org = OrganizationPicker(label="驻在（接收）党组织", required=False,
                                  help_text="第一书记、工作队选村党组织；挂职、墩苗选接收单位的党组织")
    host_name = forms.CharField(label="驻在村或接收单位名称", max_length=100, required=False,
                                help_text="不填则用所选党组织的名称")
    host_title = forms.CharField(label="挂任（驻村）职务", max_length=100, required=False,
                                 help_text="如：村党组织第一书记、副县长（挂职）")
    team = forms.ModelChoiceField(label="驻村工作队", queryset=WorkTeam.objects.none(), required=False)
    team_role = forms.ChoiceField(label="队内职务", choices=[("", "—"), *Dispatch.TeamRole.choices], required=False)
    start_on = forms.DateField(label="开始日期", widget=DATE)
    end_on = forms.DateField(label="期满日期", widget=DATE, required=False,
                             help_text="不填则按项目的默认任期计算")
    mentor = PersonPicker(label="导师（帮带人）", required=False)
    mentor_name = forms.CharField(label="导师姓名及职务", max_length=100, required=False)
    document_no = forms.CharField(label="选派文件文号", max_length=60, required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exception_reason = forms.CharField(
        label="例外办理理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="规则不允许办理时，组织部门或党组织管理员可填写理由作为例外办理（记入操作日志）")

    def __init__(self, *args, user=None, allow_exception=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = services.programs_for(user)
        self.fields["team"].queryset = WorkTeam.objects.visible_to(user, "change").filter(
            status=WorkTeam.Status.ACTIVE)
        for name in ("person", "mentor", "organization", "host_org"):
            self.fields[name].bind(user)
        if not allow_exception:
            del self.fields["exception_reason"]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("exception_reason", "")
        return data


class ReportForm(forms.Form):
    period_start = forms.DateField(label="报告期（起始月份）", widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"])
    days_in_village = forms.IntegerField(label="在村（在岗）天数", min_value=0, max_value=366, required=False)
    workdays_count = forms.IntegerField(label="报告期工作日数", min_value=0, max_value=366, required=False,
                                        help_text="不填则按工作日历和选派期计算")
    work_log = forms.CharField(label="工作纪实", widget=forms.Textarea(attrs={"rows": 5}))
    submitted_on = forms.DateField(label="报送日期", widget=DATE)


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label="考核类别", choices=Evaluation.Kind.choices)
    year = forms.IntegerField(label="考核年度", min_value=1990, max_value=2100, required=False)
    grade = forms.ChoiceField(label="考核等次", choices=Evaluation.Grade.choices)
    comments = forms.CharField(label="考核评语", widget=forms.Textarea(attrs={"rows": 4}))
    evaluated_on = forms.DateField(label="考核日期", widget=DATE)
    evaluator = forms.CharField(label="考核单位", max_length=100, required=False)


class RecallForm(forms.Form):
    on = forms.DateField(label="召回日期", widget=DATE)
    reason = forms.CharField(label="召回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="不得无故提前召回；须写明原因（不胜任、身体原因、工作需要等）")


class ExtendForm(forms.Form):
    end_on = forms.DateField(label="新的期满日期", widget=DATE)
    reason = forms.CharField(label="调整原因", max_length=300)
    exception_reason = forms.CharField(label="例外办理理由", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, allow_exception=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_exception:
            del self.fields["exception_reason"]


class TeamForm(forms.Form):
    program = ProgramChoice(label="选派项目", queryset=Program.objects.none())
    name = forms.CharField(label="工作队名称", max_length=100)
    organization = OrganizationPicker(label="派驻单位党组织", action="change")
    sending_unit_name = forms.CharField(label="派驻单位", max_length=100, required=False)
    host_org = OrganizationPicker(label="驻在村党组织", required=False)
    host_name = forms.CharField(label="驻在村名称", max_length=100, required=False)
    start_on = forms.DateField(label="派驻日期", widget=DATE)
    end_on = forms.DateField(label="期满日期", widget=DATE, required=False, help_text="不填则按项目的默认任期计算")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = services.programs_for(user).filter(kind=Program.Kind.WORK_TEAM)
        for name in ("organization", "host_org"):
            self.fields[name].bind(user)


class RotationForm(forms.Form):
    person = PersonPicker(label="交流干部")
    organization = OrganizationPicker(label="管理党组织", action="change")
    kind = forms.ChoiceField(label="交流类型", choices=Rotation.Kind.choices)
    reason = forms.ChoiceField(label="交流原因", choices=Rotation.Reason.choices, initial=Rotation.Reason.NEED)
    from_level = forms.ChoiceField(label="原单位层级", choices=Level.choices)
    from_org = OrganizationPicker(label="原单位党组织", required=False)
    from_unit_name = forms.CharField(label="原单位", max_length=100)
    from_title = forms.CharField(label="原职务", max_length=100, required=False)
    to_level = forms.ChoiceField(label="交流后层级", choices=Level.choices)
    to_org = OrganizationPicker(label="交流单位党组织", required=False)
    to_unit_name = forms.CharField(label="交流单位", max_length=100)
    to_title = forms.CharField(label="交流后职务", max_length=100, required=False)
    on = forms.DateField(label="交流日期", widget=DATE)
    document_no = forms.CharField(label="任免或交流文件文号", max_length=60, required=False)
    planned_end_on = forms.DateField(label="约定交流期满", widget=DATE, required=False,
                                     help_text="有期限的交流（如上挂、下派）填写；长期交流留空")
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("person", "organization", "from_org", "to_org"):
            self.fields[name].bind(user)


class RotationEndForm(forms.Form):
    on = forms.DateField(label="返回或结束日期", widget=DATE)
    note = forms.CharField(label="返回或结束情况", max_length=200, required=False,
                           help_text="如：期满返回原单位、留任交流单位、转任他职")


class ProgramForm(VersionedFormMixin, forms.ModelForm):
    target_groups = forms.MultipleChoiceField(label="选派对象类别", choices=TargetGroup.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple, help_text="不选表示不限")

    class Meta:
        model = Program
        fields = ["name", "default_term_months", "min_term_months", "report_every_months", "report_grace_days",
                  "reminder_days", "target_groups", "village_share_num", "village_share_den",
                  "village_days_per_month", "min_team_size", "document", "document_status", "notes", "active"]

    def clean(self):
        data = super().clean()
        num, den = data.get("village_share_num"), data.get("village_share_den")
        if (num is None) != (den is None):
            self.add_error("village_share_den", "在村比例的分子和分母应同时填写或同时留空")
        elif num is not None and (den == 0 or num > den):
            self.add_error("village_share_den", "在村比例应为不大于 1 的分数，例如 2/3")
        return data

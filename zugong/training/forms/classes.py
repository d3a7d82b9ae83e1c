"""Training forms: classes — plans, classes, sessions, enrolment by filters, leave, 退学, 撤销结业, and the class
type and leave limit configuration rows. Pickers are scoped to the user; dates as 2026-03-05."""

from __future__ import annotations

from django import forms

from zugong.cadres import ranks
from zugong.core.forms import VersionedFormMixin
from zugong.members.models import Membership
from zugong.orgs.fields import OrganizationPicker

from .. import classes_services as services
from ..models import ClassType, LeavePolicy, Plan, Session, TrainingClass

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 2})


class PlanForm(VersionedFormMixin, forms.ModelForm):
    organization = OrganizationPicker(label="主办单位", action="change")

    class Meta:
        model = Plan
        fields = ("organization", "year", "title", "note")
        widgets = {"note": TEXT}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)


class ClassForm(VersionedFormMixin, forms.ModelForm):
    organization = OrganizationPicker(label="主办单位", action="change")

    class Meta:
        model = TrainingClass
        fields = ("organization", "plan", "code", "name", "kind", "off_job", "starts_on", "ends_on", "total_hours",
                  "capacity", "target", "location", "status")
        widgets = {"starts_on": DATE, "ends_on": DATE}
        help_texts = {"capacity": "不填表示不限人数", "off_job": "脱产培训请假超过总学时七分之一的予以退学",
                      "code": "全省唯一，例如 TY-2026-03"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["plan"].queryset = Plan.objects.visible_to(user).order_by("-year", "title")
        types = ClassType.objects.visible_to(user).filter(active=True).order_by("order", "code")
        self.fields["kind"] = forms.ChoiceField(label="培训类型", choices=[(t.code, t.name) for t in types])
        status = [c for c in TrainingClass.Status.choices if c[0] != TrainingClass.Status.CLOSED]
        if self.instance.pk and self.instance.status == TrainingClass.Status.CLOSED:
            del self.fields["status"]
        else:
            self.fields["status"].choices = status


class SessionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ("on", "starts_at", "ends_at", "topic", "lecturer", "hours")
        widgets = {"on": DATE, "starts_at": TIME, "ends_at": TIME}


SOURCES = [("cadres", "干部"), ("members", "党员")]
CATEGORIES = [("", "全部"), ("post", "领导职务"), ("grade", "职级")]


class EnrolForm(forms.Form):
    source = forms.ChoiceField(label="报名对象", choices=SOURCES, initial="cadres")
    organization = OrganizationPicker(label="组织范围（含下级）")
    rank_levels = forms.TypedMultipleChoiceField(label="干部层级", choices=ranks.LEVEL_CHOICES, coerce=int,
                                                 required=False, widget=forms.CheckboxSelectMultiple,
                                                 help_text="仅对干部有效；不选表示全部层级")
    category = forms.ChoiceField(label="干部类别", choices=CATEGORIES, required=False, help_text="仅对干部有效")
    statuses = forms.MultipleChoiceField(label="党籍状态", required=False, widget=forms.CheckboxSelectMultiple,
                                         choices=[(s, dict(Membership.Status.choices)[s])
                                                  for s in Membership.ACTIVE_STATUSES],
                                         help_text="仅对党员有效；不选表示正式党员和预备党员")
    untrained = forms.BooleanField(label="只选本周期内未参加同类培训的", required=False)
    untrained_years = forms.IntegerField(label="周期（年）", min_value=1, max_value=20, required=False,
                                         help_text="最近几年内没有结业的同类型班次；不填按培训类型的周期")

    def __init__(self, *args, user=None, training_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.training_class = training_class

    def criteria(self) -> services.Criteria:
        data = self.cleaned_data
        years = None
        if data.get("untrained"):
            ctype = services.class_type(self.training_class.kind)
            years = data.get("untrained_years") or (ctype.cycle_years if ctype else 5)
        return services.Criteria(source=data["source"], organization=data["organization"],
                                 rank_levels=list(data.get("rank_levels") or []), category=data.get("category") or "",
                                 statuses=list(data.get("statuses") or []), untrained_years=years)


class LeaveForm(forms.Form):
    session = forms.ModelChoiceField(label="课次", queryset=Session.objects.none())
    hours = forms.DecimalField(label="请假学时", max_digits=4, decimal_places=1, min_value=0.1)
    reason = forms.CharField(label="请假事由", max_length=200)

    def __init__(self, *args, user=None, training_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.visible_to(user).filter(training_class=training_class)


class WithdrawForm(forms.Form):
    on = forms.DateField(label="退学日期", widget=DATE)
    reason = forms.CharField(label="退学原因", max_length=200, widget=TEXT)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="撤销结业的原因", max_length=200, widget=TEXT,
                             help_text="撤销后，该班次计入台账的学时全部撤回，已颁发的结业证书作废")


class ClassTypeForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ClassType
        fields = ("name", "credited", "off_job", "cycle_years", "order", "regulation", "article", "active")


class LeavePolicyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = LeavePolicy
        fields = ("limit_numerator", "limit_denominator", "warn_percent", "regulation", "article", "active")

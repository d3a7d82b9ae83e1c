"""Talent forms: review — an expert, a round, a reviewer's score sheet, a declared conflict, a swap."""

from __future__ import annotations

from django import forms

from zugong.people.fields import PersonPicker

from .. import review_services
from ..models import Expert, ReviewRound

__all__ = ["ExpertForm", "RoundForm", "ScoreSheetForm", "DeclareForm", "SwapForm", "PublishForm"]


class ExpertForm(forms.ModelForm):
    """An expert of the pool; `account` links the expert to a login (an existing active account, by its login
    name) so that the expert scores on the reviewer's pages; empty unlinks."""

    account = forms.CharField(label="评审账号（登录名）", required=False, max_length=150,
                              help_text="专家在本系统打分时使用的登录名（账号须已由系统管理员建立）；留空则不在系统内打分")

    person = PersonPicker(label="系统内人员", required=False,
                          help_text="专家是本系统内的人员时选择：回避排查据其干部信息（任职单位、职务、家庭成员）核对")

    class Meta:
        model = Expert
        fields = ["name", "person", "unit_name", "field", "title", "phone", "email", "active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].bind(user)
        if self.instance.user_id:
            self.fields["account"].initial = self.instance.user.username

    def clean_account(self):
        from django.contrib.auth import get_user_model

        name = self.cleaned_data["account"].strip()
        if not name:
            self.instance.user = None
            return ""
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"没有登录名为“{name}”的有效账号，请先请系统管理员建立账号")
        other = review_services.expert_with_account(self.instance.organization_id, user, other_than=self.instance.pk)
        if other is not None:
            raise forms.ValidationError(f"该账号已是本专家库专家“{other.name}”的评审账号")
        self.instance.user = user
        return name


class RoundForm(forms.ModelForm):
    class Meta:
        model = ReviewRound
        fields = ["edition", "tier", "name", "reviewers_per_application", "opens_on", "closes_on"]
        widgets = {"opens_on": forms.DateInput(attrs={"type": "date"}),
                   "closes_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models import Edition, Tier

        self.fields["edition"].queryset = Edition.objects.visible_to(user)
        self.fields["tier"].queryset = Tier.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        tier, edition = data.get("tier"), data.get("edition")
        if tier and edition and tier.edition_id != edition.pk:
            self.add_error("tier", "该层次不属于所选批次")
        return data


class ScoreSheetForm(forms.Form):
    """One score (0..满分) and comment per criterion, and an overall comment."""

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.DecimalField(
                label=f"{c.name}（满分{c.max_score}，权重{c.weight}）", min_value=0, max_value=c.max_score,
                decimal_places=2, help_text=c.description)
            self.fields[f"comment_{c.pk}"] = forms.CharField(label=f"{c.name}评语", max_length=500, required=False)
        self.fields["comment"] = forms.CharField(label="综合评价", widget=forms.Textarea(attrs={"rows": 3}),
                                                 required=False)

    def scores(self) -> dict:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data.get(f"comment_{c.pk}", ""))
                for c in self.criteria}


class DeclareForm(forms.Form):
    reason = forms.CharField(label="回避理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class SwapForm(forms.Form):
    expert = forms.ModelChoiceField(label="更换为", queryset=Expert.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = Expert.objects.visible_to(user).filter(active=True)


class PublishForm(forms.Form):
    on = forms.DateField(label="发布日期", widget=forms.DateInput(attrs={"type": "date"}))

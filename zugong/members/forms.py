"""Member forms: the member record, transfers and their confirmations, dues payments and recorded reasons."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from zugong.core.forms import VersionedFormMixin
from zugong.core.refdata import EDUCATION, ETHNICITIES
from zugong.orgs import services as org_services
from zugong.orgs.fields import OrganizationPicker
from zugong.orgs.models import Organization

from . import dues
from .models import CorrectionPeriod, MemberContact, Membership, TransferRequest
from .services import EDITABLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthField(forms.CharField):
    """A month: 2026-03 (the browser's month input), 2026年3月, 202603; cleaned to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return dues.parse_month(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


def _today():
    return timezone.localdate()


class MembershipForm(VersionedFormMixin, forms.ModelForm):
    """The member record as kept by the branch (the branch itself changes only through a transfer)."""

    inflow_organization = OrganizationPicker(
        label="流入地党组织",
        required=False,
        help_text="在您管辖范围内的流入地党组织；范围以外的请在下面填写名称",
    )
    dues_from = MonthField(
        label="党费记录起始月份", required=False, help_text="平台开始记录该党员党费的月份；留空为入党当月"
    )
    dues_base_from = MonthField(
        label="新计算基数适用起始月份",
        required=False,
        help_text="修改计算基数、计算方式或党员类别时填写：从发放新工资的当月起按新标准交纳"
        "（党费规定 一、第十条）；留空为本月。此前各月仍按原基数核定",
    )
    post_on = forms.DateField(
        label="职务变动日期", required=False, widget=DATE,
        help_text="支部委员会职务有变动时填写任职或免职的日期（记入任职记录）；留空为今天",
    )

    changed_on = forms.DateField(
        label="党籍状态、党小组变更日期",
        required=False,
        widget=DATE,
        help_text="党籍状态（停止党籍、出党、恢复党籍等）或党小组变更生效的日期；留空为今天。"
        "接收为预备党员以入党时间、转正以转正时间为准",
    )

    field_order = [name for f in EDITABLE_FIELDS
                   for name in (f, *{"committee_post": ("post_on",), "dues_from": ("dues_base_from",)}.get(f, ()))]

    class Meta:
        model = Membership
        fields = list(EDITABLE_FIELDS)
        widgets = {
            f: DATE
            for f in ("joined_on", "converted_on", "away_since", "lost_contact_since", "abroad_since", "graduated_on")
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inflow_organization"].bind(user)
        for name, label in (("committee_post", "（无）"), ("dues_kind", "（按党员类别确定）")):
            if name in self.fields:
                self.fields[name].choices = [("", label), *self.fields[name].choices[1:]]
        branch = self.instance.organization if self.instance.organization_id else None
        if "party_group" in self.fields:
            groups = Organization.objects.visible_to(user).filter(kind=Organization.Kind.PARTY_GROUP)
            self.fields["party_group"].queryset = groups.within(branch.path) if branch else groups.none()
            self.fields["party_group"].empty_label = "（不在党小组）"

    def validate_unique(self):
        """A person has one membership: the service says so in Chinese."""

    def clean_status(self):
        """出党、取消预备党员资格 and death are recorded by 出党/死亡登记 (`members.exits.record_exit`: the kind, the
        date and the handling organization the statistics count by), not by changing the status here."""
        status = self.cleaned_data.get("status")
        ended = (Membership.Status.LEFT, Membership.Status.CANCELLED, Membership.Status.DECEASED)
        if status in ended and status != self.initial.get("status", self.instance.status if self.instance.pk
                                                          else None):
            raise forms.ValidationError("出党、取消预备党员资格和死亡请在党员页面用“出党/死亡登记”办理"
                                        "（须写明出党方式、日期和办理的党组织）")
        return status

    def cleaned_fields(self) -> dict:
        fields = {f: self.cleaned_data[f] for f in self.Meta.fields if f in self.cleaned_data}
        for extra in ("dues_base_from", "post_on"):
            if self.cleaned_data.get(extra):
                fields[extra] = self.cleaned_data[extra]
        return fields


class RegisterForm(MembershipForm):
    """Record an existing person as a party member of a branch."""

    organization = OrganizationPicker(label="所在党支部", action="change")

    class Meta(MembershipForm.Meta):
        fields = [
            "status",
            "joined_on",
            "converted_on",
            "category",
            "classification",
            "occupation",
            "committee_post",
            "dues_kind",
            "dues_base",
            "dues_from",
        ]

    field_order = ["organization"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].bind(user)
        del self.fields["inflow_organization"]
        del self.fields["dues_base_from"]
        del self.fields["changed_on"]


class TransferForm(forms.Form):
    """Open a transfer out of the member's branch."""

    kind = forms.ChoiceField(
        label="转接类型",
        choices=TransferRequest.Kind.choices[:2],
        widget=forms.RadioSelect,
        initial=TransferRequest.Kind.WITHIN,
    )
    to_org_code = forms.CharField(
        label="接收党组织代码（省内）",
        required=False,
        max_length=32,
        help_text="省内转接时填写接收党支部的组织代码（可向接收方询问）",
    )
    to_org_name = forms.CharField(
        label="接收党组织名称（省外）",
        required=False,
        max_length=100,
        help_text="转出省外时填写对方党组织的全称",
    )
    reason = forms.CharField(
        label="转接原因", required=False, max_length=100, help_text="如 工作调动、升学、毕业"
    )
    requested_on = forms.DateField(label="申请日期", initial=_today, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("kind") == TransferRequest.Kind.WITHIN:
            code = (data.get("to_org_code") or "").strip()
            if not code:
                self.add_error("to_org_code", "省内转接请填写接收党支部的组织代码")
            else:
                # The receiving branch is usually outside the issuing side's scope: it is found by its
                # exact code only (what the letter names anyway), never listed or searched.
                org = org_services.by_code(code)
                if org is None:
                    self.add_error("to_org_code", f"组织代码 {code} 不存在")
                data["to_org"] = org
        elif data.get("kind") == TransferRequest.Kind.OUT and not (data.get("to_org_name") or "").strip():
            self.add_error("to_org_name", "转出省外请填写对方党组织的名称")
        return data


class InboundForm(forms.Form):
    """The letter of a member coming from outside the province."""

    to_org = OrganizationPicker(label="接收党支部", action="change")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=40)
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNICITIES, initial="01")
    education = forms.ChoiceField(label="学历", choices=[("", "—")] + list(EDUCATION), required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    member_status = forms.ChoiceField(
        label="党员身份", choices=Membership.Status.choices[:2], initial=Membership.Status.FULL
    )
    joined_on = forms.DateField(label="入党时间", widget=DATE)
    converted_on = forms.DateField(label="转正时间", required=False, widget=DATE)
    category = forms.ChoiceField(
        label="党员类别", choices=Membership.Category.choices, initial=Membership.Category.EMPLOYED
    )
    from_org_name = forms.CharField(label="转出党组织（省外）", max_length=100)
    letter_no = forms.CharField(label="介绍信编号", max_length=40)
    sent_on = forms.DateField(label="介绍信开具日期", widget=DATE)
    dues_paid_until = MonthField(label="党费交至", required=False, help_text="介绍信上写明的党费已交到的月份")
    reason = forms.CharField(label="转接原因", required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].bind(user)


class SendForm(forms.Form):
    letter_no = forms.CharField(label="介绍信编号", max_length=40)
    sent_on = forms.DateField(label="开具日期", initial=_today, widget=DATE)


class ReceiveForm(forms.Form):
    received_on = forms.DateField(label="接收日期", initial=_today, widget=DATE)


class CloseForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label="日期", initial=_today, widget=DATE)


class PaymentForm(forms.Form):
    first_month = MonthField(label="缴费月份")
    last_month = MonthField(
        label="截止月份", required=False, help_text="按季度交纳或补交多个月时填写；金额为每月金额"
    )
    amount = forms.DecimalField(label="每月金额（元）", max_digits=10, decimal_places=2, min_value=dues.CENT)
    paid_on = forms.DateField(label="缴费日期", initial=_today, widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=100)


class ExemptionForm(forms.Form):
    month_from = MonthField(label="起始月份")
    month_to = MonthField(label="截止月份", required=False, help_text="留空表示至今仍适用")
    reason = forms.CharField(label="理由", max_length=200, help_text="如 生活困难经批准免交、长期病休")
    approval = forms.CharField(
        label="批准情况",
        max_length=100,
        required=False,
        help_text="减免党费须党支部提出意见、上一级党委批准（党费规定 一、第七条）：填写文号或说明",
    )


class ConfirmForm(forms.Form):
    """A deliberate click for an operation that needs no input."""


class ContactForm(forms.Form):
    """A contact with a member, or a search for one out of contact (教育管理条例 第二十四条、第三十四条)."""

    kind = forms.ChoiceField(label="类型", choices=MemberContact.Kind.choices, initial=MemberContact.Kind.CONTACT)
    contacted_on = forms.DateField(label="日期", widget=DATE, initial=_today)
    reached = forms.BooleanField(label="取得联系", required=False, initial=True,
                                 help_text="多方查找仍无音讯的，不勾选")
    note = forms.CharField(label="情况", max_length=200, required=False,
                           help_text="如 电话联系本人、经家属联系、走访原单位")


class CorrectionForm(forms.Form):
    """限期改正 (教育管理条例 第三十条): the period, at most 1 year."""

    started_on = forms.DateField(label="起始日期", widget=DATE, initial=_today)
    deadline = forms.DateField(label="改正期限", widget=DATE, help_text="最长不超过 1 年")
    reason = forms.CharField(label="事由", max_length=200)


class CorrectionOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=CorrectionPeriod.Outcome.choices)
    outcome_on = forms.DateField(label="认定日期", widget=DATE, initial=_today)
    outcome_note = forms.CharField(label="说明", max_length=200, required=False)

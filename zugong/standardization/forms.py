"""Forms of the standardization pages: checklist and item configuration, inspector scores, scoring runs."""

import datetime as dt
import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zugong.core import scope
from zugong.orgs.fields import OrganizationPicker

from . import measures
from .models import Checklist, ChecklistItem

DATE = {"type": "date"}


def _kind_labels() -> dict[str, str]:
    from zugong.branchlife.models import Meeting

    return {**dict(Meeting.Kind.choices), "secretary_lecture": "书记讲党课", "study": "32学时"}


# The parameters of data measures, by the names officials read: key → (label, type). Types: int, float, "kinds".
PARAMS = {
    "months": ("统计月数", int),
    "years": ("年数", int),
    "below": ("低于", float),
    "above": ("高于", float),
    "at_least": ("至少", int),
    "deduct": ("每次扣分", float),
    "kinds": ("会议类别", "kinds"),
    "min_committee": ("委员至少", int),
    "committee_from": ("正式党员满几人设委员会", int),
}
PARAM_HELP = ("每行一个参数，写“名称：数值”，如“统计月数：12”“低于：0.6”“会议类别：支部委员会会议、主题党日”；"
              "可用：" + "、".join(label for label, _ in PARAMS.values()))


class ParamsField(forms.Field):
    """A data measure's parameters typed as “统计月数：12” lines (stored as {"months": 12}); each wrong line
    named in the error. Pasted JSON is accepted as is."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        kinds = _kind_labels()
        lines = []
        for key, v in (value or {}).items():
            label, kind = PARAMS.get(key, (key, None))
            if kind == "kinds" and isinstance(v, list):
                v = "、".join(kinds.get(k, k) for k in v)
            elif isinstance(v, float) and v.is_integer() and kind is int:
                v = int(v)
            lines.append(f"{label}：{v}")
        return "\n".join(lines)

    def to_python(self, value):
        text = (value or "").strip()
        if text.startswith("{"):
            try:
                return json.loads(text)
            except ValueError:
                raise ValidationError("格式有误：请每行写一个参数，如“统计月数：12”") from None
        by_label = {label: (key, kind) for key, (label, kind) in PARAMS.items()}
        by_label.update({key: (key, kind) for key, (_, kind) in PARAMS.items()})
        kinds = {label: code for code, label in _kind_labels().items()}
        params = {}
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            name, sep, raw = line.replace(":", "：").partition("：")
            name, raw = name.strip(), raw.strip()
            if not sep or name not in by_label:
                raise ValidationError(f"第 {number} 行“{line}”：应为“名称：数值”，名称可用"
                                      + "、".join(label for label, _ in PARAMS.values()))
            key, kind = by_label[name]
            if kind == "kinds":
                names = [n.strip() for n in re.split(r"[、,，;；\s]+", raw) if n.strip()]
                unknown = [n for n in names if n not in kinds and n not in kinds.values()]
                if not names or unknown:
                    raise ValidationError(f"第 {number} 行：会议类别“{'、'.join(unknown) or raw}”不认识，可用"
                                          + "、".join(kinds))
                params[key] = [kinds.get(n, n) for n in names]
                continue
            try:
                number_value = float(raw)
            except ValueError:
                raise ValidationError(f"第 {number} 行：“{name}”应为数字，现为“{raw}”") from None
            if kind is int:
                if not number_value.is_integer():
                    raise ValidationError(f"第 {number} 行：“{name}”应为整数，现为“{raw}”")
                number_value = int(number_value)
            params[key] = number_value
        return params


INNOVATION = "须有创新项目"
BAND_LINE = re.compile(r"^(?P<grade>[^\s≥>=]+)\s*(?:≥|>=|不低于)?\s*(?P<min>\d+(?:\.\d+)?)\s*分?\s*(?P<innovation>须有创新项目)?$")


class GradeBandsField(forms.Field):
    """等次划分 typed as officials write it, one band a line from the highest: “五星 90 须有创新项目”,
    “四星 80” … (stored as [{"grade", "min", "requires_innovation"}]); each wrong line named in the error."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        lines = []
        for band in value or []:
            minimum = band.get("min")
            if isinstance(minimum, float) and minimum.is_integer():
                minimum = int(minimum)
            lines.append(f"{band.get('grade')} {minimum}" + (f" {INNOVATION}" if band.get("requires_innovation") else ""))
        return "\n".join(lines)

    def to_python(self, value):
        if (value or "").lstrip().startswith("["):  # the stored form, pasted as is
            try:
                return json.loads(value)
            except ValueError:
                raise ValidationError("格式有误：请每行写一档，如“四星 80”") from None
        bands = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            line = line.strip().replace("　", " ")
            if not line:
                continue
            match = BAND_LINE.match(line)
            if not match:
                raise ValidationError(f"第 {number} 行“{line}”格式有误：应为“等次 最低分”，如“四星 80”或“五星 90 {INNOVATION}”")
            minimum = float(match["min"])
            band = {"grade": match["grade"], "min": int(minimum) if minimum.is_integer() else minimum}
            if match["innovation"]:
                band["requires_innovation"] = True
            bands.append(band)
        return bands


class ChecklistForm(forms.ModelForm):
    grade_bands = GradeBandsField(
        label="等次划分",
        help_text=f"每行一档，从高到低写“等次 最低分”，须有创新项目的在后面加“{INNOVATION}”；低于最后一档的为最后一档")

    class Meta:
        model = Checklist
        fields = ["name", "edition", "issuing_body", "document", "sector", "effective_from", "effective_to",
                  "grade_bands", "source_status", "active"]
        widgets = {"effective_from": forms.DateInput(DATE, format="%Y-%m-%d"),
                   "effective_to": forms.DateInput(DATE, format="%Y-%m-%d")}


class NewEditionMixin:
    """The parts of a form creating a configuration (checklist, identification standard) that every kind
    shares: the issuing organization among those the user administers (its subtree is the scope), and an
    existing one the user can see to copy as a new edition (choosing it reloads the form filled from it)."""

    noun = ""
    reload_url = ""
    copied_fields: tuple[str, ...] = ()

    def setup(self, user, source):
        self.fields["organization"].bind(user)
        visible = self._meta.model.objects.visible_to(user)
        self.fields["copy_from"].queryset = visible.select_related("organization")
        self.fields["copy_from"].widget.attrs.update({
            "hx-get": reverse(self.reload_url), "hx-target": "#config-create", "hx-select": "#config-body",
            "hx-swap": "innerHTML"})
        for field in self.fields.values():  # "请填写名称", next to the field, not a bare "这个字段是必填项"
            verb = "请选择" if isinstance(field.widget, forms.Select) else "请填写"
            field.error_messages["required"] = f"{verb}{field.label}"
        if not self.is_bound:
            self.initial.update(self.initial_from(user, source))

    def initial_from(self, user, source) -> dict:
        """A new edition for next year: its effective date and name, the copied fields of the source, and the
        source's organization when the user may issue for it (else the user's own)."""
        from zugong.orgs.models import Organization

        year = timezone.localdate().year + 1
        initial = {"edition": f"{year}年版", "effective_from": dt.date(year, 1, 1)}
        if source is not None:
            initial |= {name: getattr(source, name) for name in self.copied_fields}
            initial["copy_from"] = source.pk
        if source is not None and scope.can(user, "admin", source.org_path):
            initial["organization"] = source.organization_id
        else:
            own = scope.scope_paths(user, "admin")[:1]
            initial["organization"] = (Organization.objects.visible_to(user, "admin").filter(path__in=own)
                                       .values_list("pk", flat=True).first())
        return initial


def copy_from_field(noun: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="复制自", required=False, queryset=None, empty_label=f"（不复制，新建空白{noun}）",
        help_text=f"制定新版本：复制所选{noun}的全部内容，保存后再逐项修改",
        error_messages={"invalid_choice": f"所选{noun}不存在或您无权查看"})


def issuer_field(noun: str) -> OrganizationPicker:
    return OrganizationPicker(label="制定党组织（适用范围）", action="admin",
                              help_text=f"{noun}适用于该党组织及其全部下级党组织；只能选择您担任组织部门管理员的党组织")


class ChecklistCreateForm(NewEditionMixin, ChecklistForm):
    """新建评分标准: empty (with the example star bands) or a copy of a visible checklist."""

    noun = "评分标准"
    reload_url = "standardization:checklist_create"
    copied_fields = ("name", "issuing_body", "document", "sector", "grade_bands", "source_status")
    copy_from = copy_from_field(noun)
    organization = issuer_field(noun)
    field_order = ["copy_from", "organization", *ChecklistForm.Meta.fields]

    class Meta(ChecklistForm.Meta):
        fields = ["organization", *ChecklistForm.Meta.fields]

    def __init__(self, *args, user=None, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(user, source)
        if not self.is_bound and source is None:
            from .defaults import STAR_BANDS

            self.initial["grade_bands"] = STAR_BANDS


class ChecklistItemForm(forms.ModelForm):
    params = ParamsField(label="参数", required=False, help_text=PARAM_HELP)
    measure = forms.ChoiceField(label="数据指标", required=False, choices=[("", "（考评人员评分）")])

    class Meta:
        model = ChecklistItem
        fields = ["area", "order", "title", "max_points", "source", "measure", "method", "params",
                  "deduction_rule", "evidence_required", "is_bonus"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "（考评人员评分）")] + measures.choices()

    def clean_params(self):
        return self.cleaned_data.get("params") or {}


class InspectorScoreForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label="得分", max_digits=6, decimal_places=2, min_value=0)
    note = forms.CharField(label="评分说明", required=False, max_length=300)


class ComputeForm(forms.Form):
    checklist = forms.ModelChoiceField(label="评分标准", queryset=Checklist.objects.none(),
                                       error_messages={"invalid_choice": "所选评分标准不存在或不适用"})
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    organization = OrganizationPicker(label="计算范围", required=False, action="manage",
                                      help_text="留空为评分标准的全部适用范围")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = Checklist.objects.visible_to(user).filter(active=True)
        self.fields["organization"].bind(user)

    def clean(self):
        from .scoring import not_in_force_message

        data = super().clean()
        if data.get("checklist") and data.get("year"):
            refused = not_in_force_message(data["checklist"], data["year"])
            if refused:
                self.add_error("checklist", refused)
        return data

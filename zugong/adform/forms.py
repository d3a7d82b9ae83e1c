from django import forms

from zugong.core.forms import VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker

from .models import AdForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data] or None
        return super().clean(data, initial)


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="任免审批表文件", widget=MultipleFileInput(attrs={"multiple": True, "accept": ".lrmx,.lrm,.pic,.zip"}),
        help_text="可多选：.lrmx（3.x 版）、.lrm（2.0 版，连同同名 .pic 照片），或装有多个文件的 .zip",
        error_messages={"required": "请选择要导入的任免审批表文件"},
    )
    organization = OrganizationPicker(label="新增人员登记到", action="manage",
                                      help_text="文件中的人员在系统中没有时，在此组织新建人员和干部信息")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if not isinstance(files, list):
            files = [files]
        if not files:
            raise forms.ValidationError("请选择要导入的任免审批表文件")
        bad = [f.name for f in files if not f.name.lower().endswith((".lrmx", ".lrm", ".pic", ".zip"))]
        if bad:
            raise forms.ValidationError(f"只接受 .lrmx、.lrm、.pic 和 .zip 文件：{'、'.join(bad[:5])}")
        from zugong.core import uploads

        from .sources import MAX_FILES

        problems = []
        for f in files:  # the size of each, and what a zip declares it unpacks to: before anything is read
            try:
                uploads.check_before_storing(f)
                if f.name.lower().endswith(".zip"):
                    uploads.check_zip(f, f.name, max_files=MAX_FILES)
            except uploads.Refused as exc:
                problems.append(str(exc))
        if problems:
            raise forms.ValidationError(problems)
        return files


class AdFormForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AdForm
        fields = ["proposed_post", "proposed_removal", "reasons", "submitting_unit", "age_as_of", "filled_on",
                  "filled_by"]
        widgets = {k: forms.Textarea(attrs={"rows": 2}) for k in ("proposed_post", "proposed_removal", "reasons")}

    def _date(self, name, label):
        from .formdata import FormError, normalize_date

        try:
            return normalize_date(self.cleaned_data.get(name), label)
        except FormError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_age_as_of(self):
        return self._date("age_as_of", "计算年龄时间")

    def clean_filled_on(self):
        return self._date("filled_on", "填表时间")

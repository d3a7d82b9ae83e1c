from django import forms

from zugong.core import pii
from zugong.core.forms import VersionedFormMixin
from zugong.orgs.fields import OrganizationPicker

from .models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(VersionedFormMixin, forms.ModelForm):
    organization = OrganizationPicker(label="所在党组织", action="change")

    class Meta:
        model = Person
        fields = [
            "name", "id_number", "sex", "ethnicity", "birth_date", "organization", "native_place", "birthplace",
            "education", "phone", "photo",
            # the annual party statistics' classifications (`classifications`)
            "occupation_class", "social_stratum", "front_line", "tech_title_level", "student_level", "student_year",
            "taiwan_origin",
        ]
        widgets = {"birth_date": DATE}
        help_texts = {"birth_date": "留空则按公民身份号码填写", "sex": "须与公民身份号码一致"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["birth_date"].required = False
        self.fields["sex"].required = False
        # An edit shows the numbers masked (the full ones are an audited request on the person's page); the
        # masked value submitted unchanged keeps the stored number.
        if self.instance.pk:
            self._masked = {"id_number": pii.mask_id(self.instance.id_number),
                            "phone": pii.mask_phone(self.instance.phone)}
            for name, masked in self._masked.items():
                self.initial[name] = masked
            self.fields["id_number"].help_text = "已脱敏显示；不修改请保留原样，修改请输入完整号码"

    def _kept(self, name):
        value = self.cleaned_data.get(name)
        if self.instance.pk and value and value == self._masked[name]:
            return getattr(self.instance, name)
        return value

    def clean_id_number(self):
        return self._kept("id_number")

    def clean_phone(self):
        return self._kept("phone")

    def validate_unique(self):
        """Duplicates are checked by the service, which may name the existing record."""

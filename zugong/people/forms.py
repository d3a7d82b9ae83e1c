from django import forms

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
        ]
        widgets = {"birth_date": DATE}
        help_texts = {"birth_date": "留空则按公民身份号码填写", "sex": "须与公民身份号码一致"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].bind(user)
        self.fields["birth_date"].required = False
        self.fields["sex"].required = False

    def validate_unique(self):
        """Duplicates are checked by the service, which may name the existing record."""
